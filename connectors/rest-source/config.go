package main

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

// Config keys.
const (
	urlKey           = "rest.url"
	endpointsKey     = "rest.endpoints"
	tokenKey         = "rest.bearer.token"
	pageSizeKey      = "rest.page.size"
	itemsFieldKey    = "rest.items.field"
	idFieldKey       = "rest.id.field"
	valueFormatKey   = "rest.value.format"
	pollIntervalKey  = "rest.poll.interval.ms"
	backoffKey       = "rest.retry.backoff.ms"
	backoffMaxKey    = "rest.retry.backoff.max.ms"
	requestTimeout   = "rest.request.timeout.ms"
	topicKey         = "topic"
	taskEndpointsKey = "task.endpoints" // set by the connector for each task
)

var configDef = pc.NewConfigDef(
	pc.ConfigKey{Name: urlKey, Type: pc.TypeString, Required: true, Importance: pc.High, Group: "API",
		Doc: "Base URL of the REST API, e.g. https://api.example.com/v1", Validator: pc.ValidatorFunc(checkURL)},
	pc.ConfigKey{Name: endpointsKey, Type: pc.TypeList, Required: true, Importance: pc.High, Group: "API",
		Doc: "Paths under the base URL to read, e.g. /users,/orders; split across tasks (tasks.max)", Validator: pc.ValidatorFunc(checkEndpoints)},
	pc.ConfigKey{Name: tokenKey, Type: pc.TypePassword, Default: "", Importance: pc.High, Group: "API",
		Doc: "Bearer token sent as 'Authorization: Bearer <token>'; empty: none"},
	pc.ConfigKey{Name: topicKey, Type: pc.TypeString, Required: true, Importance: pc.High,
		Doc: "Topic to write the items to", Validator: pc.NonEmptyString{}},
	pc.ConfigKey{Name: pageSizeKey, Type: pc.TypeInt, Default: "100", Importance: pc.Medium, Group: "Paging",
		Doc: "Items per request (the 'limit' query parameter); a shorter page means the endpoint is caught up", Validator: pc.Between(1, 100000)},
	pc.ConfigKey{Name: itemsFieldKey, Type: pc.TypeString, Default: "", Importance: pc.Medium, Group: "Paging",
		Doc: "Field of the response object holding the items; empty: the response is the array of items"},
	pc.ConfigKey{Name: idFieldKey, Type: pc.TypeString, Default: "", Importance: pc.Medium,
		Doc: "Item field used as the record key; empty: no key"},
	pc.ConfigKey{Name: valueFormatKey, Type: pc.TypeString, Default: "string", Importance: pc.Medium,
		Doc:       "'string': the value is the item's JSON text as served; 'map': a schemaless map of the item's fields",
		Validator: pc.ValidString{Allowed: []string{"string", "map"}}},
	pc.ConfigKey{Name: pollIntervalKey, Type: pc.TypeLong, Default: "5000", Importance: pc.Medium,
		Doc: "How long to wait before asking a caught-up endpoint again", Validator: pc.AtLeast(0)},
	pc.ConfigKey{Name: backoffKey, Type: pc.TypeLong, Default: "200", Importance: pc.Low, Group: "Retries",
		Doc: "First wait after a 5xx answer or a connection error; doubles on each failure in a row", Validator: pc.AtLeast(1)},
	pc.ConfigKey{Name: backoffMaxKey, Type: pc.TypeLong, Default: "10000", Importance: pc.Low, Group: "Retries",
		Doc: "Longest wait between retries", Validator: pc.AtLeast(1)},
	pc.ConfigKey{Name: requestTimeout, Type: pc.TypeLong, Default: "30000", Importance: pc.Low,
		Doc: "Timeout of one HTTP request", Validator: pc.AtLeast(1)},
)

func checkURL(_ string, v any) error {
	s, _ := v.(string)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("must be an http:// or https:// URL with a host")
	}
	return nil
}

func checkEndpoints(_ string, v any) error {
	paths, _ := v.([]string)
	if len(paths) == 0 {
		return fmt.Errorf("at least one endpoint is needed")
	}
	seen := map[string]bool{}
	for _, p := range paths {
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("endpoint %q must start with '/'", p)
		}
		if seen[p] {
			return fmt.Errorf("endpoint %q is listed twice", p)
		}
		seen[p] = true
	}
	return nil
}

// settings are a task's parsed config.
type settings struct {
	base                string
	endpoints           []string
	token, topic        string
	pageSize            int
	itemsField, idField string
	asMap               bool
	pollInterval        time.Duration
	backoff, backoffMax time.Duration
	timeout             time.Duration
}

func ms(n int64) time.Duration { return time.Duration(n) * time.Millisecond }

func parseSettings(cfg pc.Config) (settings, error) {
	s := settings{
		base:         strings.TrimSuffix(cfg.String(urlKey), "/"),
		endpoints:    cfg.List(endpointsKey),
		token:        cfg.String(tokenKey),
		topic:        cfg.String(topicKey),
		pageSize:     int(cfg.Int(pageSizeKey)),
		itemsField:   cfg.String(itemsFieldKey),
		idField:      cfg.String(idFieldKey),
		asMap:        cfg.String(valueFormatKey) == "map",
		pollInterval: ms(cfg.Int(pollIntervalKey)),
		backoff:      ms(cfg.Int(backoffKey)),
		backoffMax:   ms(cfg.Int(backoffMaxKey)),
		timeout:      ms(cfg.Int(requestTimeout)),
	}
	if _, ok := cfg.Raw()[taskEndpointsKey]; ok {
		s.endpoints = cfg.List(taskEndpointsKey)
	}
	if s.backoffMax < s.backoff {
		return s, pc.ConfigErrorf("%s (%d) must not be less than %s (%d)", backoffMaxKey, s.backoffMax.Milliseconds(), backoffKey, s.backoff.Milliseconds())
	}
	return s, nil
}

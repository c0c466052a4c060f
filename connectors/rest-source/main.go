// RestSource: a Polyconnect source connector that reads paged JSON from a REST API.
//
// Each endpoint (a path under rest.url) is a source partition; its offset is the position
// of the next item. A task asks for GET <url><path>?offset=<position>&limit=<page size>,
// turns the items into records and asks for the next page at once, until a page comes back
// shorter than the limit: the endpoint is caught up and is asked again after
// rest.poll.interval.ms. 5xx answers, 429 and connection errors are retried with a capped,
// doubling back-off; 401/403/404 fail the task with a config error.
package main

import (
	"strings"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

// connector splits the endpoints across tasks.
type connector struct{ cfg pc.Config }

func (c *connector) Start(_ pc.ConnectorContext, cfg pc.Config) error {
	c.cfg = cfg
	_, err := parseSettings(cfg)
	return err
}

func (c *connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	endpoints := c.cfg.List(endpointsKey)
	n := max(min(maxTasks, len(endpoints)), 1)
	groups := make([][]string, n)
	for i, e := range endpoints {
		groups[i%n] = append(groups[i%n], e)
	}
	out := make([]map[string]string, n)
	for i, g := range groups {
		out[i] = c.cfg.Raw()
		out[i][taskEndpointsKey] = strings.Join(g, ",")
	}
	return out, nil
}

func (c *connector) Stop() error { return nil }

// ValidateConfig adds the checks that involve several keys.
func (c *connector) ValidateConfig(raw map[string]string) map[string][]string {
	cfg, err := configDef.Parse(raw)
	if err != nil {
		return nil // the per-key errors already say why
	}
	if _, err := parseSettings(cfg); err != nil {
		return map[string][]string{backoffMaxKey: {err.Error()}}
	}
	return nil
}

func main() {
	pc.Serve(&pc.Source{
		Class:     "RestSource",
		Aliases:   []string{"io.polyconnect.rest.RestSourceConnector"},
		Version:   "0.1.0",
		Config:    configDef,
		Connector: func() pc.Connector { return &connector{} },
		Task:      func() pc.SourceTask { return &task{} },
	})
}

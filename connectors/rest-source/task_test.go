package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

type offsets map[string]map[string]any

func (o offsets) ConnectorName() string { return "rest" }
func (o offsets) TaskID() int           { return 0 }
func (o offsets) Trace() pc.TraceContext {
	return pc.TraceContext{}
}
func (o offsets) Offset(p map[string]any) map[string]any { return o[p["endpoint"].(string)] }

// No connector-defined transactions in these tests.
func (o offsets) TransactionContext() pc.TransactionContext { return nil }

func config(t *testing.T, raw map[string]string) pc.Config {
	t.Helper()
	cfg, err := configDef.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestConfigValidationErrorsAreClear(t *testing.T) {
	errs := configDef.Validate(map[string]string{"rest.url": "ftp://x", "rest.endpoints": "users,/a,/a", "rest.value.format": "xml"})
	for key, want := range map[string]string{
		"rest.url":          "must be an http:// or https:// URL with a host",
		"rest.endpoints":    `endpoint "users" must start with '/'`,
		"topic":             `Missing required configuration "topic"`,
		"rest.value.format": "String must be one of: string, map",
	} {
		if len(errs[key]) != 1 || !strings.Contains(errs[key][0], want) {
			t.Errorf("%s: got %v, want %q", key, errs[key], want)
		}
	}
	bad := (&connector{}).ValidateConfig(map[string]string{"rest.url": "http://h", "rest.endpoints": "/a", "topic": "t",
		"rest.retry.backoff.ms": "500", "rest.retry.backoff.max.ms": "100"})
	if len(bad[backoffMaxKey]) != 1 {
		t.Fatalf("backoff max below backoff: %v", bad)
	}
}

func TestEndpointsAreSplitAcrossTasks(t *testing.T) {
	c := &connector{}
	if err := c.Start(nil, config(t, map[string]string{"rest.url": "http://h", "rest.endpoints": "/a,/b,/c", "topic": "t"})); err != nil {
		t.Fatal(err)
	}
	got, _ := c.TaskConfigs(2)
	if len(got) != 2 || got[0][taskEndpointsKey] != "/a,/c" || got[1][taskEndpointsKey] != "/b" || got[0]["topic"] != "t" {
		t.Fatalf("task configs: %v", got)
	}
	if got, _ := c.TaskConfigs(10); len(got) != 3 {
		t.Fatalf("more tasks than endpoints: %v", got)
	}
}

func TestPagingOffsetsRetriesAndToken(t *testing.T) {
	var calls, failures atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.URL.Query().Get("offset") == "2" && failures.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		var off, limit int
		fmt.Sscan(r.URL.Query().Get("offset"), &off)
		fmt.Sscan(r.URL.Query().Get("limit"), &limit)
		var items []string
		for i := off; i < min(off+limit, 5); i++ {
			items = append(items, fmt.Sprintf(`{"id": %d, "v":"x%d"}`, i, i))
		}
		fmt.Fprintf(w, `{"data":[%s]}`, strings.Join(items, ","))
	}))
	defer srv.Close()
	cfg := config(t, map[string]string{"rest.url": srv.URL, "rest.endpoints": "/things", "topic": "t", "rest.bearer.token": "tok",
		"rest.page.size": "2", "rest.items.field": "data", "rest.id.field": "id", "rest.poll.interval.ms": "60000", "rest.retry.backoff.ms": "10"})
	tk := &task{}
	// Resume after item 0.
	if err := tk.Start(offsets{"/things": {"position": int64(0)}}, cfg); err != nil {
		t.Fatal(err)
	}
	var values, keys []string
	var lastOffset map[string]any
	for i := 0; i < 6 && len(keys) < 5; i++ {
		recs, err := tk.Poll(context.Background())
		var retry *pc.RetriableError
		if errors.As(err, &retry) {
			if retry.RetryAfter != 10*time.Millisecond || !strings.Contains(err.Error(), "502") {
				t.Fatalf("retriable error: %v (after %v)", err, retry.RetryAfter)
			}
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			values = append(values, r.Value.(string))
			keys = append(keys, r.Key.(string))
			lastOffset = r.SourceOffset
		}
	}
	if strings.Join(keys, ",") != "0,1,2,3,4" || values[0] != `{"id": 0, "v":"x0"}` || lastOffset["position"] != int64(5) {
		t.Fatalf("keys %v values %v offset %v", keys, values, lastOffset)
	}
	if failures.Load() < 2 {
		t.Fatal("the 502 page was not asked again")
	}
	// Caught up (a short page): not asked again before the poll interval.
	before := calls.Load()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if recs, err := tk.Poll(ctx); len(recs) != 0 || err != nil || calls.Load() != before {
		t.Fatalf("caught-up endpoint asked again: %v %v", recs, err)
	}
	// A wrong token is a config error.
	bad := &task{}
	cfg = config(t, map[string]string{"rest.url": srv.URL, "rest.endpoints": "/things", "topic": "t", "rest.bearer.token": "nope"})
	bad.Start(offsets{}, cfg)
	_, err := bad.Poll(context.Background())
	var ce *pc.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "rest.bearer.token") {
		t.Fatalf("want a config error naming the token, got %v", err)
	}
}

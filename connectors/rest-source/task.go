package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

// endpoint is one source partition's state.
type endpoint struct {
	path      string
	partition map[string]any
	position  int64     // the offset of the next item to ask for
	due       time.Time // when to ask again
}

type task struct {
	s        settings
	client   *http.Client
	eps      []*endpoint
	next     int // round robin over the endpoints
	failures int // requests in a row that failed with a retriable error
}

func (t *task) Start(tc pc.SourceTaskContext, cfg pc.Config) error {
	s, err := parseSettings(cfg)
	if err != nil {
		return err
	}
	t.s, t.client = s, &http.Client{Timeout: s.timeout}
	for _, path := range s.endpoints {
		ep := &endpoint{path: path, partition: map[string]any{"endpoint": path}}
		if off := tc.Offset(ep.partition); off != nil {
			pos, ok := off["position"].(int64)
			if !ok {
				return fmt.Errorf("stored offset %v of endpoint %s has no integer position", off, path)
			}
			ep.position = pos
		}
		slog.Info("reading endpoint", "endpoint", path, "from", ep.position)
		t.eps = append(t.eps, ep)
	}
	return nil
}

// Poll reads one page of the next endpoint that is due.
func (t *task) Poll(ctx context.Context) ([]*pc.SourceRecord, error) {
	ep := t.due()
	if ep == nil {
		wait := time.Until(t.earliest())
		select {
		case <-ctx.Done():
		case <-time.After(min(wait, time.Second)):
		}
		return nil, nil
	}
	items, err := t.fetch(ctx, ep)
	if err != nil {
		var retry *pc.RetriableError
		if errors.As(err, &retry) {
			t.failures++
			retry.RetryAfter = max(retry.RetryAfter, t.backoff())
		}
		return nil, err
	}
	t.failures = 0
	if len(items) < t.s.pageSize {
		ep.due = time.Now().Add(t.s.pollInterval) // caught up
	}
	records := make([]*pc.SourceRecord, 0, len(items))
	for i, raw := range items {
		r, err := t.record(ep, raw, ep.position+int64(i)+1)
		if err != nil {
			return nil, fmt.Errorf("%s item at position %d: %w", ep.path, ep.position+int64(i), err)
		}
		records = append(records, r)
	}
	ep.position += int64(len(items))
	return records, nil
}

func (t *task) Stop() error { return nil }

func (t *task) due() *endpoint {
	now := time.Now()
	for range t.eps {
		ep := t.eps[t.next%len(t.eps)]
		t.next++
		if !ep.due.After(now) {
			return ep
		}
	}
	return nil
}

func (t *task) earliest() time.Time {
	e := t.eps[0].due
	for _, ep := range t.eps[1:] {
		if ep.due.Before(e) {
			e = ep.due
		}
	}
	return e
}

// backoff doubles with each failure in a row, capped.
func (t *task) backoff() time.Duration {
	d := t.s.backoff
	for i := 1; i < t.failures && d < t.s.backoffMax; i++ {
		d *= 2
	}
	return min(d, t.s.backoffMax)
}

// fetch asks for one page; retriable failures come back as *pc.RetriableError.
func (t *task) fetch(ctx context.Context, ep *endpoint) ([]json.RawMessage, error) {
	u, err := url.Parse(t.s.base + ep.path)
	if err != nil {
		return nil, pc.ConfigErrorf("bad URL %s%s: %v", t.s.base, ep.path, err)
	}
	q := u.Query()
	q.Set("offset", strconv.FormatInt(ep.position, 10))
	q.Set("limit", strconv.Itoa(t.s.pageSize))
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if t.s.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.s.token)
	}
	resp, err := t.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil // stopping
		}
		return nil, pc.Retriable(fmt.Errorf("GET %s: %w", u.Redacted(), err), 0)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, pc.Retriable(fmt.Errorf("GET %s: reading the body: %w", u.Redacted(), err), 0)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, pc.ConfigErrorf("GET %s: %s: check %s", u.Redacted(), resp.Status, tokenKey)
	case resp.StatusCode == http.StatusNotFound:
		return nil, pc.ConfigErrorf("GET %s: %s: check %s and %s", u.Redacted(), resp.Status, urlKey, endpointsKey)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		after := time.Duration(0)
		if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			after = time.Duration(secs) * time.Second
		}
		return nil, pc.Retriable(fmt.Errorf("GET %s: %s", u.Redacted(), resp.Status), after)
	case resp.StatusCode/100 != 2:
		return nil, fmt.Errorf("GET %s: %s: %s", u.Redacted(), resp.Status, snippet(body))
	}
	return t.items(body)
}

// items are the page's items, each exactly as served.
func (t *task) items(body []byte) ([]json.RawMessage, error) {
	if t.s.itemsField == "" {
		var items []json.RawMessage
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, fmt.Errorf("the response is not a JSON array of items (set %s if the items are in a field): %v", itemsFieldKey, err)
		}
		return items, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, fmt.Errorf("the response is not a JSON object: %v", err)
	}
	var items []json.RawMessage
	if f, ok := obj[t.s.itemsField]; ok && !bytes.Equal(bytes.TrimSpace(f), []byte("null")) {
		if err := json.Unmarshal(f, &items); err != nil {
			return nil, fmt.Errorf("field %q of the response is not an array: %v", t.s.itemsField, err)
		}
	}
	return items, nil
}

func (t *task) record(ep *endpoint, raw json.RawMessage, next int64) (*pc.SourceRecord, error) {
	r := &pc.SourceRecord{
		SourcePartition: ep.partition,
		SourceOffset:    map[string]any{"position": next},
		Topic:           t.s.topic,
		ValueSchema:     pc.StringSchema,
		Value:           string(raw),
	}
	if t.s.asMap || t.s.idField != "" {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var fields map[string]any
		if err := dec.Decode(&fields); err != nil {
			return nil, fmt.Errorf("not a JSON object: %v", err)
		}
		if t.s.asMap {
			r.ValueSchema, r.Value = nil, fields
		}
		if t.s.idField != "" {
			if id, ok := fields[t.s.idField]; ok && id != nil {
				r.KeySchema, r.Key = pc.StringSchema, keyString(id)
			}
		}
	}
	return r, nil
}

func keyString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func snippet(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

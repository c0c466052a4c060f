// A sink written with the Go SDK for `make bench`: reads each record's value (adds its
// length to a counter) and discards it. Everything put is durable, so Flush commits the
// offsets it was given. The SDK's default MaxInflightPuts.
package main

import (
	"context"
	"fmt"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

type task struct{ bytes int }

func (t *task) Start(pc.SinkTaskContext, pc.Config) error { return nil }

func (t *task) Put(_ context.Context, records []*pc.SinkRecord) error {
	for _, r := range records {
		switch v := r.Value.(type) {
		case string:
			t.bytes += len(v)
		case []byte:
			t.bytes += len(v)
		case nil:
		default:
			t.bytes += len(fmt.Sprint(v))
		}
	}
	return nil
}

// Flush: nothing is buffered, so the offsets given are durable.
func (t *task) Flush(_ context.Context, offsets map[pc.TopicPartition]int64) (map[pc.TopicPartition]int64, error) {
	return offsets, nil
}

func (t *task) Stop() error { return nil }

// connector gives every task the connector's config (tasks.max tasks).
type connector struct{ cfg map[string]string }

func (c *connector) Start(_ pc.ConnectorContext, cfg pc.Config) error {
	c.cfg = cfg.Raw()
	return nil
}

func (c *connector) TaskConfigs(maxTasks int) ([]map[string]string, error) {
	out := make([]map[string]string, max(maxTasks, 1))
	for i := range out {
		out[i] = c.cfg
	}
	return out, nil
}

func (c *connector) Stop() error { return nil }

func main() {
	pc.Serve(&pc.Sink{
		Class: "GoBenchSink", Version: "0.1.0",
		Connector: func() pc.Connector { return &connector{} },
		Task:      func() pc.SinkTask { return &task{} },
	})
}

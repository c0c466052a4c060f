// A source written with the Go SDK for `make bench`: `records` string values of
// `record.bytes` bytes each (record number first), with a source offset per record, as a
// real connector would send them.
package main

import (
	"context"
	"fmt"
	"strings"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

var partition = map[string]any{"source": "bench"}

type task struct {
	topic       string
	total, sent int64
	size, batch int
	pad         string
}

func (t *task) Start(tc pc.SourceTaskContext, cfg pc.Config) error {
	t.topic, t.total, t.size, t.batch = cfg.String("topic"), cfg.Int("records"), int(cfg.Int("record.bytes")), int(cfg.Int("batch.size"))
	if off := tc.Offset(partition); off != nil {
		t.sent, _ = off["n"].(int64)
	}
	t.pad = strings.Repeat("x", max(t.size-10, 0))
	return nil
}

func (t *task) Poll(ctx context.Context) ([]*pc.SourceRecord, error) {
	if t.total > 0 && t.sent >= t.total {
		<-ctx.Done()
		return nil, nil
	}
	n := int64(t.batch)
	if t.total > 0 {
		n = min(n, t.total-t.sent)
	}
	out := make([]*pc.SourceRecord, 0, n)
	for i := int64(0); i < n; i++ {
		t.sent++
		out = append(out, &pc.SourceRecord{SourcePartition: partition, SourceOffset: map[string]any{"n": t.sent}, Topic: t.topic,
			ValueSchema: pc.StringSchema, Value: fmt.Sprintf("%010d", t.sent) + t.pad})
	}
	return out, nil
}

func (t *task) Stop() error { return nil }

func main() {
	pc.Serve(&pc.Source{
		Class: "GoBenchSource", Version: "0.1.0",
		Config: pc.NewConfigDef(
			pc.ConfigKey{Name: "topic", Type: pc.TypeString, Required: true, Doc: "Topic"},
			pc.ConfigKey{Name: "records", Type: pc.TypeLong, Default: "0", Doc: "Records to send, 0 = no end"},
			pc.ConfigKey{Name: "record.bytes", Type: pc.TypeInt, Default: "100", Doc: "Value size"},
			pc.ConfigKey{Name: "batch.size", Type: pc.TypeInt, Default: "2000", Doc: "Records per poll"}),
		Task: func() pc.SourceTask { return &task{} },
	})
}

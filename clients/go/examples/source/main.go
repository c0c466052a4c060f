// A source that writes the records 1..count to a topic and resumes after a restart from
// its stored offset. Deterministic: record n has key "n" and value "record-n".
package main

import (
	"context"
	"fmt"
	"time"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

var partition = map[string]any{"sequence": "main"}

type task struct {
	topic     string
	next, end int64
}

func (t *task) Start(tc pc.SourceTaskContext, cfg pc.Config) error {
	t.topic, t.next, t.end = cfg.String("topic"), 1, cfg.Int("count")
	if off := tc.Offset(partition); off != nil {
		t.next, _ = off["next"].(int64)
	}
	return nil
}

func (t *task) Poll(ctx context.Context) ([]*pc.SourceRecord, error) {
	if t.next > t.end { // all written: wait, but wake up when the task stops
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		return nil, nil
	}
	var out []*pc.SourceRecord
	for ; t.next <= t.end && len(out) < 500; t.next++ {
		out = append(out, &pc.SourceRecord{
			SourcePartition: partition, SourceOffset: map[string]any{"next": t.next + 1}, Topic: t.topic,
			KeySchema: pc.StringSchema, Key: fmt.Sprint(t.next), ValueSchema: pc.StringSchema, Value: fmt.Sprintf("record-%d", t.next),
		})
	}
	return out, nil
}

func (t *task) Stop() error { return nil }

func main() {
	pc.Serve(&pc.Source{
		Class: "GoSequenceSource", Version: "0.1.0",
		Config: pc.NewConfigDef(
			pc.ConfigKey{Name: "topic", Type: pc.TypeString, Required: true, Importance: pc.High, Doc: "Topic to write to", Validator: pc.NonEmptyString{}},
			pc.ConfigKey{Name: "count", Type: pc.TypeLong, Default: "1000", Importance: pc.Medium, Doc: "Records to write", Validator: pc.AtLeast(0)}),
		Task: func() pc.SourceTask { return &task{} },
	})
}

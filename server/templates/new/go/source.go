// {{class}}: a source connector that writes `count` orders as structured records.
package main

import (
	"context"
	"fmt"
	"time"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

// One source partition; its offset is the next sequence number, so a restart resumes.
var partition = map[string]any{"source": "{{name}}"}

// OrderSchema is the value schema of every record.
var OrderSchema = &pc.Schema{Type: pc.StructType, Name: "{{name}}.Order", Fields: []pc.Field{
	{Name: "seq", Schema: pc.Int64Schema},
	{Name: "customer", Schema: pc.StringSchema},
	{Name: "amount", Schema: pc.Float64Schema},
	{Name: "express", Schema: pc.BooleanSchema},
}}

// Order is the record value for sequence number seq.
func Order(seq int64) *pc.Struct {
	return pc.NewStruct(OrderSchema).
		Put("seq", seq).
		Put("customer", fmt.Sprintf("customer-%d", seq%10)).
		Put("amount", float64(seq)*0.25).
		Put("express", seq%3 == 0)
}

type task struct {
	topic       string
	next, count int64
}

func (t *task) Start(tc pc.SourceTaskContext, cfg pc.Config) error {
	t.topic, t.count = cfg.String("topic"), cfg.Int("count")
	if off := tc.Offset(partition); off != nil {
		t.next, _ = off["seq"].(int64)
	}
	return nil
}

func (t *task) Poll(ctx context.Context) ([]*pc.SourceRecord, error) {
	if t.next >= t.count { // all written: idle, but wake up when the task stops
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
		return nil, nil
	}
	var out []*pc.SourceRecord
	for ; t.next < t.count && len(out) < 500; t.next++ {
		out = append(out, &pc.SourceRecord{
			SourcePartition: partition, SourceOffset: map[string]any{"seq": t.next + 1}, Topic: t.topic,
			KeySchema: pc.StringSchema, Key: fmt.Sprint(t.next), ValueSchema: OrderSchema, Value: Order(t.next),
		})
	}
	return out, nil
}

func (t *task) Stop() error { return nil }

// Connector is what main serves.
var Connector = &pc.Source{
	Class: "{{class}}", Version: "0.1.0",
	Config: pc.NewConfigDef(
		pc.ConfigKey{Name: "topic", Type: pc.TypeString, Required: true, Importance: pc.High, Doc: "The topic to write to", Validator: pc.NonEmptyString{}},
		pc.ConfigKey{Name: "count", Type: pc.TypeLong, Default: "1000", Importance: pc.Medium, Doc: "How many records to write", Validator: pc.AtLeast(0)}),
	Task: func() pc.SourceTask { return &task{} },
}

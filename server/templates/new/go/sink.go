// {{class}}: a sink connector that appends each record it receives to a file, one line each.
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

// Describe is one line for a record: where it came from, then its value (a struct field by field).
func Describe(r *pc.SinkRecord) string {
	text := fmt.Sprint(r.Value)
	if s, ok := r.Value.(*pc.Struct); ok {
		parts := make([]string, len(s.Schema.Fields))
		for i, f := range s.Schema.Fields {
			parts[i] = fmt.Sprintf("%s=%v", f.Name, s.Get(f.Name))
		}
		text = strings.Join(parts, " ")
	}
	return fmt.Sprintf("%s-%d@%d %s", r.Topic, r.KafkaPartition, r.KafkaOffset, text)
}

type task struct {
	f *os.File
	w *bufio.Writer
}

func (t *task) Start(_ pc.SinkTaskContext, cfg pc.Config) error {
	var out io.Writer = os.Stdout
	if path := cfg.String("file"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		t.f, out = f, f
	}
	t.w = bufio.NewWriter(out)
	return nil
}

func (t *task) Put(_ context.Context, records []*pc.SinkRecord) error {
	for _, r := range records {
		fmt.Fprintln(t.w, Describe(r))
	}
	return nil
}

// Flush makes everything put so far durable; then the core commits these offsets.
func (t *task) Flush(_ context.Context, offsets map[pc.TopicPartition]int64) (map[pc.TopicPartition]int64, error) {
	if err := t.w.Flush(); err != nil {
		return nil, err
	}
	if t.f != nil {
		return offsets, t.f.Sync()
	}
	return offsets, nil
}

func (t *task) Stop() error {
	if t.w != nil {
		t.w.Flush()
	}
	if t.f != nil {
		return t.f.Close()
	}
	return nil
}

// Connector is what main serves.
var Connector = &pc.Sink{
	Class: "{{class}}", Version: "0.1.0",
	Config: pc.NewConfigDef(pc.ConfigKey{Name: "file", Type: pc.TypeString, Default: "", Importance: pc.High, Doc: "The file to append to; empty: stdout"}),
	Task:   func() pc.SinkTask { return &task{} },
}

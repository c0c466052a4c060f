// A sink that appends each record's value to a file, one line each, and commits only what
// it has synced to disk.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

type task struct {
	f *os.File
	w *bufio.Writer
}

func (t *task) Start(_ pc.SinkTaskContext, cfg pc.Config) (err error) {
	t.f, err = os.OpenFile(cfg.String("file"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	t.w = bufio.NewWriter(t.f)
	return err
}

func (t *task) Put(_ context.Context, records []*pc.SinkRecord) error {
	for _, r := range records {
		fmt.Fprintln(t.w, r.Value)
	}
	return nil
}

// Flush makes every line durable; then the offsets of everything put may be committed.
func (t *task) Flush(_ context.Context, offsets map[pc.TopicPartition]int64) (map[pc.TopicPartition]int64, error) {
	if err := t.w.Flush(); err != nil {
		return nil, err
	}
	return offsets, t.f.Sync()
}

func (t *task) Stop() error {
	if t.f == nil {
		return nil
	}
	t.w.Flush()
	return t.f.Close()
}

func main() {
	pc.Serve(&pc.Sink{
		Class: "GoFileSink", Version: "0.1.0",
		Config: pc.NewConfigDef(pc.ConfigKey{Name: "file", Type: pc.TypeString, Required: true, Importance: pc.High, Doc: "File to append to", Validator: pc.NonEmptyString{}}),
		Task:   func() pc.SinkTask { return &task{} },
	})
}

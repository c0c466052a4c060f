// A source that defines its own transactions (transaction.boundary=connector, exactly
// once). It writes the numbers 0..count-1 to partition 0 of a topic, the value of number n
// being "n:t" with t = n / txn.size its transaction, and commits right after every
// txn.size-th number. Before every abort.every-th transaction (0: never) it writes
// txn.size records "aborted:t:i" and aborts their transaction at the last one: a
// read_committed consumer never sees them. Their offset is the next number to write, so
// committing it (Kafka Connect commits the offsets of an aborted transaction) loses
// nothing. It resumes from its offset {"next": n}.
//
// Its declarations follow its config: exactly.once (supported, unsupported, undeclared)
// and boundaries (supported, unsupported).
package main

import (
	"context"
	"fmt"
	"time"

	pc "github.com/polyconnect/polyconnect/clients/go"
)

var partition = map[string]any{"numbers": "txn"}

type connector struct{ cfg map[string]string }

func (c *connector) Stop() error { return nil }

func (c *connector) Start(_ pc.ConnectorContext, cfg pc.Config) error {
	c.cfg = cfg.Raw()
	return nil
}

// TaskConfigs: one task with the connector's config.
func (c *connector) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{c.cfg}, nil
}

func (c *connector) ExactlyOnceSupport(cfg map[string]string) (pc.ExactlyOnceSupport, error) {
	switch cfg["exactly.once"] {
	case "", "supported":
		return pc.ExactlyOnceSupported, nil
	case "unsupported":
		return pc.ExactlyOnceUnsupported, nil
	}
	return pc.ExactlyOnceUndeclared, nil
}

func (c *connector) CanDefineTransactionBoundaries(cfg map[string]string) (pc.ConnectorTransactionBoundaries, error) {
	if b := cfg["boundaries"]; b == "" || b == "supported" {
		return pc.TransactionBoundariesSupported, nil
	}
	return pc.TransactionBoundariesUnsupported, nil
}

type task struct {
	topic                      string
	next, count                int64
	size, abortEvery, pollSize int64
	delay                      time.Duration
	junkDone                   int64
	txn                        pc.TransactionContext
}

func (t *task) Start(tc pc.SourceTaskContext, cfg pc.Config) error {
	t.topic, t.count, t.size = cfg.String("topic"), cfg.Int("count"), cfg.Int("txn.size")
	t.abortEvery, t.pollSize = cfg.Int("abort.every"), cfg.Int("poll.size")
	t.delay = time.Duration(cfg.Int("poll.delay.ms")) * time.Millisecond
	if off := tc.Offset(partition); off != nil {
		t.next, _ = off["next"].(int64)
	}
	t.junkDone = -1
	t.txn = tc.TransactionContext()
	return nil
}

func (t *task) record(value string) *pc.SourceRecord {
	p := int32(0)
	return &pc.SourceRecord{SourcePartition: partition, SourceOffset: map[string]any{"next": t.next},
		Topic: t.topic, KafkaPartition: &p, ValueSchema: pc.StringSchema, Value: value}
}

func (t *task) Poll(ctx context.Context) ([]*pc.SourceRecord, error) {
	select {
	case <-ctx.Done():
		return nil, nil
	case <-time.After(t.delay):
	}
	if t.next >= t.count {
		return nil, nil
	}
	txn := t.next / t.size
	if t.txn != nil && t.abortEvery > 0 && t.next%t.size == 0 && txn%t.abortEvery == t.abortEvery-1 && t.junkDone != txn {
		t.junkDone = txn
		var junk []*pc.SourceRecord
		for i := int64(0); i < t.size; i++ {
			junk = append(junk, t.record(fmt.Sprintf("aborted:%d:%d", txn, i)))
		}
		t.txn.AbortTransactionAfter(junk[len(junk)-1])
		return junk, nil
	}
	var out []*pc.SourceRecord
	for int64(len(out)) < t.pollSize && t.next < t.count {
		n := t.next
		t.next++
		r := t.record(fmt.Sprintf("%d:%d", n, n/t.size))
		out = append(out, r)
		if t.txn != nil && n%t.size == t.size-1 {
			t.txn.CommitTransactionAfter(r)
			if t.abortEvery > 0 {
				break // the next transaction may be junk first
			}
		}
	}
	return out, nil
}

func (t *task) Stop() error { return nil }

func main() {
	pc.Serve(&pc.Source{
		Class: "GoTxnSource", Version: "0.1.0",
		Config: pc.NewConfigDef(
			pc.ConfigKey{Name: "topic", Type: pc.TypeString, Required: true, Importance: pc.High, Doc: "Topic to write to", Validator: pc.NonEmptyString{}},
			pc.ConfigKey{Name: "count", Type: pc.TypeLong, Default: "1000", Importance: pc.Medium, Doc: "Numbers to write", Validator: pc.AtLeast(0)},
			pc.ConfigKey{Name: "txn.size", Type: pc.TypeLong, Default: "10", Importance: pc.Medium, Doc: "Numbers per transaction", Validator: pc.AtLeast(1)},
			pc.ConfigKey{Name: "abort.every", Type: pc.TypeLong, Default: "0", Importance: pc.Low, Doc: "Abort a transaction of junk before every k-th one (0: never)", Validator: pc.AtLeast(0)},
			pc.ConfigKey{Name: "poll.size", Type: pc.TypeLong, Default: "5", Importance: pc.Low, Doc: "Records per poll", Validator: pc.AtLeast(1)},
			pc.ConfigKey{Name: "poll.delay.ms", Type: pc.TypeLong, Default: "20", Importance: pc.Low, Doc: "Pause before each poll", Validator: pc.AtLeast(0)},
			pc.ConfigKey{Name: "exactly.once", Type: pc.TypeString, Default: "supported", Importance: pc.Low, Doc: "exactlyOnceSupport: supported, unsupported or undeclared"},
			pc.ConfigKey{Name: "boundaries", Type: pc.TypeString, Default: "supported", Importance: pc.Low, Doc: "canDefineTransactionBoundaries: supported or unsupported"}),
		Connector: func() pc.Connector { return &connector{} },
		Task:      func() pc.SourceTask { return &task{} },
	})
}

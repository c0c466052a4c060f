package polyconnect

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
)

// txnTask returns the polls of plan, each with its transaction requests: record index
// (or -1 for the batch) to "commit" or "abort".
type txnTask struct {
	mu   sync.Mutex
	plan []txnPoll
	n    int
	tc   SourceTaskContext
	ctx  chan TransactionContext
}

type txnPoll struct {
	count    int
	requests []txnRequest
}

type txnRequest struct {
	action string
	index  int
}

func (t *txnTask) Start(tc SourceTaskContext, _ Config) error {
	t.tc = tc
	t.ctx <- tc.TransactionContext()
	return nil
}

func (t *txnTask) Poll(ctx context.Context) ([]*SourceRecord, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.plan) == 0 {
		select {
		case <-ctx.Done():
		case <-time.After(20 * time.Millisecond):
		}
		return nil, nil
	}
	p := t.plan[0]
	t.plan = t.plan[1:]
	var out []*SourceRecord
	for i := 0; i < p.count; i++ {
		out = append(out, &SourceRecord{Topic: "t", ValueSchema: Int64Schema, Value: int64(t.n)})
		t.n++
	}
	txn := t.tc.TransactionContext()
	for _, r := range p.requests {
		switch {
		case r.action == "commit" && r.index < 0:
			txn.CommitTransaction()
		case r.action == "commit":
			txn.CommitTransactionAfter(out[r.index])
		case r.index < 0:
			txn.AbortTransaction()
		default:
			txn.AbortTransactionAfter(out[r.index])
		}
	}
	return out, nil
}

func (t *txnTask) Stop() error { return nil }

func txnSource(task *txnTask) *Source {
	return &Source{Class: "Txn", Task: func() SourceTask { return task }}
}

func batchRecords(t *testing.T, s pb.SourceTask_RunClient, n int) []*pb.SourceRecord {
	t.Helper()
	var out []*pb.SourceRecord
	for len(out) < n {
		m := recv(t, s.Recv)
		if e := m.GetError(); e != nil {
			t.Fatalf("error: %v", e)
		}
		out = append(out, m.GetBatch().GetRecords()...)
	}
	return out
}

func TestNoTransactionContextWithoutConnectorBoundaries(t *testing.T) {
	task := &txnTask{plan: []txnPoll{{count: 2}}, ctx: make(chan TransactionContext, 1)}
	c := startCore(t, txnSource(task))
	s := c.source(&pb.SourceStart{ConnectorClass: "Txn", ConnectorName: "c"})
	recv(t, s.Recv)
	if tc := <-task.ctx; tc != nil {
		t.Fatalf("want no transaction context, got %v", tc)
	}
}

func TestTransactionRequestsTravelOnTheirRecords(t *testing.T) {
	task := &txnTask{ctx: make(chan TransactionContext, 1), plan: []txnPoll{
		{count: 5, requests: []txnRequest{{"commit", 1}, {"abort", 3}}},
		{count: 3, requests: []txnRequest{{"commit", -1}}},
		{count: 3, requests: []txnRequest{{"abort", -1}, {"commit", 2}}}, // the record's wins
	}}
	c := startCore(t, txnSource(task))
	s := c.source(&pb.SourceStart{ConnectorClass: "Txn", ConnectorName: "c", TransactionContext: true})
	if m := recv(t, s.Recv); m.GetStarted() == nil {
		t.Fatalf("want Started, got %v", m)
	}
	if tc := <-task.ctx; tc == nil {
		t.Fatal("want a transaction context")
	}
	s.Send(credit(100, 1<<20))
	recs := batchRecords(t, s, 11)
	got := map[uint64]pb.TransactionAction{}
	for _, r := range recs {
		if r.Transaction != pb.TransactionAction_TRANSACTION_ACTION_NONE {
			got[r.Seq] = r.Transaction
		}
	}
	want := map[uint64]pb.TransactionAction{
		2: pb.TransactionAction_COMMIT_TRANSACTION, 4: pb.TransactionAction_ABORT_TRANSACTION,
		8: pb.TransactionAction_COMMIT_TRANSACTION, 11: pb.TransactionAction_COMMIT_TRANSACTION,
	}
	if len(got) != len(want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("actions %v, want %v", got, want)
		}
	}
}

func TestCommitAndAbortOfOneRecordFailTheTask(t *testing.T) {
	task := &txnTask{ctx: make(chan TransactionContext, 1), plan: []txnPoll{
		{count: 2, requests: []txnRequest{{"commit", 0}, {"abort", 0}}},
	}}
	c := startCore(t, txnSource(task))
	s := c.source(&pb.SourceStart{ConnectorClass: "Txn", ConnectorName: "c", TransactionContext: true})
	recv(t, s.Recv)
	s.Send(credit(100, 1<<20))
	for {
		m := recv(t, s.Recv)
		if e := m.GetError(); e != nil {
			if !strings.Contains(e.Message, "Connector requested both commit and abort of same record") {
				t.Fatalf("error: %v", e)
			}
			return
		}
		if m.GetBatch() != nil {
			t.Fatalf("want an error, got %v", m)
		}
	}
}

type declaringConnector struct{ eos ExactlyOnceSupport }

func (d *declaringConnector) Start(ConnectorContext, Config) error { return nil }
func (d *declaringConnector) TaskConfigs(int) ([]map[string]string, error) {
	return []map[string]string{{}}, nil
}
func (d *declaringConnector) Stop() error { return nil }
func (d *declaringConnector) ExactlyOnceSupport(cfg map[string]string) (ExactlyOnceSupport, error) {
	if cfg["fail"] != "" {
		return 0, errors.New(cfg["fail"])
	}
	return d.eos, nil
}
func (d *declaringConnector) CanDefineTransactionBoundaries(map[string]string) (ConnectorTransactionBoundaries, error) {
	return TransactionBoundariesSupported, nil
}

func TestValidateAnswersTheDeclarations(t *testing.T) {
	c := startCore(t,
		&Source{Class: "Plain", Task: func() SourceTask { return nil }},
		&Source{Class: "Declared", Task: func() SourceTask { return nil },
			Connector: func() Connector { return &declaringConnector{eos: ExactlyOnceSupported} }},
		&Source{Class: "Unsupported", Task: func() SourceTask { return nil },
			Connector: func() Connector { return &declaringConnector{eos: ExactlyOnceUnsupported} }},
	)
	ask := func(class string, cfg map[string]string) *pb.ValidateResponse {
		r, err := c.connector().Validate(c.ctx, &pb.ValidateRequest{ConnectorClass: class, Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := ask("Plain", nil); r.ExactlyOnceSupport != pb.ExactlyOnceSupport_EXACTLY_ONCE_SUPPORT_UNSPECIFIED ||
		r.TransactionBoundaries != pb.TransactionBoundarySupport_TRANSACTION_BOUNDARIES_UNSUPPORTED {
		t.Fatalf("undeclared: %v", r)
	}
	if r := ask("Declared", nil); r.ExactlyOnceSupport != pb.ExactlyOnceSupport_EXACTLY_ONCE_SUPPORTED ||
		r.TransactionBoundaries != pb.TransactionBoundarySupport_TRANSACTION_BOUNDARIES_SUPPORTED {
		t.Fatalf("declared: %v", r)
	}
	if r := ask("Unsupported", nil); r.ExactlyOnceSupport != pb.ExactlyOnceSupport_EXACTLY_ONCE_UNSUPPORTED {
		t.Fatalf("unsupported: %v", r)
	}
	if r := ask("Declared", map[string]string{"fail": "cannot tell"}); r.ExactlyOnceSupportError != "cannot tell" {
		t.Fatalf("failing: %v", r)
	}
}

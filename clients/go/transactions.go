package polyconnect

import (
	"fmt"
	"sync"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
	"google.golang.org/protobuf/proto"
)

// ExactlyOnceSupport is Kafka Connect's ExactlyOnceSupport, as a source connector declares
// it for a config (ExactlyOnceSupporter). The zero value is "not declared" (Java's null).
type ExactlyOnceSupport int

const (
	ExactlyOnceUndeclared ExactlyOnceSupport = iota
	ExactlyOnceSupported
	ExactlyOnceUnsupported
)

// ConnectorTransactionBoundaries is Kafka Connect's ConnectorTransactionBoundaries. The
// zero value is UNSUPPORTED, Kafka Connect's default.
type ConnectorTransactionBoundaries int

const (
	TransactionBoundariesUnsupported ConnectorTransactionBoundaries = iota
	TransactionBoundariesSupported
)

// ExactlyOnceSupporter is implemented by a source Connector that declares whether it can
// run exactly once with a config (Kafka Connect's SourceConnector.exactlyOnceSupport).
// Asked at validation: with exactly.once.support=required a connector that does not
// declare ExactlyOnceSupported is refused. An error is reported with its message.
type ExactlyOnceSupporter interface {
	ExactlyOnceSupport(cfg map[string]string) (ExactlyOnceSupport, error)
}

// TransactionBoundaryDefiner is implemented by a source Connector whose tasks can define
// their own transactions (Kafka Connect's SourceConnector.canDefineTransactionBoundaries).
// transaction.boundary=connector is refused unless it answers TransactionBoundariesSupported.
type TransactionBoundaryDefiner interface {
	CanDefineTransactionBoundaries(cfg map[string]string) (ConnectorTransactionBoundaries, error)
}

// TransactionContext is Kafka Connect's TransactionContext: a source task that runs exactly
// once with transaction.boundary=connector commits and aborts its own transactions.
// SourceTaskContext.TransactionContext returns it (nil otherwise). Requests name records
// the task returns from Poll (by pointer); safe from any goroutine.
//
// An aborted transaction's records are discarded (a read_committed consumer never sees
// them); as in Kafka Connect their offsets are still committed, so they are not polled
// again (a task that wants them again returns an error instead). A request for a record
// takes precedence over one for the batch on the poll's last record; a commit and an abort
// of the same record (or both for one batch) fail the task. Nothing else commits these
// transactions: one still open when the task stops is aborted, and its records are polled
// again after the restart.
type TransactionContext interface {
	// CommitTransaction commits after the records of the next (non-empty) poll.
	CommitTransaction()
	// CommitTransactionAfter commits right after r.
	CommitTransactionAfter(r *SourceRecord)
	// AbortTransaction aborts the transaction after the records of the next poll.
	AbortTransaction()
	// AbortTransactionAfter aborts the transaction right after r, r included.
	AbortTransactionAfter(r *SourceRecord)
}

type txnContext struct {
	mu      sync.Mutex
	records map[*SourceRecord]pb.TransactionAction
	both    map[*SourceRecord]bool
	batch   pb.TransactionAction
	batchX  bool // both commit and abort requested for the batch
}

func newTxnContext() *txnContext {
	return &txnContext{records: map[*SourceRecord]pb.TransactionAction{}, both: map[*SourceRecord]bool{}}
}

func (t *txnContext) CommitTransaction() { t.requestBatch(pb.TransactionAction_COMMIT_TRANSACTION) }
func (t *txnContext) AbortTransaction()  { t.requestBatch(pb.TransactionAction_ABORT_TRANSACTION) }
func (t *txnContext) CommitTransactionAfter(r *SourceRecord) {
	t.requestRecord(r, pb.TransactionAction_COMMIT_TRANSACTION)
}
func (t *txnContext) AbortTransactionAfter(r *SourceRecord) {
	t.requestRecord(r, pb.TransactionAction_ABORT_TRANSACTION)
}

func (t *txnContext) requestBatch(a pb.TransactionAction) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.batch != pb.TransactionAction_TRANSACTION_ACTION_NONE && t.batch != a {
		t.batchX = true
	}
	t.batch = a
}

func (t *txnContext) requestRecord(r *SourceRecord, a pb.TransactionAction) {
	if r == nil {
		panic("source record used to define transaction boundaries may not be nil")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.records[r]; ok && old != a {
		t.both[r] = true
	}
	t.records[r] = a
}

// actions sets the requests of one poll's records on their messages (the batch's on the
// last record unless it has its own), consuming them.
func (t *txnContext) actions(msgs []encodedRecord) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	last := -1
	for i, e := range msgs {
		r := e.src
		last = i
		a, ok := t.records[r]
		if !ok {
			continue
		}
		if t.both[r] {
			return fmt.Errorf("Connector requested both commit and abort of same record against topic/partition %s/%v", r.Topic, partitionString(r.KafkaPartition))
		}
		delete(t.records, r)
		e.msg.Transaction = a
		msgs[i].size = proto.Size(e.msg)
	}
	if t.batchX {
		t.batchX, t.batch = false, pb.TransactionAction_TRANSACTION_ACTION_NONE
		return fmt.Errorf("Connector requested both commit and abort of same transaction")
	}
	if last >= 0 && t.batch != pb.TransactionAction_TRANSACTION_ACTION_NONE {
		if msgs[last].msg.Transaction == pb.TransactionAction_TRANSACTION_ACTION_NONE {
			msgs[last].msg.Transaction = t.batch
			msgs[last].size = proto.Size(msgs[last].msg)
		}
		t.batch = pb.TransactionAction_TRANSACTION_ACTION_NONE
	}
	return nil
}

func partitionString(p *int32) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprint(*p)
}

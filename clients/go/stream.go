package polyconnect

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/protobuf/proto"
)

const (
	defaultMaxMessageBytes = 64 << 20
	defaultHeartbeat       = 5 * time.Second
	defaultStopTimeout     = 5 * time.Second
)

var errStreamClosed = errors.New("the stream is closed")

// sender writes one stream's responses (gRPC's Send is not safe for concurrent use) and
// sends heartbeats when nothing else went out for a while.
type sender[M proto.Message] struct {
	mu        sync.Mutex
	send      func(M) error
	heartbeat M
	closed    bool
	lastSent  atomic.Int64
	lastRecv  atomic.Int64
	hb, idle  time.Duration
}

func newSender[M proto.Message](send func(M) error, heartbeat M) *sender[M] {
	s := &sender[M]{send: send, heartbeat: heartbeat, hb: defaultHeartbeat}
	now := time.Now().UnixNano()
	s.lastSent.Store(now)
	s.lastRecv.Store(now)
	return s
}

func (s *sender[M]) configure(heartbeatMs, idleMs uint32) {
	if heartbeatMs > 0 {
		s.hb = time.Duration(heartbeatMs) * time.Millisecond
	}
	s.idle = time.Duration(idleMs) * time.Millisecond
}

func (s *sender[M]) Send(m M) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errStreamClosed
	}
	if err := s.send(m); err != nil {
		s.closed = true
		return err
	}
	s.lastSent.Store(time.Now().UnixNano())
	return nil
}

func (s *sender[M]) received() { s.lastRecv.Store(time.Now().UnixNano()) }

// liveness sends heartbeats and calls onIdle (once) when the core was silent longer than
// the idle timeout. It returns when ctx ends.
func (s *sender[M]) liveness(ctx context.Context, onIdle func(silent time.Duration)) {
	tick := min(s.hb/4, time.Second)
	if s.idle > 0 {
		tick = min(tick, s.idle/4)
	}
	tick = max(tick, 10*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		if now.Sub(time.Unix(0, s.lastSent.Load())) >= s.hb {
			if err := s.Send(s.heartbeat); err != nil {
				return
			}
		}
		if silent := now.Sub(time.Unix(0, s.lastRecv.Load())); s.idle > 0 && silent > s.idle {
			onIdle(silent)
			return
		}
	}
}

// queue is an unbounded FIFO, so that the reader of a stream never blocks on slow
// connector code (it must keep reading to see heartbeats).
type queue[T any] struct {
	mu     sync.Mutex
	items  []T
	closed bool
	ready  chan struct{}
}

func newQueue[T any]() *queue[T] { return &queue[T]{ready: make(chan struct{}, 1)} }

func (q *queue[T]) push(v T) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.signal()
}

func (q *queue[T]) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

func (q *queue[T]) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// pop waits for the next item; ok is false when the queue is closed and empty or ctx ended.
func (q *queue[T]) pop(ctx context.Context) (v T, ok bool) {
	for {
		q.mu.Lock()
		if len(q.items) > 0 {
			v = q.items[0]
			var zero T
			q.items[0] = zero
			q.items = q.items[1:]
			q.mu.Unlock()
			return v, true
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return v, false
		}
		select {
		case <-q.ready:
		case <-ctx.Done():
			return v, false
		}
	}
}

// sleep waits d or until ctx ends; false if ctx ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// withTimeout runs fn (connector code) and waits at most d for it; false on timeout (fn
// keeps running on its goroutine, which the stream abandons).
func withTimeout(d time.Duration, what string, log *slog.Logger, fn func() error) {
	done := make(chan error, 1)
	go func() { done <- call(fn) }()
	select {
	case err := <-done:
		if err != nil {
			log.Error(what+" failed", "error", err)
		}
	case <-time.After(d):
		log.Warn(what+" did not return in time", "timeout", d)
	}
}

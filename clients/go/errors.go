package polyconnect

import (
	"errors"
	"fmt"
	"reflect"
	"runtime/debug"
	"time"

	pb "github.com/polyconnect/polyconnect/clients/go/gen/polyconnect/v1"
)

// RetriableError is a temporary failure: a source polls again after RetryAfter (0: the
// SDK's default), a sink's Put is delivered again.
type RetriableError struct {
	Err        error
	RetryAfter time.Duration
}

// Retriable wraps err as a *RetriableError.
func Retriable(err error, retryAfter time.Duration) error {
	return &RetriableError{Err: err, RetryAfter: retryAfter}
}

func (e *RetriableError) Error() string { return e.Err.Error() }
func (e *RetriableError) Unwrap() error { return e.Err }

// ConfigError is a bad configuration; the task or connector fails and the message says
// which setting.
type ConfigError struct{ Message string }

// ConfigErrorf makes a *ConfigError.
func ConfigErrorf(format string, args ...any) error {
	return &ConfigError{Message: fmt.Sprintf(format, args...)}
}

func (e *ConfigError) Error() string { return e.Message }

// panicError is a panic in connector code, with the stack where it happened.
type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// call runs connector code, turning a panic into an error that keeps its stack.
func call(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{value: r, stack: debug.Stack()}
		}
	}()
	return fn()
}

// errorProto is the protocol's typed Error for an error from connector code.
func errorProto(err error, what string) *pb.Error {
	e := &pb.Error{Kind: pb.ErrorKind_FATAL, Message: err.Error()}
	if what != "" {
		e.Message = what + ": " + e.Message
	}
	var re *RetriableError
	var ce *ConfigError
	var pe *panicError
	switch {
	case errors.As(err, &pe):
		e.ErrorClass = "panic"
		e.Detail = fmt.Sprintf("panic: %v\n\n%s", pe.value, pe.stack)
		return e
	case errors.As(err, &re):
		e.Kind = pb.ErrorKind_RETRIABLE
		e.RetryAfterMs = uint32(re.RetryAfter.Milliseconds())
	case errors.As(err, &ce):
		e.Kind = pb.ErrorKind_CONFIG
	}
	e.ErrorClass = errorClass(err)
	e.Detail = fmt.Sprintf("%+v", err)
	return e
}

// errorClass names the innermost error's type, e.g. "*url.Error".
func errorClass(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			break
		}
		if _, wrapper := err.(*RetriableError); !wrapper && reflect.TypeOf(err).String() != "*fmt.wrapError" {
			break
		}
		err = next
	}
	return reflect.TypeOf(err).String()
}

func protocolError(kind pb.ErrorKind, format string, args ...any) *pb.Error {
	return &pb.Error{Kind: kind, Message: fmt.Sprintf(format, args...), ErrorClass: "ProtocolError"}
}

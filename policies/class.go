package policies

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Class names a kind of failure. Policies match on classes by name, so the
// set is closed: every error that reaches a policy is one of the constants
// below, and an error nobody classified is [Unknown].
type Class string

// The error classes. See docs/policies.md for the default handling of each.
const (
	// RateLimit means too many requests now; retry after the server's wait.
	RateLimit Class = "rate_limit"
	// Quota means the account is out of credit or over a daily limit.
	Quota Class = "quota"
	// Timeout means no answer arrived in time.
	Timeout Class = "timeout"
	// ServerError covers 5xx answers, overload, proxy pages and dropped
	// connections.
	ServerError Class = "server_error"
	// ModelUnavailable means the model does not exist or is not loaded.
	ModelUnavailable Class = "model_unavailable"
	// ContentTooLong means the input does not fit the model's context or
	// the per-request budget.
	ContentTooLong Class = "content_too_long"
	// ContentFilter means a content policy blocked the request.
	ContentFilter Class = "content_filter"
	// InvalidResponse means the answer was unparseable, truncated, empty or
	// failed validation.
	InvalidResponse Class = "invalid_response"
	// Auth means a bad or missing credential.
	Auth Class = "auth"
	// BadRequest means the server rejected the request for another reason.
	BadRequest Class = "bad_request"
	// Storage means a checkpoint or quiz store failed.
	Storage Class = "storage"
	// BreakerOpen means a circuit breaker refused the call.
	BreakerOpen Class = "breaker_open"
	// Canceled means the caller canceled the work.
	Canceled Class = "canceled"
	// Unknown is the class of every error nobody classified.
	Unknown Class = "unknown"
)

// Any matches every class in a fallback route or a retry list.
const Any Class = "any"

// Classes lists every class in documentation order.
var Classes = []Class{
	RateLimit, Quota, Timeout, ServerError, ModelUnavailable,
	ContentTooLong, ContentFilter, InvalidResponse, Auth, BadRequest,
	Storage, BreakerOpen, Canceled, Unknown,
}

// Valid reports whether c is one of [Classes] or [Any].
func (c Class) Valid() bool {
	return c == Any || slices.Contains(Classes, c)
}

// ParseClass returns the class named s, or an error that lists the valid
// names.
func ParseClass(s string) (Class, error) {
	c := Class(s)
	if !c.Valid() {
		names := make([]string, len(Classes))
		for i, c := range Classes {
			names[i] = string(c)
		}
		return "", fmt.Errorf("unknown error class %q (want one of %s, or any)",
			s, strings.Join(names, ", "))
	}
	return c, nil
}

// Error is a classified failure. It carries what policies and reports need:
// the class, the node and attempt it happened in, the wait a server asked
// for, and the cause. Use [errors.As] to read it from a wrapped error.
type Error struct {
	// Class is the failure's class; the zero value means [Unknown].
	Class Class
	// Node is the graph node the failure happened in, when known.
	Node string
	// Attempt is the 1-based attempt number, or 0 when unknown.
	Attempt int
	// RetryAfter is the wait the server asked for; zero means it asked for
	// none and the retry policy picks its own delay.
	RetryAfter time.Duration
	// Err is the cause. Its text must never hold a credential.
	Err error
}

// Error returns the class followed by the cause.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(string(e.class()))
	if e.Node != "" {
		b.WriteString(" in node ")
		b.WriteString(e.Node)
	}
	if e.Attempt > 0 {
		fmt.Fprintf(&b, " (attempt %d)", e.Attempt)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is an *Error of the same class with no cause of
// its own, so that errors.Is(err, policies.ErrClass(policies.Quota)) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Err == nil && t.Node == "" && t.class() == e.class()
}

func (e *Error) class() Class {
	if e.Class == "" {
		return Unknown
	}
	return e.Class
}

// New returns an error of class c with cause err.
func New(c Class, err error) *Error { return &Error{Class: c, Err: err} }

// Errorf returns an error of class c whose cause is formatted as with
// [fmt.Errorf].
func Errorf(c Class, format string, args ...any) *Error {
	return &Error{Class: c, Err: fmt.Errorf(format, args...)}
}

// ErrClass returns a bare error of class c for use as an [errors.Is] target.
func ErrClass(c Class) error { return &Error{Class: c} }

// ClassOf returns the class of err: the class of the outermost [*Error] in
// its chain; [Canceled] or [Timeout] for context errors; [Unknown] for
// anything else, and "" for a nil error. It never looks at message text.
func ClassOf(err error) Class {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.class()
	}
	switch {
	case errors.Is(err, context.Canceled):
		return Canceled
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout
	}
	return Unknown
}

// RetryAfterOf returns the wait the server asked for in err's chain, or 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

package llm

import (
	"errors"
	"fmt"
	"strings"

	"github.com/graphrun/graphrun/policies"
)

// Sentinel errors. They are wrapped, so test for them with [errors.Is].
var (
	// ErrConfig reports a [Config] that cannot work.
	ErrConfig = errors.New("llm: bad config")
	// ErrEmptyAnswer reports a 200 answer with no choice in it.
	ErrEmptyAnswer = errors.New("answer has no choices")
	// ErrFiltered reports an answer the server cut because of its content
	// policy (finish_reason "content_filter").
	ErrFiltered = errors.New("answer stopped by the server's content filter")
)

// APIError is an error answer from the server, as the client understood
// it. It is the cause inside the [*policies.Error] that [Client.Complete]
// and [Classify] return. Message is the server's own text, scrubbed of the
// API key.
type APIError struct {
	// Status is the HTTP status code.
	Status int
	// Code, Type and Param are the structured fields of the error body;
	// empty when the body had none. A numeric code is kept as its digits.
	Code, Type, Param string
	// Message is the server's message, or the title of an HTML page, or
	// empty.
	Message string
}

// Error formats the status, the structured fields and the message.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "server answered %d", e.Status)
	var tags []string
	for _, kv := range [][2]string{{"code", e.Code}, {"type", e.Type}, {"param", e.Param}} {
		if kv[1] != "" {
			tags = append(tags, kv[0]+"="+kv[1])
		}
	}
	if len(tags) > 0 {
		b.WriteString(" (" + strings.Join(tags, ", ") + ")")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Retryable reports whether the default LLM policy retries class c: a rate
// limit (after the server's wait), a timeout, or a server error. Everything
// else is a fault of the request, the account or the model, where trying
// the same call again cannot help; those go to a fallback instead.
// InvalidResponse is not in the list because retrying it means a repair
// prompt, which is the caller's business, not a resend.
func Retryable(c policies.Class) bool {
	switch c {
	case policies.RateLimit, policies.Timeout, policies.ServerError:
		return true
	}
	return false
}

// ConnectError means no connection to the server could be made: nothing
// listens at the address, its name does not resolve or the network does
// not reach it. It is the cause inside the [policies.ServerError] error
// that [Client.Complete] returns then, so that a report can tell a server
// that is not there from one that answers with errors.
type ConnectError struct {
	// BaseURL is the configured API root, without user info or query.
	BaseURL string
	// Reason is the dial or lookup error's text, scrubbed of the API key.
	Reason string
	// Err is the dial or lookup error; nil in one read back by
	// [ParseConnectError].
	Err error
}

// connectPrefix starts the text of every [ConnectError].
const connectPrefix = "llm: could not connect to "

// Error formats e as "llm: could not connect to BASE_URL: REASON".
func (e *ConnectError) Error() string { return connectPrefix + e.BaseURL + ": " + e.Reason }

// Unwrap returns the dial or lookup error.
func (e *ConnectError) Unwrap() error { return e.Err }

// ParseConnectError reads a [ConnectError] back from its text, as a
// checkpointed failure record keeps it, where the error itself is gone.
// It reports false for any other text.
func ParseConnectError(text string) (*ConnectError, bool) {
	rest, ok := strings.CutPrefix(text, connectPrefix)
	if !ok {
		return nil, false
	}
	// A URL holds no ": ", so the first one ends it.
	base, reason, ok := strings.Cut(rest, ": ")
	if !ok || base == "" {
		return nil, false
	}
	return &ConnectError{BaseURL: base, Reason: reason}, true
}

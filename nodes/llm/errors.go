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

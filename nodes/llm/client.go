package llm

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/graphrun/graphrun/policies"
	openai "github.com/sashabaranov/go-openai"
)

// errCallTimeout is the cause of a call's own deadline, to tell it from
// the caller's.
var errCallTimeout = errors.New("call timeout")

// Client calls one model on one OpenAI-compatible server. It is safe for
// concurrent use.
type Client struct {
	cfg Config
	api *openai.Client
	// noSchema is set once the server refused a json_schema
	// response_format in auto mode.
	noSchema atomic.Bool
	// now is the clock for Retry-After dates and latency.
	now func() time.Time
}

// New returns a client for cfg, or an error wrapping [ErrConfig] that names
// the field at fault.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.check()
	if err != nil {
		return nil, err
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	base := hc.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc.Transport = captureTransport{base: base}

	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = cfg.BaseURL
	oc.HTTPClient = hc
	return &Client{cfg: cfg, api: openai.NewClientWithConfig(oc), now: time.Now}, nil
}

// Model returns the configured model name.
func (c *Client) Model() string { return c.cfg.Model }

// Provider returns the configured provider label.
func (c *Client) Provider() string { return c.cfg.Provider }

// Complete sends r and returns the first choice. Every error is a
// [*policies.Error]: the class says what went wrong and RetryAfter carries
// the server's wait. A finish_reason of "length" is returned as is, for the
// caller to refuse; one of "content_filter" is a [policies.ContentFilter]
// error wrapping [ErrFiltered].
func (c *Client) Complete(ctx context.Context, r Request) (*Response, error) {
	if len(r.Messages) == 0 {
		return nil, policies.Errorf(policies.BadRequest, "llm: request has no messages")
	}
	mode := c.mode(r)
	resp, err := c.call(ctx, r, mode)
	if mode == OutputJSONSchema && c.cfg.Output == OutputAuto && formatRefused(err) {
		// The server does not take response_format: say so once and for
		// all, and ask again in plain text.
		c.noSchema.Store(true)
		resp, err = c.call(ctx, r, OutputText)
	}
	return resp, err
}

// call makes one HTTP call in the given output mode.
func (c *Client) call(ctx context.Context, r Request, mode OutputMode) (*Response, error) {
	held := &capture{}
	callCtx, cancel := context.WithTimeoutCause(ctx, c.cfg.Timeout, errCallTimeout)
	defer cancel()

	start := c.now()
	out, err := c.api.CreateChatCompletion(withCapture(callCtx, held), c.build(r, mode))
	latency := c.now().Sub(start)
	if err != nil {
		return nil, c.failure(ctx, callCtx, held.snapshot(), err)
	}

	if len(out.Choices) == 0 {
		return nil, policies.New(policies.InvalidResponse, ErrEmptyAnswer)
	}
	choice := out.Choices[0]
	if choice.FinishReason == openai.FinishReasonContentFilter {
		return nil, policies.New(policies.ContentFilter, ErrFiltered)
	}
	model := out.Model
	if model == "" {
		model = c.cfg.Model
	}
	return &Response{
		Content:      choice.Message.Content,
		FinishReason: string(choice.FinishReason),
		Model:        model,
		Usage: Usage{
			PromptTokens:     out.Usage.PromptTokens,
			CompletionTokens: out.Usage.CompletionTokens,
			TotalTokens:      out.Usage.TotalTokens,
		},
		Latency: latency,
	}, nil
}

// failure classifies a failed call from what the transport saw and the
// state of the contexts, never from err's text; err's text is only quoted,
// scrubbed of the key.
func (c *Client) failure(parent, callCtx context.Context, seen observed, err error) error {
	switch {
	case seen.status >= http.StatusBadRequest:
		return classify(seen.status, seen.header, seen.body, c.cfg.APIKey, c.now())
	case errors.Is(parent.Err(), context.Canceled):
		return policies.New(policies.Canceled, fmt.Errorf("llm: call canceled: %w", context.Canceled))
	case errors.Is(parent.Err(), context.DeadlineExceeded):
		return policies.New(policies.Timeout,
			fmt.Errorf("llm: caller's deadline passed: %w", context.DeadlineExceeded))
	case errors.Is(context.Cause(callCtx), errCallTimeout):
		return policies.New(policies.Timeout, fmt.Errorf("llm: no answer from %s within %s: %w",
			c.cfg.Model, c.cfg.Timeout, context.DeadlineExceeded))
	case seen.transportErr != nil && connectFailed(seen.transportErr):
		return policies.New(policies.ServerError, &ConnectError{
			BaseURL: scrub(scrubURL(c.cfg.BaseURL), c.cfg.APIKey),
			Reason:  c.quote(seen.transportErr), Err: seen.transportErr})
	case seen.transportErr != nil:
		return policies.Errorf(policies.ServerError, "llm: cannot reach the server: %s",
			c.quote(seen.transportErr))
	case seen.readErr != nil:
		return policies.Errorf(policies.ServerError, "llm: connection lost while reading the answer: %s",
			c.quote(seen.readErr))
	case !seen.sent:
		// go-openai refused the request before sending it.
		return policies.Errorf(policies.BadRequest, "llm: request not sent: %s", c.quote(err))
	}
	return policies.Errorf(policies.InvalidResponse, "llm: answer is not a chat completion: %s",
		c.quote(err))
}

// quote returns err's text scrubbed of the key.
func (c *Client) quote(err error) string { return scrub(err.Error(), c.cfg.APIKey) }

// formatRefused reports whether err says the server refused the
// response_format parameter: a 400 or 422 whose structured param names it.
func formatRefused(err error) bool {
	var api *APIError
	if !errors.As(err, &api) {
		return false
	}
	if api.Status != http.StatusBadRequest && api.Status != http.StatusUnprocessableEntity {
		return false
	}
	return api.Param == "response_format" || strings.HasPrefix(api.Param, "response_format.")
}

// connectFailed reports whether a transport error means no connection was
// made: a failed dial or name lookup, as opposed to a connection that
// broke after it was made.
func connectFailed(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

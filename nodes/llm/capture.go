package llm

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
)

// maxErrorBody caps how much of an error body is kept.
const maxErrorBody = 1 << 20

// observed is what the transport saw of one call: whether a request
// left, the transport error if it failed, and for an error answer its
// status, headers and raw body. A 200 body's read error is kept too, to
// tell a dropped connection from a malformed answer.
type observed struct {
	sent         bool
	transportErr error
	status       int
	header       http.Header
	body         []byte
	readErr      error
}

// capture is the holder the transport fills for one call.
type capture struct {
	mu sync.Mutex
	o  observed
}

type captureKey struct{}

// withCapture returns ctx carrying c for the transport to fill.
func withCapture(ctx context.Context, c *capture) context.Context {
	return context.WithValue(ctx, captureKey{}, c)
}

// snapshot returns what was observed so far.
func (c *capture) snapshot() observed {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.o
}

// captureTransport wraps a transport and fills the [capture] found in each
// request's context. Requests without one pass through untouched.
type captureTransport struct {
	base http.RoundTripper
}

// RoundTrip sends req and records what came back.
func (t captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c, _ := req.Context().Value(captureKey{}).(*capture)
	if c == nil {
		return t.base.RoundTrip(req)
	}
	c.mu.Lock()
	c.o.sent = true
	c.mu.Unlock()

	resp, err := t.base.RoundTrip(req)
	if err != nil {
		c.mu.Lock()
		c.o.transportErr = err
		c.mu.Unlock()
		return nil, err
	}
	if resp.StatusCode < http.StatusBadRequest {
		resp.Body = &trackedBody{ReadCloser: resp.Body, c: c}
		return resp, nil
	}

	// Keep the error body and hand an identical copy on.
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	_ = resp.Body.Close()
	c.mu.Lock()
	c.o.status, c.o.header, c.o.body, c.o.readErr = resp.StatusCode, resp.Header.Clone(), body, readErr
	c.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// trackedBody records the first read error of a body other than io.EOF.
type trackedBody struct {
	io.ReadCloser
	c *capture
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.c.mu.Lock()
		if b.c.o.readErr == nil {
			b.c.o.readErr = err
		}
		b.c.mu.Unlock()
	}
	return n, err
}

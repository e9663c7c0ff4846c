package llm

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/graphrun/graphrun/policies"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// completion is a minimal chat-completion answer.
func completion(content, finish string) string {
	b, _ := json.Marshal(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "model": "served-model",
		"choices": []any{map[string]any{
			"index": 0, "finish_reason": finish,
			"message": map[string]any{"role": "assistant", "content": content},
		}},
		"usage": map[string]any{"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
	})
	return string(b)
}

// recorder answers with fixed JSON and keeps the decoded request bodies.
type recorder struct {
	bodies []map[string]any
	answer func(n int, body map[string]any) (int, string)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	rec.bodies = append(rec.bodies, body)
	status, text := rec.answer(len(rec.bodies), body)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, text)
}

func TestCompleteReturnsTheAnswer(t *testing.T) {
	rec := &recorder{answer: func(int, map[string]any) (int, string) {
		return 200, completion(`{"questions":[]}`, "stop")
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := newTestClient(t, Config{BaseURL: srv.URL + "/v1", MaxTokens: 300, Provider: "primary"})

	resp, err := c.Complete(context.Background(), hello())

	require.NoError(t, err)
	assert.Equal(t, `{"questions":[]}`, resp.Content)
	assert.Equal(t, "stop", resp.FinishReason)
	assert.Equal(t, "served-model", resp.Model)
	assert.Equal(t, Usage{PromptTokens: 11, CompletionTokens: 7, TotalTokens: 18}, resp.Usage)
	assert.Equal(t, "primary", c.Provider())
	assert.Equal(t, "test-model", c.Model())
	require.Len(t, rec.bodies, 1)
	assert.EqualValues(t, 300, rec.bodies[0]["max_tokens"])
}

func TestCompleteReturnsALengthFinishAsIs(t *testing.T) {
	rec := &recorder{answer: func(int, map[string]any) (int, string) {
		return 200, completion(`{"questions":[{"quest`, "length")
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	resp, err := newTestClient(t, Config{BaseURL: srv.URL}).Complete(context.Background(), hello())

	require.NoError(t, err)
	assert.Equal(t, "length", resp.FinishReason)
}

func TestCompleteSendsTheOutputMode(t *testing.T) {
	schema := map[string]any{"type": "object"}
	tests := []struct {
		name   string
		mode   OutputMode
		schema map[string]any
		want   string // response_format.type, or "" for none
	}{
		{"json_schema mode sends the schema", OutputJSONSchema, schema, "json_schema"},
		{"json_schema mode without a schema asks for an object", OutputJSONSchema, nil, "json_object"},
		{"json_object mode sends json_object", OutputJSONObject, schema, "json_object"},
		{"text mode sends no response_format", OutputText, schema, ""},
		{"auto mode sends the schema first", OutputAuto, schema, "json_schema"},
		{"auto mode without a schema sends none", OutputAuto, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{answer: func(int, map[string]any) (int, string) {
				return 200, completion("{}", "stop")
			}}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			c := newTestClient(t, Config{BaseURL: srv.URL, Output: tt.mode})

			r := hello()
			r.Schema, r.SchemaName = tt.schema, "mcq"
			_, err := c.Complete(context.Background(), r)

			require.NoError(t, err)
			format, _ := rec.bodies[0]["response_format"].(map[string]any)
			if tt.want == "" {
				assert.Nil(t, format)
				return
			}
			require.NotNil(t, format)
			assert.Equal(t, tt.want, format["type"])
			if tt.want == "json_schema" {
				js := format["json_schema"].(map[string]any)
				assert.Equal(t, "mcq", js["name"])
				assert.Equal(t, schema, js["schema"])
				assert.Equal(t, true, js["strict"])
			}
		})
	}
}

func TestAutoOutputFallsBackToTextWhenTheServerRefusesTheFormat(t *testing.T) {
	refusal := `{"error":{"message":"response_format json_schema is not supported",` +
		`"type":"invalid_request_error","param":"response_format","code":null}}`
	rec := &recorder{answer: func(_ int, body map[string]any) (int, string) {
		if _, ok := body["response_format"]; ok {
			return 400, refusal
		}
		return 200, completion("plain answer", "stop")
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := newTestClient(t, Config{BaseURL: srv.URL})
	r := hello()
	r.Schema = map[string]any{"type": "object"}

	t.Run("the first call retries once without response_format", func(t *testing.T) {
		resp, err := c.Complete(context.Background(), r)
		require.NoError(t, err)
		assert.Equal(t, "plain answer", resp.Content)
		require.Len(t, rec.bodies, 2)
		assert.Contains(t, rec.bodies[0], "response_format")
		assert.NotContains(t, rec.bodies[1], "response_format")
	})
	t.Run("later calls remember and send text at once", func(t *testing.T) {
		_, err := c.Complete(context.Background(), r)
		require.NoError(t, err)
		require.Len(t, rec.bodies, 3)
		assert.NotContains(t, rec.bodies[2], "response_format")
	})
}

func TestExplicitSchemaModeDoesNotFallBack(t *testing.T) {
	rec := &recorder{answer: func(int, map[string]any) (int, string) {
		return 400, `{"error":{"message":"bad","param":"response_format.json_schema"}}`
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := newTestClient(t, Config{BaseURL: srv.URL, Output: OutputJSONSchema})
	r := hello()
	r.Schema = map[string]any{"type": "object"}

	_, err := c.Complete(context.Background(), r)

	assert.Equal(t, policies.BadRequest, policies.ClassOf(err))
	assert.Len(t, rec.bodies, 1)
}

func TestCompleteClassifiesBadAnswersWithStatus200(t *testing.T) {
	tests := []struct {
		name string
		body string
		want policies.Class
		is   error
	}{
		{"a body that is not JSON is an invalid response", `{"choices":[{"mess`,
			policies.InvalidResponse, nil},
		{"an HTML page with status 200 is an invalid response", `<html>hi</html>`,
			policies.InvalidResponse, nil},
		{"an answer with no choices is an invalid response",
			`{"id":"x","choices":[]}`, policies.InvalidResponse, ErrEmptyAnswer},
		{"a content_filter finish is a content filter error",
			completion("", "content_filter"), policies.ContentFilter, ErrFiltered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{answer: func(int, map[string]any) (int, string) { return 200, tt.body }}
			srv := httptest.NewServer(rec)
			defer srv.Close()

			_, err := newTestClient(t, Config{BaseURL: srv.URL}).Complete(context.Background(), hello())

			assert.Equal(t, tt.want, policies.ClassOf(err), "%v", err)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
		})
	}
}

func TestCompleteNeverQuotesTheKey(t *testing.T) {
	echo := func(msg string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			auth := r.Header.Get("Authorization")
			key := strings.TrimPrefix(auth, "Bearer ")
			text := strings.NewReplacer("{auth}", auth, "{key}", key,
				"{head}", key[:12], "{tail}", key[4:]).Replace(msg)
			b, _ := json.Marshal(map[string]any{"error": map[string]any{
				"message": text, "code": "invalid_api_key"}})
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write(b)
		}
	}
	tests := []struct{ name, msg string }{
		{"the whole key echoed", "Incorrect API key provided: {key}."},
		{"the authorization header echoed", "header was {auth}"},
		{"the start of the key echoed", "key {head}... is wrong"},
		{"the end of the key echoed", "key ...{tail} is wrong"},
		{"the key inside quotes", `key "{key}" revoked`},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is scrubbed", func(t *testing.T) {
			srv := httptest.NewServer(echo(tt.msg))
			defer srv.Close()

			_, err := newTestClient(t, Config{BaseURL: srv.URL}).Complete(context.Background(), hello())

			require.Error(t, err)
			assert.Equal(t, policies.Auth, policies.ClassOf(err))
			for e := error(err); e != nil; e = errors.Unwrap(e) {
				assert.NotContains(t, e.Error(), "SECRET")
				assert.NotContains(t, e.Error(), testKey)
			}
			assert.Contains(t, err.Error(), redacted)
		})
	}
}

func TestCompleteTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c := newTestClient(t, Config{BaseURL: srv.URL, Timeout: 20 * time.Millisecond})

	_, err := c.Complete(context.Background(), hello())

	assert.Equal(t, policies.Timeout, policies.ClassOf(err), "%v", err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, Retryable(policies.ClassOf(err)))
}

func TestCompleteReportsCancel(t *testing.T) {
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The server notices a closed connection only once the body is read.
		_, _ = io.Copy(io.Discard, r.Body)
		close(arrived)
		<-r.Context().Done()
	}))
	defer srv.Close()
	c := newTestClient(t, Config{BaseURL: srv.URL})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()

	_, err := c.Complete(ctx, hello())

	assert.Equal(t, policies.Canceled, policies.ClassOf(err), "%v", err)
	assert.ErrorIs(t, err, context.Canceled)
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestCompleteReportsNetworkFailuresAsServerErrors(t *testing.T) {
	t.Run("a refused connection is a server error that names the server", func(t *testing.T) {
		base := "http://" + closedAddr(t) + "/v1"

		_, err := newTestClient(t, Config{BaseURL: base}).Complete(context.Background(), hello())

		assert.Equal(t, policies.ServerError, policies.ClassOf(err), "%v", err)
		var ce *ConnectError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, base, ce.BaseURL)
		assert.Contains(t, err.Error(), "llm: could not connect to "+base+": ")
		assert.Contains(t, err.Error(), "connection refused")

		back, ok := ParseConnectError(ce.Error())
		require.True(t, ok, "the text reads back")
		assert.Equal(t, base, back.BaseURL)
		assert.Equal(t, ce.Reason, back.Reason)
	})
	t.Run("a base URL with a key in it is not quoted when it cannot be reached",
		func(t *testing.T) {
			base := "http://u:" + testKey + "@" + closedAddr(t) + "/v1?key=" + testKey

			_, err := newTestClient(t, Config{BaseURL: base}).Complete(context.Background(), hello())

			var ce *ConnectError
			require.ErrorAs(t, err, &ce)
			assert.NotContains(t, err.Error(), "SECRET")
		})
	t.Run("a connection closed before any answer is a server error", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = conn.Close()
			}
		}))
		defer srv.Close()

		_, err := newTestClient(t, Config{BaseURL: srv.URL}).Complete(context.Background(), hello())

		assert.Equal(t, policies.ServerError, policies.ClassOf(err), "%v", err)
		var ce *ConnectError
		assert.False(t, errors.As(err, &ce), "the server was reached: %v", err)
	})
	t.Run("a connection dropped in the middle of the answer is a server error", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			conn, buf, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" +
				"Content-Length: 500\r\n\r\n{\"choices\":[")
			_ = buf.Flush()
			_ = conn.Close()
		}))
		defer srv.Close()

		_, err := newTestClient(t, Config{BaseURL: srv.URL}).Complete(context.Background(), hello())

		assert.Equal(t, policies.ServerError, policies.ClassOf(err), "%v", err)
	})
}

func TestParseConnectErrorReadsOnlyItsOwnText(t *testing.T) {
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"its own text reads back", "llm: could not connect to http://127.0.0.1:9/v1: dial tcp: refused", true},
		{"another network failure does not", "llm: cannot reach the server: EOF", false},
		{"a server's answer does not", "server answered 502: could not connect to upstream", false},
		{"a text without a reason does not", "llm: could not connect to http://127.0.0.1:9/v1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := ParseConnectError(tt.text)
			assert.Equal(t, tt.ok, ok)
		})
	}
}

func TestCompleteRefusesAnEmptyRequest(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		calls.Add(1)
	}))
	defer srv.Close()

	_, err := newTestClient(t, Config{BaseURL: srv.URL}).Complete(context.Background(), Request{})

	assert.Equal(t, policies.BadRequest, policies.ClassOf(err))
	assert.Zero(t, calls.Load())
}

func TestReasoningModelsGetMaxCompletionTokens(t *testing.T) {
	rec := &recorder{answer: func(int, map[string]any) (int, string) {
		return 200, completion("{}", "stop")
	}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c := newTestClient(t, Config{BaseURL: srv.URL, Model: "o3-mini", MaxTokens: 99, Temperature: 0.5})

	_, err := c.Complete(context.Background(), hello())

	require.NoError(t, err)
	assert.EqualValues(t, 99, rec.bodies[0]["max_completion_tokens"])
	assert.NotContains(t, rec.bodies[0], "max_tokens")
	assert.NotContains(t, rec.bodies[0], "temperature")
}

func TestNewChecksTheConfig(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		field string
	}{
		{"an empty model is refused", Config{}, "model"},
		{"a base URL without a scheme is refused",
			Config{Model: "m", BaseURL: "127.0.0.1:8089"}, "base_url"},
		{"a negative timeout is refused", Config{Model: "m", Timeout: -time.Second}, "timeout"},
		{"an unknown output mode is refused", Config{Model: "m", Output: "yaml"}, "output"},
		{"a negative token cap is refused", Config{Model: "m", MaxTokens: -1}, "max_tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			require.ErrorIs(t, err, ErrConfig)
			assert.Contains(t, err.Error(), "field "+tt.field)
		})
	}
	t.Run("a base URL with a key in it is not quoted", func(t *testing.T) {
		_, err := New(Config{Model: "m", BaseURL: "ftp://u:" + testKey + "@h/?k=" + testKey})
		require.ErrorIs(t, err, ErrConfig)
		assert.NotContains(t, err.Error(), "SECRET")
	})
}

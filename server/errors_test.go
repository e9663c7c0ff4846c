package server_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/graphrun/graphrun/server"
)

func TestRequestsRefused(t *testing.T) {
	f := newFixture(t, options{maxBody: 256})
	taken := f.start(t, "hello", `{"thread": "taken", "input": {"name": "x"}}`)
	f.srv.Wait()

	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
		code         string
	}{
		{"an oversized body is refused", "POST", "/v1/graphs/hello/runs",
			`{"input": {"name": "` + strings.Repeat("a", 400) + `"}}`,
			http.StatusRequestEntityTooLarge, server.CodeTooLarge},
		{"malformed JSON is refused", "POST", "/v1/graphs/hello/runs", `{"input": `,
			http.StatusBadRequest, server.CodeBadJSON},
		{"an unknown request field is refused", "POST", "/v1/graphs/hello/runs",
			`{"inputs": {}}`, http.StatusBadRequest, server.CodeBadJSON},
		{"an undeclared state field is refused", "POST", "/v1/graphs/hello/runs",
			`{"input": {"nope": 1}}`, http.StatusUnprocessableEntity, server.CodeInvalidInput},
		{"a thread id with a path in it is refused", "POST", "/v1/graphs/hello/runs",
			`{"thread": "../x"}`, http.StatusUnprocessableEntity, server.CodeInvalidInput},
		{"a taken thread id is refused", "POST", "/v1/graphs/hello/runs",
			`{"thread": "` + taken + `"}`, http.StatusConflict, server.CodeThreadExists},
		{"an unknown status filter is refused", "GET", "/v1/runs?status=bogus", "",
			http.StatusBadRequest, server.CodeBadQuery},
		{"a negative limit is refused", "GET", "/v1/runs?limit=-1", "",
			http.StatusBadRequest, server.CodeBadQuery},
		{"an unknown graph is not found", "POST", "/v1/graphs/nope/runs", `{}`,
			http.StatusNotFound, server.CodeGraphNotFound},
		{"an unknown thread is not found", "GET", "/v1/runs/nope", "",
			http.StatusNotFound, server.CodeRunNotFound},
		{"the events of an unknown thread are not found", "GET", "/v1/runs/nope/events", "",
			http.StatusNotFound, server.CodeRunNotFound},
		{"an unknown path is not found", "GET", "/v2/nothing", "",
			http.StatusNotFound, server.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.do(t, tt.method, tt.path, tt.body)
			assert.Equal(t, tt.status, status, body)
			assert.Equal(t, tt.code, errorCode(t, body))
		})
	}
}

func TestAuth(t *testing.T) {
	f := newFixture(t, options{token: "s3cret"})
	tests := []struct {
		name   string
		path   string
		header []string
		status int
	}{
		{"a request without a token is refused", "/v1/graphs", nil, http.StatusUnauthorized},
		{"a wrong token is refused", "/v1/graphs",
			[]string{"Authorization", "Bearer nope"}, http.StatusUnauthorized},
		{"metrics need the token too", "/metrics", nil, http.StatusUnauthorized},
		{"the right token is accepted", "/v1/graphs",
			[]string{"Authorization", "Bearer s3cret"}, http.StatusOK},
		{"health needs no token", "/healthz", nil, http.StatusOK},
		{"readiness needs no token", "/readyz", nil, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.do(t, "GET", tt.path, "", tt.header...)
			assert.Equal(t, tt.status, status)
			if status == http.StatusUnauthorized {
				assert.Equal(t, server.CodeUnauthorized, errorCode(t, body))
				assert.NotContains(t, body, "s3cret")
			}
		})
	}
}

func TestCheckListen(t *testing.T) {
	tests := []struct {
		name, addr, token string
		ok                bool
	}{
		{"loopback needs no token", "127.0.0.1:8080", "", true},
		{"localhost needs no token", "localhost:8080", "", true},
		{"IPv6 loopback needs no token", "[::1]:8080", "", true},
		{"every interface needs a token", ":8080", "", false},
		{"a public address needs a token", "0.0.0.0:8080", "", false},
		{"a public address with a token is allowed", "0.0.0.0:8080", "t", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := server.CheckListen(tt.addr, tt.token)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, server.ErrNoToken)
			}
		})
	}
}

func TestMalformedBodiesAreExplained(t *testing.T) {
	f := newFixture(t, options{})
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"an array says the body must be an object", `[]`,
			[]string{"the body is an array, not an object", "input", "thread"}},
		{"a string says the body must be an object", `"ada"`,
			[]string{"the body is a string, not an object"}},
		{"input of the wrong kind is named with its place", `{"input": []}`,
			[]string{"field input, at line 1, column 11, is an array", "object of state fields"}},
		{"a thread of the wrong kind is named with its place", `{"thread": 5}`,
			[]string{"field thread, at line 1, column 12, is a number", "a string"}},
		{"a syntax error is placed by line and column", "{\n  \"input\": {\"name\": ada}}",
			[]string{"not valid JSON", `unexpected 'a' at line 2, column 21`}},
		{"a cut-off body says where it ends", `{"input": {"name": "ada"}`,
			[]string{"ends at line 1, column 26", "close every"}},
		{"a second value is placed", `{} {}`,
			[]string{"goes on after its JSON object, at line 1, column 4"}},
		{"an unknown field is named", `{"inputs": {}}`,
			[]string{`unknown field "inputs"`, "input and thread"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.do(t, "POST", "/v1/graphs/hello/runs", tt.body)
			assert.Equal(t, http.StatusBadRequest, status)
			e := errorOf(t, body)
			assert.Equal(t, server.CodeBadJSON, e.Code)
			for _, want := range tt.want {
				assert.Contains(t, e.Message, want)
			}
			for _, internal := range []string{"Go ", "server.", "interface", "json:", "map["} {
				assert.NotContains(t, e.Message, internal, "an internal name in the message")
			}
		})
	}
}

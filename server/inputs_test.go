package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/server"
)

func TestInputIsCheckedBeforeTheRunStarts(t *testing.T) {
	f := newFixture(t, options{})
	tests := []struct {
		name   string
		graph  string
		body   string
		status int
		field  string
	}{
		{"a missing required field is refused and named", "needs",
			`{"thread": "t1", "input": {"loud": true}}`, http.StatusUnprocessableEntity, "name"},
		{"an undeclared field is refused and named", "hello",
			`{"thread": "t2", "input": {"nope": 1}}`, http.StatusUnprocessableEntity, "nope"},
		{"a value of the wrong type is refused and named", "needs",
			`{"thread": "t3", "input": {"name": "ada", "loud": [1]}}`,
			http.StatusUnprocessableEntity, "loud"},
		{"a run with its required field starts", "needs",
			`{"thread": "t4", "input": {"name": "ada"}}`, http.StatusAccepted, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.do(t, "POST", "/v1/graphs/"+tt.graph+"/runs", tt.body)
			require.Equal(t, tt.status, status, body)
			var req server.StartRequest
			require.NoError(t, json.Unmarshal([]byte(tt.body), &req))
			if tt.status == http.StatusAccepted {
				f.srv.Wait()
				assert.Equal(t, graph.Succeeded, f.run(t, req.Thread).Status)
				return
			}
			e := errorOf(t, body)
			assert.Equal(t, server.CodeInvalidInput, e.Code)
			assert.Equal(t, tt.field, e.Field)
			assert.Contains(t, e.Message, tt.field)
			assert.NotContains(t, e.Message, "--set", "a command-line hint in an API answer")

			status, _ = f.do(t, "GET", "/v1/runs/"+req.Thread, "")
			assert.Equal(t, http.StatusNotFound, status, "a refused run leaves no thread")
		})
	}
}

func TestGraphsDescribeTheirInputs(t *testing.T) {
	f := newFixture(t, options{})
	status, body := f.do(t, "GET", "/v1/graphs", "")
	require.Equal(t, http.StatusOK, status)
	var out struct{ Graphs []server.GraphInfo }
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	inputs := map[string]server.InputInfo{}
	for _, g := range out.Graphs {
		if g.Name == "needs" {
			for _, in := range g.Inputs {
				inputs[in.Name] = in
			}
		}
	}
	tests := []struct {
		name string
		want server.InputInfo
	}{
		{"a required field says so", server.InputInfo{Name: "name", Type: graph.String,
			Required: true, Doc: "who to greet"}},
		{"a field with a default shows it", server.InputInfo{Name: "loud", Type: graph.Bool,
			Default: false, Doc: "shout the greeting"}},
		{"a field without a doc is listed too", server.InputInfo{Name: "greeting",
			Type: graph.String}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, inputs[tt.want.Name])
		})
	}
	t.Run("the engine's own last_error is not an input", func(t *testing.T) {
		assert.NotContains(t, inputs, graph.LastError)
		assert.Len(t, inputs, 3)
	})
}

package nodes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/llm/llmsim"
	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
)

func TestReportTellsTheWholeChainOfFailuresAndWarnsOnce(t *testing.T) {
	tests := []struct {
		name    string
		fault   policies.Class
		chunks  int
		chain   string // the failure line of every chunk
		warning string // "" when none is due
		backup  bool   // a backup model is configured, and fails alike
	}{
		{"a refused key warns to check the key",
			policies.Auth, 3, "degraded to the template generator after auth in generate: ",
			"warning: the primary model refused the key (auth in generate): ", false},
		{"a used-up quota names the backup model that was not there",
			policies.Quota, 3, "degraded to the template generator after quota in generate: " +
				"server answered 429 (code=insufficient_quota, type=insufficient_quota): " +
				"You exceeded your current quota",
			"warning: the primary model has no quota left (quota in generate): ", false},
		{"a missing model warns to check the model name",
			policies.ModelUnavailable, 3, "after model_unavailable in generate: ",
			"warning: the primary model is unavailable (model_unavailable in generate): ", false},
		{"rate limits show the attempts and no warning",
			policies.RateLimit, 1, "after rate_limit in generate (4 attempts): ", "", false},
		{"a configured backup model is tried, and its failure joins the chain",
			policies.Quota, 2, "after quota in generate: ",
			"warning: the primary model has no quota left (quota in generate): ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, primary, backup := simClients(t, llmsim.Options{Seed: 1,
				Faults: map[policies.Class]float64{tt.fault: 1}, RetryAfter: time.Second}, nil)
			if !tt.backup {
				backup = nil
			}
			h := newHarness(t, primary, backup)
			h.engine = graph.NewEngine(graph.Options{Store: h.store,
				Clock: policiestest.NewFakeClock(policiestest.Epoch)})
			// The first chunk of the constitution is prose the template
			// generator can always use.
			res := h.run("faults", map[string]any{"document": constitution, "max_chunks": tt.chunks})

			summary := res.State["summary"].(string)
			assert.Contains(t, summary, tt.chain)
			warnings := 1
			if tt.backup {
				warnings = 2
				assert.Equal(t, 1, strings.Count(summary,
					"warning: the backup model has no quota left (quota in generate_backup): "),
					"the backup model is warned of too")
				assert.Contains(t, summary, "; then quota in generate_backup: ")
				assert.NotContains(t, summary, "set GRAPHRUN_BACKUP_MODEL", "it is set")
				assert.Contains(t, summary, fmt.Sprintf("%d errors, %d fallbacks", 2*tt.chunks, 2*tt.chunks))
			} else {
				assert.NotContains(t, summary, "generate_backup",
					"without a backup model its route is not taken")
				assert.Contains(t, summary, fmt.Sprintf("%d errors, %d fallbacks", tt.chunks, tt.chunks))
				if tt.fault == policies.Quota {
					assert.Contains(t, summary, "or set GRAPHRUN_BACKUP_MODEL to a backup model")
				}
			}
			if tt.warning == "" {
				assert.NotContains(t, summary, "warning:")
			} else {
				assert.Equal(t, 1, strings.Count(summary, tt.warning), summary)
				assert.Equal(t, warnings, strings.Count(summary, "warning:"),
					"one warning per model and class")
			}
			if tt.chunks > 1 {
				assert.Contains(t, summary, "chunks ", "the chunks share one line")
			}
			assert.NotContains(t, summary, "attempts,", "the summary counts no attempts")
			assert.Regexp(t, `resilience   \d+ retries, \d+ errors, \d+ fallbacks`, summary)
		})
	}
}

// quotaBody is the answer of a server whose account has no credit left.
const quotaBody = `{"error":{"message":"You exceeded your current quota",` +
	`"type":"insufficient_quota","code":"insufficient_quota"}}`

// failModel answers every request for model with status and body, and
// passes the others on.
func failModel(model string, status int, body string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			data, _ := io.ReadAll(r.Body)
			var req struct{ Model string }
			_ = json.Unmarshal(data, &req)
			if req.Model != model {
				r.Body = io.NopCloser(bytes.NewReader(data))
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		})
	}
}

func TestReportCountsAndNamesEveryChunkThatDidNotComeFromThePrimaryModel(t *testing.T) {
	tests := []struct {
		name    string
		opts    llmsim.Options
		wrap    func(http.Handler) http.Handler
		doc     string
		line    string // the line of every degraded chunk
		warning string // "" when none is due
	}{
		{"a chunk the backup model answered after a quota error is degraded and warned of",
			llmsim.Options{Seed: 1}, failModel("sim-primary", 429, quotaBody), constitution,
			": degraded to the backup model sim-backup after quota in generate: " +
				"server answered 429 (code=insufficient_quota, type=insufficient_quota): " +
				"You exceeded your current quota",
			"warning: the primary model has no quota left (quota in generate): "},
		{"a chunk split for a small context is degraded, with no warning",
			llmsim.Options{Seed: 1, ContextTokens: 250}, nil, biology,
			": split into 2 parts for the primary model sim-primary after content_too_long in generate: ",
			""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, primary, backup := simClients(t, tt.opts, tt.wrap)
			h := newHarness(t, primary, backup)
			h.engine = graph.NewEngine(graph.Options{Store: h.store,
				Clock: policiestest.NewFakeClock(policiestest.Epoch)})
			res := h.run("degraded", map[string]any{"document": tt.doc, "max_chunks": 3})

			summary := res.State["summary"].(string)
			report := res.State["report"].(map[string]any)
			var failures []map[string]any
			require.NoError(t, graph.Decode(res.State["failures"], &failures))
			require.NotEmpty(t, failures, "some chunk degraded")
			assert.EqualValues(t, len(failures), report["degraded"])
			assert.Contains(t, summary, fmt.Sprintf("chunks       3, %d degraded or failed", len(failures)))
			assert.NotContains(t, summary, "0 degraded or failed")
			assert.Contains(t, summary, tt.line)
			if tt.warning == "" {
				assert.NotContains(t, summary, "warning:")
				return
			}
			assert.Equal(t, 1, strings.Count(summary, tt.warning), summary)
			assert.Equal(t, 1, strings.Count(summary, "warning:"), summary)
		})
	}
}

func TestReportWarnsOfAServerThatCannotBeReachedAndTellsTheBreakerOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	base := "http://" + ln.Addr().String() + "/v1"
	require.NoError(t, ln.Close())
	primary, err := llm.New(llm.Config{Provider: "primary", BaseURL: base, APIKey: "sk-test",
		Model: "m1"})
	require.NoError(t, err)
	h := newHarness(t, primary, nil)
	h.engine = graph.NewEngine(graph.Options{Store: h.store,
		Clock: policiestest.NewFakeClock(policiestest.Epoch)})
	res := h.run("unreachable", map[string]any{"document": constitution, "max_chunks": 8})

	summary := res.State["summary"].(string)
	assert.Equal(t, 1, strings.Count(summary, "warning: could not connect to "+base+
		" (server_error in generate): "), summary)
	assert.Contains(t, summary, "; check OPENAI_BASE_URL and that the server is running")
	assert.Equal(t, 1, strings.Count(summary, "warning:"), "one warning for one server")
	assert.Equal(t, 1, strings.Count(summary, `breaker "primary" opened after server_error in generate: `+
		"llm: could not connect to "+base), "the failure that opened the breaker is told once")
	assert.Contains(t, summary, `after breaker_open in generate: breaker "primary" is open`+"\n")
	assert.NotContains(t, summary, "circuit breaker is open", "the refusal is not repeated")
	assert.Contains(t, summary, "chunks       8, 8 degraded or failed")
}

func TestReportKeepsALongFirstMessageWhole(t *testing.T) {
	long := "Rate limit reached for gpt-4o-mini in organization org-1 on tokens per min (TPM): " +
		strings.Repeat("Limit 200000, Used 199000, Requested 3000. ", 6) + "END-OF-MESSAGE"
	srv := failingServer(t, 429, `{"error":{"message":"`+long+
		`","type":"tokens","code":"rate_limit_exceeded"}}`)
	h := newHarness(t, clientFor(t, srv), nil)
	h.engine = graph.NewEngine(graph.Options{Store: h.store,
		Clock: policiestest.NewFakeClock(policiestest.Epoch)})
	res := h.run("long", map[string]any{"document": constitution, "max_chunks": 1})
	summary := res.State["summary"].(string)
	assert.Contains(t, summary, "END-OF-MESSAGE", "the first cause is not cut at 160 characters")
	assert.NotContains(t, summary, "generate_backup", "no backup model is configured")
}

func TestResumeWithoutAModelSaysSo(t *testing.T) {
	ctx, cut := cutAfter(2)
	_, primary, _ := simClients(t, llmsim.Options{Seed: 2}, cut)
	online := newHarness(t, primary, nil)
	input := map[string]any{"document": biology, "max_chunks": 6}
	_, err := online.engine.Run(ctx, online.g, graph.RunOptions{Thread: "cut", Input: input})
	require.ErrorIs(t, err, context.Canceled)
	assert.NotContains(t, online.notice.String(), "no model configured")

	offline := newHarnessAt(t, online.db, nil, nil)
	res, err := offline.engine.Resume(context.Background(), offline.g, "cut", graph.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, graph.Succeeded, res.Status)
	assert.Equal(t, 1, strings.Count(offline.notice.String(), "no model configured"),
		offline.notice.String())
}

func TestADocumentWithoutProseIsRefusedBeforeTheRun(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "menu.md")
	menu := "# Menu\n\n- Home\n- News\n\n## Contact\n\nMail us.\n"
	require.NoError(t, os.WriteFile(doc, []byte(menu), 0o644))
	h := newHarness(t, nil, nil)
	_, err := h.engine.Run(context.Background(), h.g, graph.RunOptions{Thread: "menu",
		Input: map[string]any{"document": doc}})
	var ie *graph.InputError
	require.ErrorAs(t, err, &ie)
	assert.Equal(t, "document", ie.Field)
	assert.Contains(t, err.Error(), doc+": too little text to make a question from")
	assert.Zero(t, threads(t, h.store), "no thread is left")
}

// failingServer answers every request with status and body.
func failingServer(t *testing.T, status int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// clientFor is a primary model client of srv.
func clientFor(t *testing.T, srv *httptest.Server) *llm.Client {
	t.Helper()
	c, err := llm.New(llm.Config{Provider: "primary", BaseURL: srv.URL + "/v1",
		APIKey: "sk-test", Model: "m1"})
	require.NoError(t, err)
	return c
}

package nodes_test

import (
	"context"
	"fmt"
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
			if tt.backup {
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
				assert.Equal(t, 1, strings.Count(summary, "warning:"), "one warning per class")
			}
			if tt.chunks > 1 {
				assert.Contains(t, summary, "chunks ", "the chunks share one line")
			}
			assert.NotContains(t, summary, "attempts,", "the summary counts no attempts")
			assert.Regexp(t, `resilience   \d+ retries, \d+ errors, \d+ fallbacks`, summary)
		})
	}
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

func TestADocumentWithoutProseFailsTheRun(t *testing.T) {
	doc := filepath.Join(t.TempDir(), "menu.md")
	menu := "# Menu\n\n- Home\n- News\n\n## Contact\n\nMail us.\n"
	require.NoError(t, os.WriteFile(doc, []byte(menu), 0o644))
	h := newHarness(t, nil, nil)
	res, err := h.engine.Run(context.Background(), h.g, graph.RunOptions{
		Input: map[string]any{"document": doc}})
	require.Error(t, err)
	assert.Equal(t, graph.Failed, res.Status)
	assert.Equal(t, "bad_request", res.Error.Class)
	assert.Equal(t, "collect", res.Error.Node)
	assert.Contains(t, err.Error(), "no question could be made from the document "+doc)
	assert.Contains(t, err.Error(), "the chunk has too little text")
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

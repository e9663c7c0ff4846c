package llm

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/graphrun/graphrun/policies"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// httpCase is one file of testdata/llm-http.
type httpCase struct {
	Name    string            `json:"-"`
	About   string            `json:"about"`
	Status  int               `json:"status"`
	Now     string            `json:"now"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Want    struct {
		Class             policies.Class `json:"class"`
		Retryable         bool           `json:"retryable"`
		RetryAfterSeconds *float64       `json:"retry_after_seconds"`
	} `json:"want"`
}

const httpCases = "../../testdata/llm-http"

// loadHTTPCases reads every case, in file name order.
func loadHTTPCases(t testing.TB) []httpCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(httpCases, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, paths, "no cases in %s", httpCases)
	var cases []httpCase
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		var c httpCase
		require.NoError(t, json.Unmarshal(raw, &c), p)
		require.True(t, c.Want.Class.Valid(), "%s: unknown class %q", p, c.Want.Class)
		c.Name = strings.TrimSuffix(filepath.Base(p), ".json")
		cases = append(cases, c)
	}
	return cases
}

// serveCase answers every request with the case's status, headers and body.
func serveCase(c httpCase) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range c.Headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(c.Status)
		_, _ = w.Write([]byte(c.Body))
	})
}

func TestCompleteClassifiesRecordedErrorAnswers(t *testing.T) {
	for _, c := range loadHTTPCases(t) {
		t.Run(c.Name+" is classified as "+string(c.Want.Class), func(t *testing.T) {
			srv := httptest.NewServer(serveCase(c))
			defer srv.Close()
			client := newTestClient(t, Config{BaseURL: srv.URL + "/v1", Output: OutputText})
			if c.Now != "" {
				now, err := http.ParseTime(c.Now)
				require.NoError(t, err)
				client.now = func() time.Time { return now }
			}

			_, err := client.Complete(context.Background(), hello())

			var pe *policies.Error
			require.ErrorAs(t, err, &pe, c.About)
			assert.Equal(t, c.Want.Class, pe.Class, "%s\n%v", c.About, err)
			assert.Equal(t, c.Want.Retryable, Retryable(pe.Class), "retryable")
			want := time.Duration(0)
			if c.Want.RetryAfterSeconds != nil {
				want = time.Duration(math.Round(*c.Want.RetryAfterSeconds*1000)) * time.Millisecond
			}
			assert.Equal(t, want, pe.RetryAfter, "retry after")

			var api *APIError
			require.ErrorAs(t, err, &api)
			assert.Equal(t, c.Status, api.Status)
		})
	}
}

func TestClassifyAgreesWithComplete(t *testing.T) {
	for _, c := range loadHTTPCases(t) {
		if c.Now != "" {
			continue // a date wait depends on the clock; Complete checks it
		}
		t.Run(c.Name+" gets the same class without a client", func(t *testing.T) {
			h := http.Header{}
			for k, v := range c.Headers {
				h.Set(k, v)
			}
			got := Classify(c.Status, h, []byte(c.Body))
			assert.Equal(t, c.Want.Class, got.Class)
		})
	}
}

func newTestClient(t testing.TB, cfg Config) *Client {
	t.Helper()
	if cfg.Model == "" {
		cfg.Model = "test-model"
	}
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

const testKey = "sk-test-SECRET-1234"

func hello() Request {
	return Request{Messages: []Message{{Role: "user", Content: "hello"}}}
}

package llmsim_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/llm/llmsim"
	"github.com/graphrun/graphrun/policies"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// answer is the JSON shape the server promises.
type answer struct {
	Questions []struct {
		Question    string   `json:"question"`
		Options     []string `json:"options"`
		AnswerIndex int      `json:"answer_index"`
		Explanation string   `json:"explanation"`
	} `json:"questions"`
}

func passage(t testing.TB, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "passages", name))
	require.NoError(t, err)
	return string(raw)
}

// userPrompt follows the prompt contract.
func userPrompt(text string, n int) string {
	return "Write multiple-choice questions about the passage.\n" +
		"questions: " + itoa(n) + "\n<passage>\n" + text + "\n</passage>\n"
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// start serves a simulator and returns it with a client pointed at it.
func start(t testing.TB, o llmsim.Options, cfg llm.Config) (*llmsim.Server, *llm.Client) {
	t.Helper()
	sim := llmsim.New(o)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	cfg.BaseURL = srv.URL + "/v1"
	if cfg.Model == "" {
		cfg.Model = "sim-mcq-1"
	}
	c, err := llm.New(cfg)
	require.NoError(t, err)
	return sim, c
}

var mcqSchema = map[string]any{"type": "object"}

func ask(c *llm.Client, text string, n int) (*llm.Response, error) {
	return c.Complete(context.Background(), llm.Request{
		Messages: []llm.Message{
			{Role: "system", Content: "You write quiz questions as JSON."},
			{Role: "user", Content: userPrompt(text, n)},
		},
		Schema: mcqSchema, SchemaName: "mcq",
	})
}

// decode reads the answer, tolerating the fence of text mode.
func decode(t testing.TB, content string) answer {
	t.Helper()
	start, end := strings.Index(content, "{"), strings.LastIndex(content, "}")
	require.True(t, start >= 0 && end > start, "no JSON in %q", content)
	var a answer
	require.NoError(t, json.Unmarshal([]byte(content[start:end+1]), &a), content)
	return a
}

// checkQuestions applies a strict validator's rules.
func checkQuestions(t *testing.T, text string, a answer) {
	t.Helper()
	lower := strings.ToLower(text)
	for _, q := range a.Questions {
		require.Len(t, q.Options, 4, q.Question)
		seen := map[string]bool{}
		for _, o := range q.Options {
			assert.Greater(t, len([]rune(strings.TrimSpace(o))), 1, "option %q", o)
			assert.False(t, seen[strings.ToLower(o)], "option %q twice", o)
			assert.NotContains(t, strings.ToLower(o), "all of the above")
			seen[strings.ToLower(o)] = true
		}
		require.GreaterOrEqual(t, q.AnswerIndex, 0)
		require.Less(t, q.AnswerIndex, 4)
		assert.GreaterOrEqual(t, len(strings.Fields(q.Question)), 5, q.Question)
		right := q.Options[q.AnswerIndex]
		assert.Contains(t, lower, strings.ToLower(right), "answer not in the passage")

		// Exactly one option fills the gap with the passage's own words.
		stem := q.Question[strings.Index(q.Question, "? ")+2:]
		fits := 0
		for _, o := range q.Options {
			filled := strings.ToLower(strings.Replace(stem, "_____", o, 1))
			if strings.Contains(strings.ToLower(strings.Join(strings.Fields(text), " ")), filled) {
				fits++
			}
		}
		assert.Equal(t, 1, fits, "options that fit %q: %v", stem, q.Options)
	}
}

func TestAnswersAreValidQuestions(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		count int
		mode  llm.OutputMode
	}{
		{"one question about plants as a json schema", "photosynthesis.txt", 1, llm.OutputJSONSchema},
		{"three questions about plants as a json object", "photosynthesis.txt", 3, llm.OutputJSONObject},
		{"four questions about a markdown list in plain text", "tcp.md", 4, llm.OutputText},
		{"five questions about history in auto mode", "history.txt", 5, llm.OutputAuto},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := start(t, llmsim.Options{Seed: 7}, llm.Config{Output: tt.mode})
			text := passage(t, tt.file)

			resp, err := ask(c, text, tt.count)

			require.NoError(t, err)
			assert.Equal(t, "stop", resp.FinishReason)
			assert.Positive(t, resp.Usage.PromptTokens)
			assert.Positive(t, resp.Usage.CompletionTokens)
			a := decode(t, resp.Content)
			assert.Len(t, a.Questions, tt.count)
			checkQuestions(t, text, a)
		})
	}
	t.Run("a passage too short for four options gets no questions", func(t *testing.T) {
		_, c := start(t, llmsim.Options{}, llm.Config{})
		resp, err := ask(c, passage(t, "short.txt"), 2)
		require.NoError(t, err)
		assert.Empty(t, decode(t, resp.Content).Questions)
	})
}

func TestAnswerPositionsVary(t *testing.T) {
	positions := map[int]bool{}
	for seed := range int64(8) {
		_, c := start(t, llmsim.Options{Seed: seed}, llm.Config{Output: llm.OutputJSONObject})
		resp, err := ask(c, passage(t, "history.txt"), 3)
		require.NoError(t, err)
		for _, q := range decode(t, resp.Content).Questions {
			positions[q.AnswerIndex] = true
		}
	}
	assert.GreaterOrEqual(t, len(positions), 3, "answer positions used: %v", positions)
}

func TestFaultsAtRateOneAreClassified(t *testing.T) {
	for _, class := range llmsim.FaultClasses {
		if class == policies.InvalidResponse {
			continue // a 200 answer; see TestSpoiledAnswers
		}
		t.Run(string(class)+" faults reach the client as "+string(class), func(t *testing.T) {
			cfg := llm.Config{}
			if class == policies.Timeout {
				cfg.Timeout = 30 * time.Millisecond
			}
			sim, c := start(t, llmsim.Options{
				Faults:     map[policies.Class]float64{class: 1},
				RetryAfter: 1500 * time.Millisecond,
			}, cfg)

			_, err := ask(c, passage(t, "photosynthesis.txt"), 1)

			require.Error(t, err)
			assert.Equal(t, class, policies.ClassOf(err), "%v", err)
			if class == policies.RateLimit {
				assert.Equal(t, 1500*time.Millisecond, policies.RetryAfterOf(err))
			}
			assert.Equal(t, 1, sim.Stats().Faults[class])
		})
	}
}

func TestTimeoutFaultAnswersAfterTheHold(t *testing.T) {
	_, c := start(t, llmsim.Options{
		Faults: map[policies.Class]float64{policies.Timeout: 1}, Hold: time.Millisecond,
	}, llm.Config{})

	_, err := ask(c, passage(t, "photosynthesis.txt"), 1)

	assert.Equal(t, policies.Timeout, policies.ClassOf(err), "%v", err)
}

func TestSpoiledAnswers(t *testing.T) {
	tests := []struct {
		name   string
		opts   llmsim.Options
		finish string
	}{
		{"a truncated answer ends with length", llmsim.Options{Truncate: 1}, "length"},
		{"a malformed answer is broken JSON", llmsim.Options{Malformed: 1}, "stop"},
		{"an invalid_response fault is a malformed answer",
			llmsim.Options{Faults: map[policies.Class]float64{policies.InvalidResponse: 1}}, "stop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for seed := range int64(6) {
				tt.opts.Seed = seed
				_, c := start(t, tt.opts, llm.Config{Output: llm.OutputJSONObject})
				resp, err := ask(c, passage(t, "tcp.md"), 2)
				require.NoError(t, err)
				assert.Equal(t, tt.finish, resp.FinishReason)
				var a answer
				assert.Error(t, json.Unmarshal([]byte(resp.Content), &a), resp.Content)
			}
		})
	}
	t.Run("an answer over max_tokens is cut with length", func(t *testing.T) {
		_, c := start(t, llmsim.Options{}, llm.Config{MaxTokens: 10})
		resp, err := ask(c, passage(t, "tcp.md"), 2)
		require.NoError(t, err)
		assert.Equal(t, "length", resp.FinishReason)
		assert.Len(t, []rune(resp.Content), 40)
	})
}

func TestSameSeedSameAnswers(t *testing.T) {
	text := passage(t, "photosynthesis.txt")
	run := func(seed int64) []string {
		_, c := start(t, llmsim.Options{
			Seed: seed, Faults: map[policies.Class]float64{policies.RateLimit: 0.5},
		}, llm.Config{Output: llm.OutputJSONObject})
		var out []string
		for range 12 {
			resp, err := ask(c, text, 2)
			if err != nil {
				out = append(out, string(policies.ClassOf(err)))
				continue
			}
			out = append(out, resp.Content)
		}
		return out
	}

	first, again, other := run(3), run(3), run(4)

	assert.Equal(t, first, again)
	assert.NotEqual(t, first, other)
	assert.Contains(t, first, string(policies.RateLimit))
}

func TestRepairFollowUpsAreAnsweredFromTheEarlierPassage(t *testing.T) {
	_, c := start(t, llmsim.Options{Seed: 1}, llm.Config{Output: llm.OutputJSONObject})
	text := passage(t, "history.txt")
	first, err := ask(c, text, 2)
	require.NoError(t, err)

	repair, err := c.Complete(context.Background(), llm.Request{Messages: []llm.Message{
		{Role: "user", Content: userPrompt(text, 2)},
		{Role: "assistant", Content: `{"questions":[{"question":`},
		{Role: "user", Content: "That was not valid JSON. Answer again with JSON only."},
	}})

	require.NoError(t, err)
	assert.Equal(t, first.Content, repair.Content)
}

func TestContextTokensRefusesLongPassages(t *testing.T) {
	text := passage(t, "photosynthesis.txt")
	sentences := strings.SplitAfter(text, ". ")
	half := strings.Join(sentences[:2], "")
	sim, c := start(t, llmsim.Options{ContextTokens: len(text) / 8}, llm.Config{})

	_, err := ask(c, text, 1)
	assert.Equal(t, policies.ContentTooLong, policies.ClassOf(err), "%v", err)

	_, err = ask(c, half, 1)
	assert.NoError(t, err, "a passage half as long fits")
	assert.Equal(t, 1, sim.Stats().Faults[policies.ContentTooLong])
}

func TestAutoOutputFallsBackWhenSchemasAreRefused(t *testing.T) {
	sim, c := start(t, llmsim.Options{RejectSchema: true}, llm.Config{Output: llm.OutputAuto})
	text := passage(t, "tcp.md")

	for range 2 {
		resp, err := ask(c, text, 1)
		require.NoError(t, err)
		assert.Contains(t, resp.Content, "```json")
		checkQuestions(t, text, decode(t, resp.Content))
	}
	assert.Equal(t, 1, sim.Stats().Faults[policies.BadRequest], "refused once, then remembered")
}

func TestStatsCountRequestsFaultsTokensAndPassages(t *testing.T) {
	sim := llmsim.New(llmsim.Options{Seed: 2})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	c, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m", Output: llm.OutputText})
	require.NoError(t, err)

	files := []string{"photosynthesis.txt", "tcp.md", "history.txt"}
	for _, f := range files {
		_, err := ask(c, passage(t, f), 1)
		require.NoError(t, err)
	}
	_, err = ask(c, passage(t, "tcp.md"), 1)
	require.NoError(t, err)

	st := sim.Stats()
	assert.Equal(t, 4, st.Requests)
	assert.Equal(t, 4, st.Answered)
	assert.Positive(t, st.PromptTokens)
	assert.Positive(t, st.CompletionTokens)
	assert.Len(t, st.Passages, 3)
	assert.Equal(t, 2, st.Passages[llmsim.PassageHash(passage(t, "tcp.md"))])
	assert.Equal(t, 1, st.Passages[llmsim.PassageHash(passage(t, "history.txt"))])

	t.Run("the stats endpoint serves the same numbers", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/sim/stats")
		require.NoError(t, err)
		defer resp.Body.Close()
		var got llmsim.Stats
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
		assert.Equal(t, st, got)
	})
	t.Run("a copy does not change the server's numbers", func(t *testing.T) {
		st.Passages["x"] = 9
		assert.NotContains(t, sim.Stats().Passages, "x")
	})
}

func TestOtherEndpoints(t *testing.T) {
	srv := httptest.NewServer(llmsim.New(llmsim.Options{Model: "tiny"}))
	defer srv.Close()
	tests := []struct{ name, path, want string }{
		{"health says ok", "/healthz", "ok"},
		{"models lists the model", "/v1/models", `"id":"tiny"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Get(srv.URL + tt.path)
			require.NoError(t, err)
			defer resp.Body.Close()
			var b strings.Builder
			_, _ = io.Copy(&b, resp.Body)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, b.String(), tt.want)
		})
	}
}

func TestAPIKeyIsRequiredWhenSet(t *testing.T) {
	_, wrong := start(t, llmsim.Options{APIKey: "right"}, llm.Config{APIKey: "wrong"})
	_, err := ask(wrong, passage(t, "tcp.md"), 1)
	assert.Equal(t, policies.Auth, policies.ClassOf(err))

	_, right := start(t, llmsim.Options{APIKey: "right"}, llm.Config{APIKey: "right"})
	_, err = ask(right, passage(t, "tcp.md"), 1)
	assert.NoError(t, err)
}

package llmsim

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/graphrun/graphrun/policies"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func user(text string) chatMessage {
	raw, _ := json.Marshal(text)
	return chatMessage{Role: "user", Content: raw}
}

func TestReadPrompt(t *testing.T) {
	tests := []struct {
		name string
		msgs []chatMessage
		want prompt
	}{
		{"the passage and count come from the markers and the count line",
			[]chatMessage{user("questions: 3\n<passage>\nSome text.\n</passage>")},
			prompt{passage: "Some text.", count: 3}},
		{"the count defaults to one",
			[]chatMessage{user("<passage>\nSome text.\n</passage>")},
			prompt{passage: "Some text.", count: 1}},
		{"a huge count is capped",
			[]chatMessage{user("Questions: 900\n<passage>\nx\n</passage>")},
			prompt{passage: "x", count: maxQuestions}},
		{"a repair follow-up takes the passage from an earlier message",
			[]chatMessage{
				user("questions: 2\n<passage>\nFirst text.\n</passage>"),
				{Role: "assistant", Content: json.RawMessage(`"{broken"`)},
				user("Fix the JSON."),
			},
			prompt{passage: "First text.", count: 2}},
		{"markers inside a line do not count",
			[]chatMessage{user("see <passage> here </passage>")},
			prompt{passage: "see <passage> here </passage>", count: 1}},
		{"content given as parts is read",
			[]chatMessage{{Role: "user",
				Content: json.RawMessage(`[{"type":"text","text":"<passage>\nParts.\n</passage>"}]`)}},
			prompt{passage: "Parts.", count: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, readPrompt(tt.msgs))
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string // part of the error, or "" for none
	}{
		{"the zero value is fine", Options{}, ""},
		{"every injectable class is fine", Options{Faults: map[policies.Class]float64{
			policies.RateLimit: 0.1, policies.Timeout: 0.1, policies.InvalidResponse: 0.1}}, ""},
		{"a class that cannot be injected is named",
			Options{Faults: map[policies.Class]float64{policies.Storage: 0.1}}, `"storage"`},
		{"a rate above one is refused", Options{Truncate: 1.5}, "truncate rate"},
		{"rates adding up past one are refused",
			Options{Truncate: 0.6, Malformed: 0.6}, "add up"},
		{"a negative latency is refused", Options{Latency: -1}, "latency"},
		{"a negative context is refused", Options{ContextTokens: -1}, "context_tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrOptions)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseFaults(t *testing.T) {
	got, err := ParseFaults(" rate_limit=0.2, server_error=0.1,")
	require.NoError(t, err)
	want := map[policies.Class]float64{policies.RateLimit: 0.2, policies.ServerError: 0.1}
	assert.Equal(t, want, got)

	for _, bad := range []string{"rate_limit", "nope=0.1", "quota=x", "quota=2"} {
		t.Run("the list "+bad+" is refused", func(t *testing.T) {
			_, err := ParseFaults(bad)
			assert.ErrorIs(t, err, ErrOptions)
		})
	}
}

func TestEveryFaultClassHasAnAnswer(t *testing.T) {
	for _, c := range FaultClasses {
		if c == policies.InvalidResponse {
			continue
		}
		t.Run(string(c)+" has a canned answer", func(t *testing.T) {
			require.NotEmpty(t, faultVariants[c])
			for _, name := range faultVariants[c] {
				f, ok := faults[name]
				require.True(t, ok, name)
				assert.GreaterOrEqual(t, f.Status, 400)
			}
		})
	}
}

// checkShape fails t unless every question has four options distinct
// without regard to case and a valid answer index.
func checkShape(t *testing.T, qs []question) {
	for _, q := range qs {
		if len(q.Options) != 4 || q.AnswerIndex < 0 || q.AnswerIndex > 3 {
			t.Fatalf("bad shape: %+v", q)
		}
		seen := map[string]bool{}
		for _, o := range q.Options {
			k := strings.ToLower(o)
			if len([]rune(o)) < 2 || seen[k] {
				t.Fatalf("bad options: %q", q.Options)
			}
			seen[k] = true
		}
		if !strings.Contains(q.Question, blank) {
			t.Fatalf("no blank in %q", q.Question)
		}
	}
}

func FuzzWriteQuestions(f *testing.F) {
	f.Add("Photosynthesis turns light into chemical energy inside chloroplasts.", 2, uint64(1))
	f.Add("# Title\n- TCP sends segments.\n- UDP sends datagrams quickly.\n1. IP routes it.",
		3, uint64(9))
	f.Add("Around 1450 Gutenberg printed 180 bibles. By 1500 presses ran in 250 cities.",
		4, uint64(3))
	f.Fuzz(func(t *testing.T, passage string, n int, seed uint64) {
		n = 1 + (n%5+5)%5
		msgs := []chatMessage{user("questions: 3\n<passage>\n" + passage + "\n</passage>")}
		p := readPrompt(msgs)
		qs := writeQuestions(p.passage, n, rand.New(rand.NewPCG(seed, 1)))
		if len(qs) > n {
			t.Fatalf("%d questions for %d asked", len(qs), n)
		}
		checkShape(t, qs)
	})
}

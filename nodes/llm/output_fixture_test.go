package llm

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outputCase is one file of testdata/llm-output: a model answer sent with
// HTTP 200 and the verdict the question parser must reach on it.
type outputCase struct {
	Name         string `json:"-"`
	About        string `json:"about"`
	FinishReason string `json:"finish_reason"`
	Content      string `json:"content"`
	Want         struct {
		Verdict     string         `json:"verdict"`
		Questions   int            `json:"questions"`
		AnswerIndex []int          `json:"answer_index"`
		Options     []string       `json:"options"`
		Rejected    int            `json:"rejected"`
		Class       policies.Class `json:"class"`
	} `json:"want"`
}

const outputCases = "../../testdata/llm-output"

// loadOutputCases reads every case, in file name order.
func loadOutputCases(t testing.TB) []outputCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(outputCases, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, paths, "no cases in %s", outputCases)
	var cases []outputCase
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		require.NoError(t, err)
		var c outputCase
		require.NoError(t, json.Unmarshal(raw, &c), p)
		c.Name = strings.TrimSuffix(filepath.Base(p), ".json")
		cases = append(cases, c)
	}
	return cases
}

// TestRecordedAnswersThroughTheClient serves each recorded answer as the
// content of a chat completion, takes it through the real client as the
// question node does (schema asked, output mode auto) and gives what comes
// out to the parser, which must reach the recorded verdict.
func TestRecordedAnswersThroughTheClient(t *testing.T) {
	for _, c := range loadOutputCases(t) {
		t.Run(c.Name+" gets the recorded verdict over HTTP", func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(completion(c.Content, c.FinishReason)))
			}))
			defer srv.Close()
			client := newTestClient(t, Config{BaseURL: srv.URL + "/v1"})

			resp, err := client.Complete(context.Background(), Request{
				Messages: []Message{{Role: "user", Content: "write questions"}},
				Schema:   mcq.Schema(), SchemaName: "questions"})
			require.NoError(t, err, c.About)
			require.Equal(t, c.Content, resp.Content, "the content must arrive as sent")
			require.Equal(t, c.FinishReason, resp.FinishReason)

			batch, err := mcq.Parse(resp.Content, resp.FinishReason)
			switch c.Want.Verdict {
			case "accept":
				require.NoError(t, err, c.About)
				checkAcceptedBatch(t, c, batch)
			case "reject":
				require.Error(t, err, c.About)
				assert.Nil(t, batch)
				assert.Equal(t, c.Want.Class, policies.ClassOf(err))
			case "reject_or_repair":
				if err != nil {
					assert.Equal(t, c.Want.Class, policies.ClassOf(err))
					return
				}
				checkRepairedBatch(t, c, batch)
			default:
				t.Fatalf("unknown verdict %q", c.Want.Verdict)
			}
		})
	}
}

// checkAcceptedBatch checks the counts, answer indexes and options the
// case records, and that every kept question is valid and has its ID.
func checkAcceptedBatch(t *testing.T, c outputCase, b *mcq.Batch) {
	t.Helper()
	require.Len(t, b.Questions, c.Want.Questions, c.About)
	assert.Len(t, b.Rejected, c.Want.Rejected)
	if c.Want.AnswerIndex != nil {
		var got []int
		for _, q := range b.Questions {
			got = append(got, q.Answer)
		}
		assert.Equal(t, c.Want.AnswerIndex, got)
	}
	if c.Want.Options != nil {
		assert.Equal(t, c.Want.Options, b.Questions[0].Options)
	}
	for _, q := range b.Questions {
		assert.NoError(t, mcq.Validate(q, ""))
		assert.Equal(t, mcq.QuestionID(q), q.ID)
	}
}

// texCommand finds a LaTeX command in the raw content.
var texCommand = regexp.MustCompile(`\\([a-zA-Z]{2,})`)

// checkRepairedBatch checks that a repaired answer holds valid questions,
// no control character, and every LaTeX command of the content as text.
func checkRepairedBatch(t *testing.T, c outputCase, b *mcq.Batch) {
	t.Helper()
	require.NotEmpty(t, b.Questions, c.About)
	var text []string
	for _, q := range b.Questions {
		assert.NoError(t, mcq.Validate(q, ""))
		text = append(text, q.Stem, q.Explanation)
		text = append(text, q.Options...)
	}
	all := strings.Join(text, " ")
	assert.False(t, strings.ContainsFunc(all, unicode.IsControl), "control character in %q", all)
	for _, m := range texCommand.FindAllStringSubmatch(c.Content, -1) {
		assert.Contains(t, all, `\`+m[1])
	}
}

package mcq_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
)

// fixture is one recorded model answer under testdata/llm-output.
type fixture struct {
	About        string `json:"about"`
	FinishReason string `json:"finish_reason"`
	Content      string `json:"content"`
	Want         struct {
		Verdict     string   `json:"verdict"`
		Questions   int      `json:"questions"`
		AnswerIndex []int    `json:"answer_index"`
		Options     []string `json:"options"`
		Rejected    int      `json:"rejected"`
		Class       string   `json:"class"`
	} `json:"want"`
}

func loadFixtures(t testing.TB) map[string]fixture {
	t.Helper()
	paths, err := filepath.Glob("../../testdata/llm-output/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, paths, "no fixtures found")
	out := map[string]fixture{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		var f fixture
		require.NoError(t, json.Unmarshal(data, &f), p)
		out[strings.TrimSuffix(filepath.Base(p), ".json")] = f
	}
	return out
}

// latexCommand finds a LaTeX command as it appears in raw JSON text.
var latexCommand = regexp.MustCompile(`\\([a-zA-Z]{2,})`)

func TestParseRecordedAnswers(t *testing.T) {
	for name, f := range loadFixtures(t) {
		t.Run(name+" gets the recorded verdict", func(t *testing.T) {
			b, err := mcq.Parse(f.Content, f.FinishReason)
			checkVerdict(t, f, b, err)
		})
	}
}

// checkVerdict checks that parsing f's content gave b and err as f's
// verdict says.
func checkVerdict(t *testing.T, f fixture, b *mcq.Batch, err error) {
	t.Helper()
	switch f.Want.Verdict {
	case "accept":
		require.NoError(t, err, f.About)
		checkAccepted(t, f, b)
	case "reject":
		require.Error(t, err, f.About)
		assert.Nil(t, b)
		assert.Equal(t, policies.Class(f.Want.Class), policies.ClassOf(err))
	case "reject_or_repair":
		if err != nil {
			assert.Equal(t, policies.Class(f.Want.Class), policies.ClassOf(err))
			return
		}
		checkRepaired(t, f, b)
	default:
		t.Fatalf("unknown verdict %q", f.Want.Verdict)
	}
}

func checkAccepted(t *testing.T, f fixture, b *mcq.Batch) {
	t.Helper()
	require.Len(t, b.Questions, f.Want.Questions)
	assert.Len(t, b.Rejected, f.Want.Rejected)
	if f.Want.AnswerIndex != nil {
		got := make([]int, len(b.Questions))
		for i, q := range b.Questions {
			got[i] = q.Answer
		}
		assert.Equal(t, f.Want.AnswerIndex, got)
	}
	if f.Want.Options != nil {
		assert.Equal(t, f.Want.Options, b.Questions[0].Options)
	}
	for _, q := range b.Questions {
		assert.NoError(t, mcq.Validate(q, ""))
		assert.Equal(t, mcq.QuestionID(q), q.ID)
	}
}

// checkRepaired checks a repaired answer kept every LaTeX command as text
// and holds no control character.
func checkRepaired(t *testing.T, f fixture, b *mcq.Batch) {
	t.Helper()
	require.NotEmpty(t, b.Questions)
	var all strings.Builder
	for _, q := range b.Questions {
		assert.NoError(t, mcq.Validate(q, ""))
		all.WriteString(q.Stem + " " + strings.Join(q.Options, " ") + " " + q.Explanation)
	}
	assert.False(t, strings.ContainsFunc(all.String(), unicode.IsControl),
		"control character in %q", all.String())
	for _, m := range latexCommand.FindAllStringSubmatch(f.Content, -1) {
		assert.Contains(t, all.String(), `\`+m[1])
	}
}

package quiz_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/nodes/quiz"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// tricky loads questions full of characters that every format must escape.
func tricky(t *testing.T) []mcq.Question {
	t.Helper()
	data, err := os.ReadFile("testdata/tricky.json")
	require.NoError(t, err)
	var qs []mcq.Question
	require.NoError(t, json.Unmarshal(data, &qs))
	return qs
}

func export(t *testing.T, format string, qs []mcq.Question) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, quiz.Export(&buf, format, "Cells: part 1/2", qs))
	return buf.Bytes()
}

// unzip lists a zip's files with their contents, for golden comparison.
func unzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var out bytes.Buffer
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		body, err := io.ReadAll(rc)
		require.NoError(t, err)
		fmt.Fprintf(&out, "==> %s <==\n%s", f.Name, body)
	}
	return out.Bytes()
}

func TestExportMatchesGoldenFiles(t *testing.T) {
	qs := tricky(t)
	for _, format := range quiz.Formats() {
		t.Run("the "+format+" export matches its golden file", func(t *testing.T) {
			got := export(t, format, qs)
			if format == "qti" {
				got = unzip(t, got)
			}
			path := filepath.Join("testdata", "golden", format+".golden")
			if *update {
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test -update to create it")
			assert.Equal(t, string(want), string(got))
		})
	}
}

func TestExportIsDeterministic(t *testing.T) {
	qs := tricky(t)
	for _, format := range quiz.Formats() {
		t.Run("two "+format+" exports are byte for byte equal", func(t *testing.T) {
			assert.Equal(t, export(t, format, qs), export(t, format, qs))
		})
	}
}

func TestExportRefusesAnUnknownFormat(t *testing.T) {
	var buf bytes.Buffer
	err := quiz.Export(&buf, "docx", "q", nil)
	assert.ErrorIs(t, err, quiz.ErrUnknownFormat)
	assert.Contains(t, err.Error(), "gift, json, markdown, moodle, qti")
	assert.Zero(t, buf.Len())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestExportReportsAWriteFailure(t *testing.T) {
	err := quiz.Export(failingWriter{}, "json", "q", tricky(t))
	assert.ErrorContains(t, err, "export json: disk full")
}

// moodleDoc is what a reader of Moodle XML sees.
type moodleDoc struct {
	Questions []struct {
		Type     string `xml:"type,attr"`
		Category string `xml:"category>text"`
		Text     string `xml:"questiontext>text"`
		IDNumber string `xml:"idnumber"`
		Answers  []struct {
			Fraction string `xml:"fraction,attr"`
			Text     string `xml:"text"`
		} `xml:"answer"`
	} `xml:"question"`
}

func TestMoodleXMLParsesBack(t *testing.T) {
	qs := tricky(t)
	var doc moodleDoc
	require.NoError(t, xml.Unmarshal(export(t, "moodle", qs), &doc))
	require.Len(t, doc.Questions, len(qs)+1)
	assert.Equal(t, "category", doc.Questions[0].Type)
	assert.Equal(t, "$course$/top/Cells: part 1//2", doc.Questions[0].Category)
	for i, q := range qs {
		got := doc.Questions[i+1]
		t.Run(fmt.Sprintf("question %d keeps its text and answer", i+1), func(t *testing.T) {
			assert.Equal(t, "multichoice", got.Type)
			assert.Equal(t, mcq.QuestionID(q), got.IDNumber)
			assert.Equal(t, htmlEscape(q.Stem), got.Text)
			require.Len(t, got.Answers, len(q.Options))
			for j, a := range got.Answers {
				assert.Equal(t, htmlEscape(q.Options[j]), a.Text)
				assert.Equal(t, j == q.Answer, a.Fraction == "100")
			}
		})
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func TestQTIPackageParses(t *testing.T) {
	data := export(t, "qti", tricky(t))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Len(t, zr.File, 2)
	assert.Equal(t, "imsmanifest.xml", zr.File[0].Name)
	for _, f := range zr.File {
		assert.Equal(t, 2000, f.Modified.Year(), "%s carries a valid date", f.Name)
		t.Run(f.Name+" is well-formed XML", func(t *testing.T) {
			rc, err := f.Open()
			require.NoError(t, err)
			defer rc.Close()
			dec := xml.NewDecoder(rc)
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
			}
		})
	}
}

// giftUnescape reads GIFT text back: a backslash makes the next character
// literal.
func giftUnescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unescapedSpecial reports whether s holds a GIFT special character with
// no backslash before it.
func unescapedSpecial(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '~', '=', '#', '{', '}', ':':
			return true
		}
	}
	return false
}

func TestGIFTEscapesSpecialCharacters(t *testing.T) {
	tests := []string{
		"{x : x = 2k}", "a ~ b", "C# and F#", "key: value", `back\slash`, `\{`,
		"=start", "~start", "::name::", "####", `\\~`,
	}
	for _, text := range tests {
		t.Run(fmt.Sprintf("the option %q survives", text), func(t *testing.T) {
			q := mcq.Question{
				Stem:    "Which text is tricky to escape here?",
				Options: []string{text, "plain one", "plain two", "plain three"},
				Answer:  1,
			}
			out := string(export(t, "gift", []mcq.Question{q}))
			var line string
			for l := range strings.Lines(out) {
				if strings.HasPrefix(l, "\t~") && !strings.Contains(l, "plain") {
					line = strings.TrimSuffix(strings.TrimPrefix(l, "\t~"), "\n")
				}
			}
			require.NotEmpty(t, line, out)
			assert.False(t, unescapedSpecial(line), "unescaped special in %q", line)
			assert.Equal(t, text, giftUnescape(line))
		})
	}
}

func TestMarkdownShowsEachQuestionAsABlock(t *testing.T) {
	out := string(export(t, "markdown", tricky(t)))
	assert.Contains(t, out, "\n## Question 1\n\nWhich organelle makes most of a cell's ATP?\n")
	assert.Contains(t, out, "- **A.** Mitochondrion\n")
	assert.Contains(t, out, "**Answer:** A. Mitochondrion")
	assert.Contains(t, out, "**Source:** llm primary/gpt-4o-mini, cells.md, chunk cells.md\\#2")
	assert.Contains(t, out, "\n1\\. What is \\\\frac{1}{2} of 4, written \\*in\\* \\`code\\`")
}

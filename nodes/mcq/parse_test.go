package mcq_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
)

// good is a valid question object in the requested shape.
const good = `{"question": "Which organelle makes most of a cell's ATP?", ` +
	`"options": ["Mitochondrion", "Ribosome", "Golgi apparatus", "Lysosome"], ` +
	`"answer_index": 0, "explanation": "The passage says so."}`

// item builds a question object with the given options and answer fields.
func item(opts, answer string) string {
	return `{"question": "Which organelle makes most of a cell's ATP?", ` +
		`"options": ` + opts + `, ` + answer + `}`
}

const fourOpts = `["Ribosome", "Mitochondrion", "Golgi apparatus", "Lysosome"]`

func TestParseTakesTheJSONOutOfItsWrapping(t *testing.T) {
	tests := []struct {
		name    string
		content string
	}{
		{"a fence with an upper-case language tag", "```JSON\n" + good + "\n```"},
		{"a fence with no language tag", "```\n" + good + "\n```"},
		{"a tilde fence", "~~~json\n" + good + "\n~~~"},
		{"prose with braces before the JSON", "Output {in json}:\n" + good},
		{"a bracketed note before the JSON", "Questions [1 of 1]:\n" + good},
		{"a second JSON value after the first", good + "\n" + `{"questions": []}`},
		{"a think block holding braces", "<think>maybe {\"questions\": []}</think>" + good},
		{"a thinking block in capitals", "<THINKING>\nhmm\n</THINKING>\n" + good},
		{"a reasoning block", "<reasoning>x</reasoning>" + good},
		{"a closing think tag alone", "the passage is about cells\n</think>\n" + good},
		{"a harmony final channel", "<|channel|>analysis<|message|>{x}<|end|>" +
			"<|start|>assistant<|channel|>final<|message|>" + good},
		{"a byte order mark", "\ufeff" + good},
		{"a bare array", "[" + good + "]"},
		{"a single question object", good},
		{"a wrapper with another name", `{"quiz": [` + good + `]}`},
		{"the questions key in capitals", `{"Questions": [` + good + `]}`},
		{"choices and stem as field names", `{"stem": "Which organelle makes ATP?", ` +
			`"choices": ["Mitochondrion", "Ribosome", "Golgi apparatus", "Lysosome"], ` +
			`"correct_answer": "Mitochondrion"}`},
		{"a raw line break inside a string", strings.Replace(good, "makes most", "makes\nmost", 1)},
	}
	for _, tt := range tests {
		t.Run("it reads "+tt.name, func(t *testing.T) {
			b, err := mcq.Parse(tt.content, "stop")
			require.NoError(t, err)
			require.Len(t, b.Questions, 1)
			assert.Equal(t, 0, b.Questions[0].Answer)
			assert.Equal(t, "Mitochondrion", b.Questions[0].Options[0])
		})
	}
}

func TestParseMapsAnswerKeys(t *testing.T) {
	tests := []struct {
		name   string
		answer string
		want   int
	}{
		{"a 0-based index", `"answer_index": 1`, 1},
		{"a whole number written as a float", `"answer_index": 1.0`, 1},
		{"a quoted index under an index key", `"answer_index": "1"`, 1},
		{"an upper-case letter", `"answer": "B"`, 1},
		{"a lower-case letter", `"answer": "b"`, 1},
		{"a letter in parentheses", `"answer": "(B)"`, 1},
		{"a letter with a parenthesis", `"answer": "B)"`, 1},
		{"a letter with a full stop", `"answer": "B."`, 1},
		{"option and a letter", `"answer": "Option B"`, 1},
		{"a letter followed by the option text", `"answer": "B. Mitochondrion"`, 1},
		{"the option text in another case", `"answer": "  mitochondrion "`, 1},
		{"an index and agreeing text", `"answer_index": 1, "answer": "Mitochondrion"`, 1},
	}
	for _, tt := range tests {
		t.Run("it maps "+tt.name, func(t *testing.T) {
			b, err := mcq.Parse(item(fourOpts, tt.answer), "stop")
			require.NoError(t, err)
			assert.Equal(t, tt.want, b.Questions[0].Answer)
		})
	}
}

func TestParseRefusesAnswerKeysItCannotMapSafely(t *testing.T) {
	numeric := `["2", "1", "4", "8"]`
	tests := []struct {
		name, opts, answer, reason string
	}{
		{"a negative index", fourOpts, `"answer_index": -1`, "out of range"},
		{"an index past the end", fourOpts, `"answer_index": 4`, "out of range"},
		{"a huge index", fourOpts, `"answer_index": 99999999999`, "out of range"},
		{"a fractional index", fourOpts, `"answer_index": 1.5`, "whole number"},
		{"a letter past the options", fourOpts, `"answer": "E"`, "out of range"},
		{"text that is no option", fourOpts, `"answer": "Nucleus"`, "not one of"},
		{"a list of answers", fourOpts, `"answer": [0, 1]`, "one index"},
		{"a boolean", fourOpts, `"answer": true`, "one index"},
		{"no answer at all", fourOpts, `"explanation": "x"`, "no \"answer_index\""},
		{"a number that is also another option's text", numeric, `"answer": 2`, "both"},
		{"a letter that is also another option's text", `["O", "A", "B", "AB"]`,
			`"answer": "B"`, "both"},
		{"disagreeing answer fields", fourOpts,
			`"answer_index": 0, "answer": "Mitochondrion"`, "disagree"},
	}
	for _, tt := range tests {
		t.Run("it refuses "+tt.name, func(t *testing.T) {
			_, err := mcq.Parse(item(tt.opts, tt.answer), "stop")
			require.Error(t, err)
			assert.Equal(t, policies.InvalidResponse, policies.ClassOf(err))
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

func TestParseStripsLabelsOnlyWhenEveryOptionHasThem(t *testing.T) {
	plain := []string{"Mitochondrion", "Ribosome", "Golgi apparatus", "Lysosome"}
	tests := []struct {
		name string
		opts string
		want []string
	}{
		{"upper-case letters with full stops",
			`["A. Mitochondrion", "B. Ribosome", "C. Golgi apparatus", "D. Lysosome"]`, plain},
		{"lower-case letters with parentheses",
			`["a) Mitochondrion", "b) Ribosome", "c) Golgi apparatus", "d) Lysosome"]`, plain},
		{"letters in parentheses",
			`["(A) Mitochondrion", "(B) Ribosome", "(C) Golgi apparatus", "(D) Lysosome"]`, plain},
		{"numbers", `["1. Mitochondrion", "2. Ribosome", "3. Golgi apparatus", "4. Lysosome"]`,
			plain},
		{"letters out of order are content",
			`["A. Mitochondrion", "C. Ribosome", "B. Golgi apparatus", "D. Lysosome"]`,
			[]string{"A. Mitochondrion", "C. Ribosome", "B. Golgi apparatus", "D. Lysosome"}},
		{"mixed schemes are content",
			`["A. Mitochondrion", "b) Ribosome", "C. Golgi apparatus", "D. Lysosome"]`,
			[]string{"A. Mitochondrion", "b) Ribosome", "C. Golgi apparatus", "D. Lysosome"}},
		{"a label on some options only is content",
			`["A. Mitochondrion", "Ribosome", "Golgi apparatus", "Lysosome"]`,
			[]string{"A. Mitochondrion", "Ribosome", "Golgi apparatus", "Lysosome"}},
		{"letters without a space are content", `["A.B", "B.C", "C.D", "D.E"]`,
			[]string{"A.B", "B.C", "C.D", "D.E"}},
		{"an object keyed by letters",
			`{"B": "Ribosome", "A": "Mitochondrion", "D": "Lysosome", "C": "Golgi apparatus"}`,
			plain},
	}
	for _, tt := range tests {
		t.Run("it handles "+tt.name, func(t *testing.T) {
			b, err := mcq.Parse(item(tt.opts, `"answer_index": 0`), "stop")
			require.NoError(t, err)
			assert.Equal(t, tt.want, b.Questions[0].Options)
		})
	}
}

func TestParseRepairsLaTeXBackslashes(t *testing.T) {
	tests := []struct {
		name, stem, want string
	}{
		{"a fraction", `What is \frac{1}{2} of 4?`, `What is \frac{1}{2} of 4?`},
		{"a theta", `What is \theta when x is 4?`, `What is \theta when x is 4?`},
		{"a nabla", `What does \nabla f mean here?`, `What does \nabla f mean here?`},
		{"a beta and a rho", `Is \beta larger than \rho here?`, `Is \beta larger than \rho here?`},
		{"a square root", `What is \sqrt{16} in this case?`, `What is \sqrt{16} in this case?`},
		{"inline math delimiters", `What is \(x^2\) at three?`, `What is \(x^2\) at three?`},
		{"an escaped backslash", `What is \\frac{1}{2} of 4?`, `What is \frac{1}{2} of 4?`},
		{"a real line break", `What is half\nof four in total?`, `What is half of four in total?`},
		{"a unicode escape", `What is \u00bd of four?`, `What is ½ of four?`},
	}
	for _, tt := range tests {
		t.Run("it keeps "+tt.name, func(t *testing.T) {
			content := `{"question": "` + tt.stem + `", "options": ["2", "1", "4", "8"], ` +
				`"answer_index": 0}`
			b, err := mcq.Parse(content, "stop")
			require.NoError(t, err)
			assert.Equal(t, tt.want, b.Questions[0].Stem)
		})
	}
}

func TestParseRefusesFaultyAnswers(t *testing.T) {
	five := `["Paris", "Lyon", "Nice", "Lille", "Metz"]`
	tests := []struct {
		name, content, finish string
		class                 policies.Class
		repairable            bool
	}{
		{"an empty answer", "", "stop", policies.InvalidResponse, true},
		{"a blank answer", " \n\t ", "stop", policies.InvalidResponse, true},
		{"prose only", "I cannot help with that.", "stop", policies.InvalidResponse, true},
		{"a null", "null", "stop", policies.InvalidResponse, true},
		{"an empty list", `{"questions": []}`, "stop", policies.InvalidResponse, true},
		{"an array of strings", `["a", "b"]`, "stop", policies.InvalidResponse, true},
		{"an unclosed think block", "<think>" + good, "stop", policies.InvalidResponse, true},
		{"an elided item", `{"questions": [` + good + `, ...]}`, "stop",
			policies.InvalidResponse, true},
		{"an elided field", `{"question": "Which organelle makes ATP?", ...}`, "stop",
			policies.InvalidResponse, true},
		{"an elided option", item(`["Mitochondrion", ...]`, `"answer_index": 0`), "stop",
			policies.InvalidResponse, true},
		{"an unclosed value", `{"questions": [` + good, "stop", policies.InvalidResponse, true},
		{"mismatched brackets", `{"questions": [` + good + `}]`, "stop",
			policies.InvalidResponse, true},
		{"a complete answer cut at the token limit", good, "length",
			policies.InvalidResponse, false},
		{"a truncated answer", `{"questions": [{"question": "Wh`, "length",
			policies.InvalidResponse, false},
		{"a filtered answer", good, "content_filter", policies.ContentFilter, false},
		{"five options", item(five, `"answer_index": 0`), "stop", policies.InvalidResponse, true},
		{"three options", item(`["Paris", "Lyon", "Nice"]`, `"answer_index": 0`), "stop",
			policies.InvalidResponse, true},
		{"a form feed from an unknown command", `{"question": "What is \fxyz at four?", ` +
			`"options": ["2", "1", "4", "8"], "answer_index": 0}`, "stop",
			policies.InvalidResponse, true},
		{"a backspace escape", `{"question": "What is\b the value at four?", ` +
			`"options": ["2", "1", "4", "8"], "answer_index": 0}`, "stop",
			policies.InvalidResponse, true},
		{"a control character in an option", `{"question": "What is the value at four?", ` +
			`"options": ["2\u0000", "1", "4", "8"], "answer_index": 0}`, "stop",
			policies.InvalidResponse, true},
	}
	for _, tt := range tests {
		t.Run("it refuses "+tt.name, func(t *testing.T) {
			b, err := mcq.Parse(tt.content, tt.finish)
			require.Error(t, err)
			assert.Nil(t, b)
			assert.Equal(t, tt.class, policies.ClassOf(err))
			var pe *mcq.ParseError
			if tt.class == policies.InvalidResponse {
				require.True(t, errors.As(err, &pe))
				assert.Equal(t, tt.repairable, pe.Repairable)
			}
		})
	}
}

func TestParseKeepsTheValidPartOfABatch(t *testing.T) {
	bad := item(`["Paris", "paris", "Nice", "Lille"]`, `"answer_index": 0`)
	notObject := `"just a string"`
	content := fmt.Sprintf(`{"questions": [%s, %s, %s]}`, bad, good, notObject)

	b, err := mcq.Parse(content, "stop")
	require.NoError(t, err)
	require.Len(t, b.Questions, 1)
	require.Len(t, b.Rejected, 2)
	assert.Equal(t, 0, b.Rejected[0].Index)
	assert.Contains(t, b.Rejected[0].Reason, "duplicate option")
	assert.Equal(t, "Which organelle makes most of a cell's ATP?", b.Rejected[0].Question)
	assert.Equal(t, 2, b.Rejected[1].Index)
	assert.Contains(t, b.Rejected[1].Reason, "not a JSON object")
}

func TestParseErrorListsTheRejections(t *testing.T) {
	content := `[` + item(`["a", "b", "c", "All of the above"]`, `"answer_index": 3`) + `]`
	_, err := mcq.Parse(content, "stop")
	var pe *mcq.ParseError
	require.True(t, errors.As(err, &pe))
	require.Len(t, pe.Rejected, 1)
	assert.True(t, pe.Repairable)
	assert.Contains(t, err.Error(), "question 1: option 4")
	assert.Contains(t, mcq.RepairPrompt(pe.Rejected), "catch-all option")
}

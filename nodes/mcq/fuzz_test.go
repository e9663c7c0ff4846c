package mcq_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
)

// FuzzParse checks that Parse never panics, that every error it returns is
// classified, and that every question it accepts passes the structural
// rules and holds no control character.
func FuzzParse(f *testing.F) {
	for _, fx := range loadFixtures(f) {
		f.Add(fx.Content, fx.FinishReason)
	}
	f.Add("```json\n["+good+"]\n```", "stop")
	f.Add(`{"question": "What is \frac{1}{2} of \alpha?", "options": ["1","2","3","4"], `+
		`"answer": "(A)"}`, "stop")
	f.Add(`<think>{</think>{"questions": [{"question": "\"]}\\", "options": {"A": "x"}}]}`,
		"stop")

	f.Fuzz(func(t *testing.T, content, finish string) {
		b, err := mcq.Parse(content, finish)
		if err != nil {
			if b != nil {
				t.Fatalf("batch %v returned with error %v", b, err)
			}
			var pe *mcq.ParseError
			if c := policies.ClassOf(err); c == policies.InvalidResponse && !errors.As(err, &pe) {
				t.Fatalf("invalid_response without a ParseError: %v", err)
			}
			return
		}
		if len(b.Questions) == 0 {
			t.Fatal("no error and no question")
		}
		for _, q := range b.Questions {
			if err := mcq.Validate(q, ""); err != nil {
				t.Fatalf("accepted question fails validation: %v: %+v", err, q)
			}
			all := q.Stem + strings.Join(q.Options, "") + q.Explanation
			if strings.ContainsFunc(all, unicode.IsControl) {
				t.Fatalf("control character in accepted question %+v", q)
			}
			if q.ID != mcq.QuestionID(q) {
				t.Fatalf("ID %q is not QuestionID", q.ID)
			}
		}
	})
}

package mcq

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/graphrun/graphrun/policies"
)

// Batch is what [Parse] takes from one model answer.
type Batch struct {
	// Questions holds the questions that passed every structural check,
	// in the model's order, each with its ID set.
	Questions []Question
	// Rejected lists the questions that were dropped, and why.
	Rejected []Rejection
}

// Rejection says why one question of an answer was dropped.
type Rejection struct {
	// Index is the question's 0-based position in the answer, or -1 when
	// the fault concerns the answer as a whole.
	Index int `json:"index"`
	// Reason says what is wrong, in lowercase.
	Reason string `json:"reason"`
	// Question is the start of the question's stem, when it has one.
	Question string `json:"question,omitempty"`
}

// stemPreview is how many runes of a stem a [Rejection] keeps.
const stemPreview = 80

// Parse reads a model's answer to [Prompt]: the message content and the
// completion's finish reason. It takes the first complete JSON value out
// of fences, prose and reasoning blocks, accepts a {"questions": [...]}
// object, a bare array or a single question, maps letter and text answer
// keys to indexes, strips list markers from options and checks every
// question with [Validate] (without a passage).
//
// When at least one question is valid, Parse returns them with the
// rejections and a nil error. Otherwise it returns an error of class
// policies.InvalidResponse whose cause is a [*ParseError]. An answer cut
// off at the token limit (finish reason "length") is always refused, even
// when its JSON happens to be complete, and is marked not repairable.
func Parse(content, finishReason string) (*Batch, error) {
	switch finishReason {
	case "length":
		return nil, fail(false, "answer cut off at the token limit; "+
			"raise max_tokens or ask for fewer questions", nil)
	case "content_filter":
		return nil, policies.Errorf(policies.ContentFilter,
			"answer withheld by the content filter")
	}
	items, err := decodeItems(content)
	if err != nil {
		return nil, fail(true, err.Error(), []Rejection{{Index: -1, Reason: err.Error()}})
	}

	b := &Batch{}
	for i, item := range items {
		q, err := itemQuestion(item)
		if err != nil {
			b.Rejected = append(b.Rejected, Rejection{
				Index: i, Reason: err.Error(), Question: truncate(q.Stem, stemPreview),
			})
			continue
		}
		q.ID = QuestionID(q)
		b.Questions = append(b.Questions, q)
	}
	if len(b.Questions) == 0 {
		return nil, fail(true, "no valid question in the answer", b.Rejected)
	}
	return b, nil
}

func fail(repairable bool, reason string, rejected []Rejection) error {
	return policies.New(policies.InvalidResponse, &ParseError{
		Reason: reason, Rejected: rejected, Repairable: repairable,
	})
}

// itemQuestion reads and checks one item of the answer.
func itemQuestion(item any) (Question, error) {
	m, ok := item.(map[string]any)
	if !ok {
		return Question{}, errors.New("not a JSON object")
	}
	q, err := toQuestion(m)
	if err != nil {
		return q, err
	}
	return q, Validate(q, "")
}

// decodeItems finds the JSON value in content and returns its questions,
// still undecoded into [Question].
func decodeItems(content string) ([]any, error) {
	s := strings.TrimSpace(strings.TrimPrefix(content, "\ufeff"))
	if s == "" {
		return nil, errors.New("empty answer")
	}
	s, err := stripReasoning(s)
	if err != nil {
		return nil, err
	}
	span, err := firstJSON(s)
	if err != nil {
		return nil, err
	}

	dec := json.NewDecoder(strings.NewReader(repairEscapes(span)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: text after the value")
	}

	items := questionList(v)
	if items == nil {
		return nil, errors.New(`the JSON holds no questions; ` +
			`want {"questions": [...]}`)
	}
	return items, nil
}

// questionList finds the list of questions in a decoded answer: the
// "questions" field of an object, a bare array, a single question object,
// or the only field of an object when it is an array. It returns nil when
// there is none or the list is empty.
func questionList(v any) []any {
	var items []any
	switch v := v.(type) {
	case []any:
		items = v
	case map[string]any:
		items = fieldList(v)
	}
	if len(items) == 0 {
		return nil
	}
	return items
}

func fieldList(m map[string]any) []any {
	for k, f := range m {
		if strings.EqualFold(k, "questions") {
			list, _ := f.([]any)
			return list
		}
	}
	for k := range m {
		for _, sk := range stemKeys {
			if strings.EqualFold(k, sk) {
				return []any{m}
			}
		}
	}
	if len(m) == 1 {
		for _, f := range m {
			list, _ := f.([]any)
			return list
		}
	}
	return nil
}

package mcq

import (
	"errors"
	"fmt"
)

// The reasons a question fails [Validate]. Validate wraps them with the
// option or field at fault; match them with [errors.Is].
var (
	// ErrEmptyStem means the question text is missing or blank.
	ErrEmptyStem = errors.New("empty question")
	// ErrShortStem means the question has fewer than [MinStemWords] words.
	ErrShortStem = errors.New("question too short")
	// ErrOptionCount means the question does not have exactly
	// [OptionCount] options.
	ErrOptionCount = errors.New("wrong number of options")
	// ErrEmptyOption means an option is blank.
	ErrEmptyOption = errors.New("empty option")
	// ErrDuplicateOption means two options are equal after trimming and
	// case folding.
	ErrDuplicateOption = errors.New("duplicate option")
	// ErrCatchAllOption means an option such as "all of the above" that
	// refers to the other options instead of standing alone.
	ErrCatchAllOption = errors.New("catch-all option")
	// ErrPlaceholderOptions means an option holds a slot instead of an
	// answer, like "Option 1", "TBD" or "...".
	ErrPlaceholderOptions = errors.New("placeholder options")
	// ErrAnswerRange means the answer index is not the index of an option.
	ErrAnswerRange = errors.New("answer index out of range")
	// ErrControlChar means a text field holds a control character, which
	// usually comes from a LaTeX backslash read as a JSON escape.
	ErrControlChar = errors.New("control character in text")
	// ErrNotGrounded means the question and its answer share too few words
	// with the passage it should be about.
	ErrNotGrounded = errors.New("question not grounded in the passage")
)

// ParseError is the cause inside the invalid_response error that [Parse]
// returns when it can take no valid question from an answer. It carries
// what a repair prompt needs.
type ParseError struct {
	// Reason says in lowercase what is wrong with the answer as a whole.
	Reason string
	// Rejected lists the faults to send back with [RepairPrompt]: one per
	// rejected question, or a single entry with Index -1 when the answer
	// as a whole could not be read.
	Rejected []Rejection
	// Repairable is false when a repair prompt cannot help, as for an
	// answer cut off at the token limit: the caller should retry or fall
	// back instead.
	Repairable bool
}

// Error returns the reason followed by the first few rejections.
func (e *ParseError) Error() string {
	msg := e.Reason
	for i, r := range e.Rejected {
		if i == 3 {
			msg += fmt.Sprintf("; and %d more", len(e.Rejected)-i)
			break
		}
		if r.Index >= 0 {
			msg += fmt.Sprintf("; question %d: %s", r.Index+1, r.Reason)
		}
	}
	return msg
}

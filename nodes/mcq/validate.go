package mcq

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// OptionCount is the number of options every question must have.
const OptionCount = 4

// A stem is too short when it has fewer than MinStemWords words and fewer
// than MinStemLetters letters, as "Which one?" has. The letter count lets
// through stems in scripts written without spaces.
const (
	MinStemWords   = 3
	MinStemLetters = 10
)

// Validate checks one question and returns every fault it finds, each
// wrapping one of the Err values of this package, or nil.
//
// The structural rules: a stem that is not too short; exactly
// [OptionCount] options, none blank, none equal to another after trimming
// and case folding, none a catch-all such as "all of the above" or "both A
// and B", none a placeholder such as "Option 1"; an answer index that
// names an option; no control character (line breaks included) in the
// stem, the options or the explanation.
//
// When passage is not empty, Validate also checks the question is
// grounded in it; see [Grounded]. An empty passage skips that check.
// The errors are not classified: a caller that fails a node on them
// should wrap them with policies.New(policies.InvalidResponse, err).
func Validate(q Question, passage string) error {
	var errs problems
	errs.add(checkStem(q.Stem))
	errs.add(checkOptions(q.Options))
	if q.Answer < 0 || q.Answer >= len(q.Options) {
		errs.add(fmt.Errorf("answer index %d with %d options: %w",
			q.Answer, len(q.Options), ErrAnswerRange))
	}
	if hasControl(q.Explanation) {
		errs.add(fmt.Errorf("explanation: %w", ErrControlChar))
	}
	if passage != "" && len(errs) == 0 && !Grounded(q, passage) {
		errs.add(ErrNotGrounded)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func checkStem(stem string) error {
	if strings.TrimSpace(stem) == "" {
		return ErrEmptyStem
	}
	if hasControl(stem) {
		return fmt.Errorf("question: %w", ErrControlChar)
	}
	if len(words(stem)) < MinStemWords && letters(stem) < MinStemLetters {
		return fmt.Errorf("%q: %w; ask a full question", truncate(stem, 40), ErrShortStem)
	}
	return nil
}

func checkOptions(opts []string) error {
	var errs problems
	if len(opts) != OptionCount {
		errs.add(fmt.Errorf("%d options, want %d: %w", len(opts), OptionCount, ErrOptionCount))
	}
	seen := map[string]int{}
	for i, o := range opts {
		n := i + 1
		switch f := foldText(o); {
		case f == "":
			errs.add(fmt.Errorf("option %d: %w", n, ErrEmptyOption))
		case hasControl(o):
			errs.add(fmt.Errorf("option %d: %w", n, ErrControlChar))
		case catchAll(o):
			errs.add(fmt.Errorf("option %d %q: %w", n, truncate(o, 40), ErrCatchAllOption))
		case placeholder(o):
			errs.add(fmt.Errorf("option %d %q: %w", n, truncate(o, 40), ErrPlaceholderOptions))
		case seen[f] > 0:
			errs.add(fmt.Errorf("options %d and %d %q: %w", seen[f], n, truncate(o, 40),
				ErrDuplicateOption))
		default:
			seen[f] = n
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// catchAllPhrases are options that refer to the other options as a whole.
var catchAllPhrases = toSet(strings.NewReplacer(" ", "_", "\n", " ").Replace(`all of the above
none of the above
all the above
none of the above answers
any of the above
both of the above
neither of the above
all of these
none of these
all of them
none of them
all of those
none of those
all of the options
none of the options
all of the answers
none of the answers
all of the other options
none of the other options
all options are correct
all are correct
none are correct
all answers are correct
no correct answer
both
neither`))

// catchAllRefs match options such as "both A and B", "A and C",
// "neither 1 nor 2" or "A, B and C only" after [words] has dropped the
// punctuation.
var catchAllRefs = []*regexp.Regexp{
	regexp.MustCompile(`^(both |neither |only )?((option|answer|choice)s? )?` +
		`[a-d]( [a-d])* (and|or|nor) ((option|answer|choice) )?[a-d]( only)?$`),
	regexp.MustCompile(`^(both|neither) ((option|answer|choice)s? )?` +
		`[1-4] (and|nor) ((option|answer|choice) )?[1-4]$`),
}

func catchAll(o string) bool {
	w := strings.Join(words(o), " ")
	if catchAllPhrases[strings.ReplaceAll(w, " ", "_")] {
		return true
	}
	for _, re := range catchAllRefs {
		if re.MatchString(w) {
			return true
		}
	}
	return false
}

// placeholderRe matches options that hold a slot, not an answer.
var placeholderRe = regexp.MustCompile(
	`^((option|choice|answer|alternative|distractor) ?[a-d1-4]|tbd|n a|placeholder|lorem ipsum.*)$`)

func placeholder(o string) bool {
	if strings.Trim(o, ".… ") == "" {
		return true
	}
	return placeholderRe.MatchString(strings.Join(words(o), " "))
}

// problems joins several faults into one error that [errors.Is] can
// search.
type problems []error

func (p *problems) add(err error) {
	if err != nil {
		*p = append(*p, err)
	}
}

func (p problems) Error() string {
	msgs := make([]string, len(p))
	for i, err := range p {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (p problems) Unwrap() []error { return p }

package mcq

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// Two stems whose key-word sets have a Jaccard similarity of at least
// DuplicateStem are near-duplicates; so are two with the same correct
// answer and a similarity of at least DuplicateStemSameAnswer.
const (
	DuplicateStem           = 0.7
	DuplicateStemSameAnswer = 0.5
)

// QuestionID returns a stable identifier for q: a hash of its stem and its
// sorted options, compared after trimming, collapsing spaces and folding
// case. Shuffling the options or changing the answer's explanation or
// source keeps the ID.
func QuestionID(q Question) string {
	opts := make([]string, len(q.Options))
	for i, o := range q.Options {
		opts[i] = foldText(o)
	}
	slices.Sort(opts)
	h := sha256.New()
	h.Write([]byte(foldText(q.Stem)))
	h.Write([]byte{0})
	h.Write([]byte(strings.Join(opts, "\x1f")))
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// NearDuplicate reports whether a and b ask the same thing: the same ID,
// or stems whose key words (as in [Grounded]) overlap by the Jaccard
// thresholds [DuplicateStem] and [DuplicateStemSameAnswer].
func NearDuplicate(a, b Question) bool {
	if QuestionID(a) == QuestionID(b) {
		return true
	}
	wa, wb := contentWords(a.Stem), contentWords(b.Stem)
	if len(wa) == 0 || len(wb) == 0 {
		return foldText(a.Stem) == foldText(b.Stem)
	}
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	j := float64(inter) / float64(len(wa)+len(wb)-inter)
	if j >= DuplicateStem {
		return true
	}
	return j >= DuplicateStemSameAnswer && answerText(a) != "" && answerText(a) == answerText(b)
}

func answerText(q Question) string {
	if q.Answer < 0 || q.Answer >= len(q.Options) {
		return ""
	}
	return foldText(q.Options[q.Answer])
}

// Dedupe keeps the first of every group of near-duplicates, in order, and
// returns the others as dropped.
func Dedupe(qs []Question) (kept, dropped []Question) {
	for _, q := range qs {
		dup := slices.ContainsFunc(kept, func(k Question) bool { return NearDuplicate(k, q) })
		if dup {
			dropped = append(dropped, q)
		} else {
			kept = append(kept, q)
		}
	}
	return kept, dropped
}

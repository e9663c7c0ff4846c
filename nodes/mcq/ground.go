package mcq

// Grounded reports whether q is about passage: whether enough of the key
// words of its stem and its correct answer appear in the passage.
//
// Key words are the words of the stem and the correct option that are not
// stop words, cut to their first six letters so that "organelles" meets
// "organelle". The question is grounded when at least a quarter of them
// appear among the passage's words, and at least two when there are four
// or more. A question with no key words (all numbers of one digit, say)
// cannot be judged and counts as grounded. The rule is lenient on purpose:
// a good question rephrases the passage; an unrelated one shares at most
// a stray word with it.
func Grounded(q Question, passage string) bool {
	key := q.Stem
	if q.Answer >= 0 && q.Answer < len(q.Options) {
		key += " " + q.Options[q.Answer]
	}
	want := contentWords(key)
	if len(want) == 0 {
		return true
	}
	have := contentWords(passage)
	hits := 0
	for w := range want {
		if have[w] {
			hits++
		}
	}
	need := (len(want) + 3) / 4
	if len(want) >= 4 && need < 2 {
		need = 2
	}
	return hits >= need
}

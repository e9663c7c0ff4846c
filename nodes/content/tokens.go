package content

import (
	"strings"
	"unicode/utf8"
)

// EstimateTokens estimates how many model tokens s takes without a model's
// tokenizer. The rule is one token per four characters, which is what the
// byte-pair tokenizers of common models average on English prose, but never
// fewer than one token per word, so text of short words, numbers and code
// is not underestimated. Expect it to be within about a fifth of a real
// tokenizer's count for English, and to underestimate scripts such as
// Chinese or Japanese, where a character is often a token of its own.
func EstimateTokens(s string) int {
	return estimate(utf8.RuneCountInString(s), len(strings.Fields(s)))
}

// estimate is [EstimateTokens] of a text of chars characters and words
// words.
func estimate(chars, words int) int { return max((chars+3)/4, words) }

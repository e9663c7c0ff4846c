package llm

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/graphrun/graphrun/policies"
)

// A wording is what a message must say to name a kind of failure that a
// server reports in prose only. Every group must match, and a group
// matches when any one of its phrases does. A phrase is a run of whole
// words: the message is lowercased and cut into letters and digits, so
// "context_length", "Context-Length" and "context length" read alike, and
// "max_tokens" never passes for a mention of tokens alone.
type wording struct {
	class  policies.Class
	groups [][]string
}

// wordings are the kinds servers are known to word without a code. They
// are tried in order and the first that matches decides.
var wordings = []wording{
	// Out of money: something held in money, and a lack of it. "Insufficient
	// Balance", "credit balance is too low", "you have run out of credits".
	{policies.Quota, [][]string{
		{"balance", "credit", "credits", "funds"},
		{"insufficient", "too low", "exhausted", "depleted", "run out", "ran out",
			"out of", "not enough", "no more"},
	}},
	// A spent quota said in words: "quota exceeded", "quota is exhausted".
	{policies.Quota, [][]string{
		{"quota"},
		{"exceeded", "exhausted", "insufficient"},
	}},
	// The input does not fit: the model's context named, or a prompt, an
	// input or a token count said to be too big.
	{policies.ContentTooLong, [][]string{{
		"context length", "context window", "context size", "context limit",
		"maximum context", "too many tokens", "too many input tokens",
		"input token count", "prompt is too long", "prompt too long",
		"input is too long", "input too long",
	}}},
}

// wordingClass refines class, which the status alone gave, by what the
// message says. Only a generic bad request is refined in full; a 403 may
// still turn out to be quota, as some gateways refuse an empty account
// that way. Statuses that already say what happened (401, 404, 429, 5xx)
// keep their class: there a stray word must not stop a retry or a
// fallback.
func wordingClass(status int, class policies.Class, message string) policies.Class {
	if class != policies.BadRequest && status != http.StatusForbidden {
		return class
	}
	found, ok := matchWording(message)
	if ok && (class == policies.BadRequest || found == policies.Quota) {
		return found
	}
	return class
}

// matchWording returns the class of the first wording message matches.
func matchWording(message string) (policies.Class, bool) {
	if message == "" {
		return "", false
	}
	notWord := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	words := " " + strings.Join(strings.FieldsFunc(strings.ToLower(message), notWord), " ") + " "
	for _, w := range wordings {
		if w.matches(words) {
			return w.class, true
		}
	}
	return "", false
}

// matches reports whether words, space-separated with a space at each end,
// hold a phrase of every group.
func (w wording) matches(words string) bool {
	for _, group := range w.groups {
		found := false
		for _, phrase := range group {
			if strings.Contains(words, " "+phrase+" ") {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

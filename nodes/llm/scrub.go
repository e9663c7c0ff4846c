package llm

import (
	"regexp"
	"strings"
)

// redacted replaces a secret in a message.
const redacted = "[redacted]"

// minFragment is the shortest piece of the key that counts as a leak when
// a server quotes part of it.
const minFragment = 8

var (
	// bearerRE finds a bearer token quoted in a message.
	bearerRE = regexp.MustCompile(`(?i)\bbearer\s+\S+`)
	// secretRE finds strings shaped like provider keys (sk-..., sk-proj-...).
	secretRE = regexp.MustCompile(`\b(?:sk|rk|pk)-[A-Za-z0-9_\-*]{6,}`)
	// tokenRE splits a message into the runs that could hold a key.
	tokenRE = regexp.MustCompile("[^\\s\"'`,;:()\\[\\]{}<>*]+")
)

// scrub removes the API key, any word holding a piece of it of minFragment
// characters or more, bearer tokens and key-shaped strings from a message a server sent.
func scrub(msg, key string) string {
	if key != "" && len(key) >= 4 {
		msg = strings.ReplaceAll(msg, key, redacted)
	}
	if key != "" {
		msg = tokenRE.ReplaceAllStringFunc(msg, func(tok string) string {
			if sharesFragment(tok, key) {
				return redacted
			}
			return tok
		})
	}
	msg = bearerRE.ReplaceAllString(msg, "Bearer "+redacted)
	return secretRE.ReplaceAllString(msg, redacted)
}

// sharesFragment reports whether tok holds minFragment consecutive
// characters of key, or all of a key shorter than that.
func sharesFragment(tok, key string) bool {
	n := min(minFragment, len(key))
	if n < 4 || len(tok) < n {
		return false
	}
	for i := 0; i+n <= len(key); i++ {
		if strings.Contains(tok, key[i:i+n]) {
			return true
		}
	}
	return false
}

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

// scrub removes the API key, any piece of it of minFragment characters or
// more, bearer tokens and key-shaped strings from a message a server sent.
func scrub(msg, key string) string {
	if key != "" && len(key) >= 4 {
		msg = strings.ReplaceAll(msg, key, redacted)
	}
	if key != "" {
		msg = tokenRE.ReplaceAllStringFunc(msg, func(tok string) string {
			t := strings.TrimRight(tok, ".")
			if len(t) >= minFragment && strings.Contains(key, t) {
				return redacted + tok[len(t):]
			}
			return tok
		})
	}
	msg = bearerRE.ReplaceAllString(msg, "Bearer "+redacted)
	return secretRE.ReplaceAllString(msg, redacted)
}

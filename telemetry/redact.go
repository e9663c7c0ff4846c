package telemetry

import (
	"log/slog"
	"regexp"
	"strings"
)

// Redacted replaces a secret in a log line.
const Redacted = "[redacted]"

// secretPatterns match credentials that could reach a log line through an
// error message: bearer tokens, Authorization headers and values shaped
// like API keys.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+`),
	regexp.MustCompile(`(?i)\b(authorization|api[_-]?key|x-api-key)(["']?\s*[:=]\s*["']?)[^\s"',]+`),
	regexp.MustCompile(`\bsk-[A-Za-z0-9_-]{6,}`),
}

// secretKeys are attribute keys whose values are always masked.
var secretKeys = map[string]bool{
	"authorization": true, "api_key": true, "apikey": true, "token": true, "password": true,
}

// Redact returns s with anything shaped like a credential masked.
func Redact(s string) string {
	for i, re := range secretPatterns {
		if i == 1 {
			s = re.ReplaceAllString(s, "${1}${2}"+Redacted)
			continue
		}
		s = re.ReplaceAllString(s, Redacted)
	}
	return s
}

// redactAttr is a [slog.HandlerOptions.ReplaceAttr] that masks secrets in
// string attributes and in the message.
func redactAttr(_ []string, a slog.Attr) slog.Attr {
	if secretKeys[strings.ToLower(a.Key)] {
		return slog.String(a.Key, Redacted)
	}
	if a.Value.Kind() == slog.KindString {
		if s := a.Value.String(); s != "" {
			if r := Redact(s); r != s {
				return slog.String(a.Key, r)
			}
		}
	}
	return a
}

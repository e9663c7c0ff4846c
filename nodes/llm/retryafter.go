package llm

import (
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// maxWait caps a wait read from a server so that a garbled header cannot
// overflow a duration. Policies cap it far lower.
const maxWait = 24 * time.Hour

// headerWait reads the wait a server asked for in its headers.
// retry-after-ms (OpenAI, Azure) is the most precise and wins; then
// retry-after, in seconds or as an HTTP date. The x-ratelimit-reset-*
// headers are not read: they say when a whole budget refills, not when this
// request fits, and their format differs between servers ("18.642s",
// "6m0s", "45").
func headerWait(h http.Header, now time.Time) (time.Duration, bool) {
	if ms, ok := number(h.Get("retry-after-ms")); ok {
		return seconds(ms / 1000), true
	}
	v := strings.TrimSpace(h.Get("retry-after"))
	if v == "" {
		return 0, false
	}
	if s, ok := number(v); ok {
		return seconds(s), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return seconds(t.Sub(now).Seconds()), true
	}
	return 0, false
}

// number parses a non-negative decimal number.
func number(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// seconds turns a count of seconds into a duration rounded to the
// millisecond, clamped to [0, maxWait].
func seconds(s float64) time.Duration {
	switch {
	case s <= 0:
		return 0
	case s >= maxWait.Seconds():
		return maxWait
	}
	return time.Duration(math.Round(s*1000)) * time.Millisecond
}

// waitRE matches the waits that servers write only in the message: Azure's
// "Please retry after 45 seconds." and OpenAI's "Please try again in
// 18.642s." or "in 120ms".
var waitRE = regexp.MustCompile(
	`(?i)\b(?:retry after|try again in)\s+(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|secs?|seconds?)\b`)

// bodyWait is the last resort for the wait of a rate limit or overload:
// Azure OpenAI sends some 429s with no Retry-After header at all and states
// the wait only in the message, so the message is read for that documented
// sentence, and for nothing else.
func bodyWait(msg string) time.Duration {
	m := waitRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, ok := number(m[1])
	if !ok {
		return 0
	}
	if strings.HasPrefix(strings.ToLower(m[2]), "m") {
		n /= 1000
	}
	return seconds(n)
}

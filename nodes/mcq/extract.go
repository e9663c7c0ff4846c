package mcq

import (
	"errors"
	"strings"
)

// Faults in the text around the JSON.
var (
	errNoJSON     = errors.New("no JSON object or array in the answer")
	errIncomplete = errors.New("the JSON value is not closed")
	errMismatch   = errors.New("mismatched brackets in the JSON value")
	errThinkOpen  = errors.New("reasoning block is never closed")
)

// reasoningTags are the tags reasoning models wrap their thoughts in.
var reasoningTags = []string{"think", "thinking", "reasoning", "reflection", "analysis"}

// finalChannel marks the start of the answer in the harmony chat format,
// after the model's analysis channel.
const finalChannel = "<|channel|>final<|message|>"

// stripReasoning removes reasoning blocks such as <think>...</think> from
// an answer. A closing tag with no opening one (the chat template opened
// it) drops everything before it; an opening tag that is never closed is
// an error, since the answer is then all reasoning. Tags match without
// regard to case. It runs in time linear in the length of s.
func stripReasoning(s string) (string, error) {
	if i := strings.Index(asciiLower(s), finalChannel); i >= 0 {
		s = s[i+len(finalChannel):]
	}
	for _, tag := range reasoningTags {
		var err error
		if s, err = stripTag(s, "<"+tag+">", "</"+tag+">"); err != nil {
			return "", err
		}
	}
	return s, nil
}

// stripTag removes the blocks between open and closing, and everything
// before a closing tag that has no opening one.
func stripTag(s, open, closing string) (string, error) {
	low := asciiLower(s)
	next := func(sub string, from int) int {
		if i := strings.Index(low[from:], sub); i >= 0 {
			return from + i
		}
		return -1
	}
	var b strings.Builder
	pos := 0
	o, c := next(open, 0), next(closing, 0)
	for o >= 0 || c >= 0 {
		switch {
		case o < 0 || (c >= 0 && c < o):
			b.Reset()
		case c < 0:
			return "", errThinkOpen
		default:
			b.WriteString(s[pos:o])
		}
		pos = c + len(closing)
		c = next(closing, pos)
		if o >= 0 && o < pos {
			o = next(open, pos)
		}
	}
	b.WriteString(s[pos:])
	return b.String(), nil
}

// asciiLower lower-cases the ASCII letters of s and leaves every other
// byte alone, so that byte offsets into the result are offsets into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// firstJSON returns the first complete JSON object or array in s, skipping
// prose, markdown fences and bracketed text that cannot start JSON. It
// scans brackets while respecting strings and escapes, so braces and
// backticks inside strings are content; it does not check the value is
// valid JSON: that is the decoder's job.
func firstJSON(s string) (string, error) {
	for pos := 0; pos < len(s); {
		i := strings.IndexAny(s[pos:], "{[")
		if i < 0 {
			break
		}
		start := pos + i
		if !startsJSON(s[start:]) {
			pos = start + 1
			continue
		}
		end, err := matchBrackets(s[start:])
		if err != nil {
			return "", err
		}
		return s[start : start+end], nil
	}
	return "", errNoJSON
}

// startsJSON reports whether the bracket at the start of s opens a value
// worth decoding: an object that starts with a key or is empty, or an
// array that starts with an object or is empty.
func startsJSON(s string) bool {
	rest := strings.TrimLeft(s[1:], " \t\r\n")
	if rest == "" {
		return true // unclosed; let matchBrackets report it
	}
	if s[0] == '{' {
		return rest[0] == '"' || rest[0] == '}'
	}
	return rest[0] == '{' || rest[0] == ']'
}

// matchBrackets returns the length of the bracketed value at the start of
// s, skipping over strings and their escapes.
func matchBrackets(s string) (int, error) {
	var stack []byte
	inString := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{':
			stack = append(stack, '}')
		case '[':
			stack = append(stack, ']')
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return 0, errMismatch
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return i + 1, nil
			}
		}
	}
	return 0, errIncomplete
}

package llmsim

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// maxQuestions caps the questions of one answer.
const maxQuestions = 20

// prompt is what the server reads from a conversation.
type prompt struct {
	// passage is the text to write questions about; empty when none.
	passage string
	// count is the number of questions asked for.
	count int
}

// readPrompt finds the passage in the last user message that has one and
// the question count in the last user message that gives one. Without
// passage markers, the first user message is the passage.
func readPrompt(msgs []chatMessage) prompt {
	p := prompt{count: 1}
	countFound := false
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != "user" {
			continue
		}
		text := msgs[i].text()
		if !countFound {
			if n, ok := questionCount(text); ok {
				p.count, countFound = n, true
			}
		}
		if p.passage == "" {
			p.passage = between(text, "<passage>", "</passage>")
		}
	}
	if p.passage == "" {
		for _, m := range msgs {
			if m.Role == "user" {
				p.passage = strings.TrimSpace(m.text())
				break
			}
		}
	}
	return p
}

// between returns the lines between a line that is exactly open and the
// next line that is exactly close.
func between(text, open, close string) string {
	lines := strings.Split(text, "\n")
	start := -1
	for i, line := range lines {
		line = strings.TrimSpace(line)
		switch {
		case start < 0 && line == open:
			start = i + 1
		case start >= 0 && line == close:
			return strings.TrimSpace(strings.Join(lines[start:i], "\n"))
		}
	}
	return ""
}

// questionCount reads a line "questions: N".
func questionCount(text string) (int, bool) {
	for _, line := range strings.Split(text, "\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok || !strings.EqualFold(strings.TrimSpace(name), "questions") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err == nil && n > 0 {
			return min(n, maxQuestions), true
		}
	}
	return 0, false
}

// PassageHash names a passage in [Stats.Passages]: the first 16 hex digits
// of the SHA-256 of its text with surrounding space trimmed.
func PassageHash(passage string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(passage)))
	return hex.EncodeToString(sum[:8])
}

// estimateTokens guesses a token count from text length: about four
// characters a token, as for English with common tokenizers.
func estimateTokens(text string) int {
	n := len([]rune(text))
	return (n + 3) / 4
}

package mcq

import (
	"fmt"
	"strings"
)

// Message is one chat message for an OpenAI-compatible model.
type Message struct {
	// Role is "system", "user" or "assistant".
	Role string `json:"role"`
	// Content is the message text.
	Content string `json:"content"`
}

// systemPrompt sets the rules every request shares.
const systemPrompt = `You write multiple-choice questions for a course quiz.
Rules for every question:
- Ask about one fact, idea or relation stated in the passage; a reader of
  the passage must be able to answer, and nobody else should be sure to.
- Give exactly four options. Exactly one is correct. The three wrong ones
  are plausible, of the same kind and length as the correct one, and
  clearly wrong to someone who read the passage.
- Never use "all of the above", "none of the above", "both A and B" or any
  option that refers to other options. Do not put letters or numbers in
  front of the options.
- Write the question as a full sentence. Keep each option short.
- Give a one-sentence explanation that cites the passage.
Reply with one JSON object and nothing else: no markdown fence, no text
before or after it. Inside JSON strings, write a backslash as \\.`

// jsonShape is the shape the answer must have, shown to the model.
const jsonShape = `{"questions":[{"question":"...","options":["...","...","...","..."],` +
	`"answer_index":0,"explanation":"..."}]}`

// Prompt returns the messages that ask a model for n questions about
// passage: a system message with the rules and a user message with the
// passage. The user message holds a line "questions: N" and the passage
// between a line "<passage>" and a line "</passage>"; a line of the
// passage that equals either marker is altered so the markers stay
// unique. An n below 1 asks for one question.
func Prompt(passage string, n int) []Message {
	n = max(n, 1)
	var b strings.Builder
	fmt.Fprintf(&b, "Write %d multiple-choice question(s) about the passage below.\n", n)
	b.WriteString("answer_index is the 0-based index of the correct option.\n")
	b.WriteString("Reply in exactly this JSON shape:\n")
	b.WriteString(jsonShape)
	fmt.Fprintf(&b, "\n\nquestions: %d\n<passage>\n", n)
	b.WriteString(fencePassage(passage))
	b.WriteString("\n</passage>")
	return []Message{
		{Role: "system", Content: systemPrompt},
		{Role: "user", Content: b.String()},
	}
}

// fencePassage trims the passage and breaks any line that would read as a
// passage marker.
func fencePassage(p string) string {
	lines := strings.Split(strings.TrimSpace(p), "\n")
	for i, l := range lines {
		switch strings.ToLower(strings.TrimSpace(l)) {
		case "<passage>", "</passage>":
			lines[i] = strings.Replace(l, "<", "< ", 1)
		}
	}
	return strings.Join(lines, "\n")
}

// RepairPrompt returns the user message that sends the faults of a
// previous answer back to the model for one repair attempt. Send it after
// the original messages and the model's answer. Rejections with Index -1
// concern the answer as a whole.
func RepairPrompt(problems []Rejection) string {
	var b strings.Builder
	b.WriteString("Your previous answer could not be used as it was:\n")
	if len(problems) == 0 {
		b.WriteString("- it held no usable question\n")
	}
	for _, p := range problems {
		switch {
		case p.Index < 0:
			fmt.Fprintf(&b, "- the answer as a whole: %s\n", p.Reason)
		case p.Question != "":
			fmt.Fprintf(&b, "- question %d (%q): %s\n", p.Index+1, p.Question, p.Reason)
		default:
			fmt.Fprintf(&b, "- question %d: %s\n", p.Index+1, p.Reason)
		}
	}
	b.WriteString("Fix these faults and send the whole answer again, keeping the " +
		"questions that were right. Follow the same rules and reply with one JSON " +
		"object only, in this shape:\n")
	b.WriteString(jsonShape)
	return b.String()
}

package quiz

import (
	"bytes"
	"encoding/json"

	"github.com/graphrun/graphrun/nodes/mcq"
)

// jsonQuiz is the document the "json" format writes.
type jsonQuiz struct {
	Quiz      string         `json:"quiz"`
	Questions []mcq.Question `json:"questions"`
}

// exportJSON writes the quiz as one indented JSON document, with the
// questions in the same shape as mcq.Question's JSON.
func exportJSON(buf *bytes.Buffer, quizName string, qs []mcq.Question) error {
	doc := jsonQuiz{Quiz: quizName, Questions: make([]mcq.Question, len(qs))}
	for i, q := range qs {
		q.ID = questionID(q)
		doc.Questions[i] = q
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

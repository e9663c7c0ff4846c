package mcq_test

import (
	"errors"
	"fmt"

	"github.com/graphrun/graphrun/nodes/mcq"
)

func ExampleParse() {
	content := "Sure! Here they are:\n```json\n" +
		`{"questions": [{"question": "What is \frac{1}{2} of 4?",` +
		` "options": ["A. 2", "B. 1", "C. 4", "D. 8"], "answer": "A"},` +
		` {"question": "Which one?", "options": ["w", "x", "y", "z"], "answer_index": 1}]}` +
		"\n```"
	b, err := mcq.Parse(content, "stop")
	if err != nil {
		fmt.Println(err)
		return
	}
	q := b.Questions[0]
	fmt.Println(q.Stem)
	fmt.Println(q.Options, q.Answer)
	fmt.Println(b.Rejected[0].Index, b.Rejected[0].Reason)
	// Output:
	// What is \frac{1}{2} of 4?
	// [2 1 4 8] 0
	// 1 "Which one?": question too short; ask a full question
}

func ExampleParse_truncated() {
	_, err := mcq.Parse(`{"questions": [{"question": "Which`, "length")
	var pe *mcq.ParseError
	if errors.As(err, &pe) {
		fmt.Println("repairable:", pe.Repairable)
	}
	fmt.Println(err)
	// Output:
	// repairable: false
	// invalid_response: answer cut off at the token limit; raise max_tokens or ask for fewer questions
}

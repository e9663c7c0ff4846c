package quiz

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/graphrun/graphrun/nodes/mcq"
)

// giftNameLen is how many runes of the stem name a question in GIFT.
const giftNameLen = 60

// exportGIFT writes the quiz in Moodle's GIFT text format: one question
// per block, named by its number and the start of its stem, in HTML
// format, the correct option marked with = and the others with ~, and the
// explanation as general feedback.
func exportGIFT(buf *bytes.Buffer, quizName string, qs []mcq.Question) error {
	fmt.Fprintf(buf, "// quiz: %s\n", oneLine(quizName))
	for i, q := range qs {
		name := fmt.Sprintf("%d. %s", i+1, shorten(oneLine(q.Stem), giftNameLen))
		fmt.Fprintf(buf, "\n// id: %s\n", questionID(q))
		fmt.Fprintf(buf, "::%s::[html]%s {\n", giftEscape(name), giftText(q.Stem))
		for j, o := range q.Options {
			mark := "~"
			if j == q.Answer {
				mark = "="
			}
			fmt.Fprintf(buf, "\t%s%s\n", mark, giftText(o))
		}
		if q.Explanation != "" {
			fmt.Fprintf(buf, "\t####%s\n", giftText(q.Explanation))
		}
		buf.WriteString("}\n")
	}
	return nil
}

// giftSpecial escapes the characters GIFT gives a meaning to, and the
// backslash that escapes them.
var giftSpecial = strings.NewReplacer(
	`\`, `\\`, "~", `\~`, "=", `\=`, "#", `\#`, "{", `\{`, "}", `\}`, ":", `\:`,
)

// giftEscape makes s one line of GIFT that reads as s.
func giftEscape(s string) string {
	return giftSpecial.Replace(oneLine(s))
}

// giftText escapes s for a text field in HTML format.
func giftText(s string) string {
	return giftEscape(htmlText.Replace(s))
}

// shorten cuts s to at most n runes, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

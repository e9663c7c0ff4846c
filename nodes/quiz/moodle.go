package quiz

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/graphrun/graphrun/nodes/mcq"
)

// The elements of Moodle XML that the "moodle" format writes. Text in
// format="html" is escaped as HTML first, then as XML by the encoder.
type (
	moodleQuiz struct {
		XMLName   xml.Name         `xml:"quiz"`
		Questions []moodleQuestion `xml:"question"`
	}
	moodleQuestion struct {
		Type            string         `xml:"type,attr"`
		Category        *moodleText    `xml:"category,omitempty"`
		Name            *moodleText    `xml:"name,omitempty"`
		QuestionText    *moodleFormat  `xml:"questiontext,omitempty"`
		GeneralFeedback *moodleFormat  `xml:"generalfeedback,omitempty"`
		DefaultGrade    string         `xml:"defaultgrade,omitempty"`
		Penalty         string         `xml:"penalty,omitempty"`
		Hidden          string         `xml:"hidden,omitempty"`
		IDNumber        string         `xml:"idnumber,omitempty"`
		Single          string         `xml:"single,omitempty"`
		ShuffleAnswers  string         `xml:"shuffleanswers,omitempty"`
		AnswerNumbering string         `xml:"answernumbering,omitempty"`
		Answers         []moodleAnswer `xml:"answer"`
	}
	moodleText struct {
		Text string `xml:"text"`
	}
	moodleFormat struct {
		Format string `xml:"format,attr"`
		Text   string `xml:"text"`
	}
	moodleAnswer struct {
		Fraction string       `xml:"fraction,attr"`
		Format   string       `xml:"format,attr"`
		Text     string       `xml:"text"`
		Feedback moodleFormat `xml:"feedback"`
	}
)

// exportMoodle writes the quiz as Moodle XML: a category named after the
// quiz, then one single-answer multichoice question per question, with
// the question's ID as its idnumber.
func exportMoodle(buf *bytes.Buffer, quizName string, qs []mcq.Question) error {
	doc := moodleQuiz{Questions: []moodleQuestion{{
		Type: "category",
		// A slash separates categories in Moodle; a doubled one is literal.
		Category: &moodleText{Text: "$course$/top/" + strings.ReplaceAll(quizName, "/", "//")},
	}}}
	for i, q := range qs {
		doc.Questions = append(doc.Questions, moodleMultichoice(i, q))
	}
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	buf.WriteString("\n")
	return nil
}

func moodleMultichoice(i int, q mcq.Question) moodleQuestion {
	html := func(s string) *moodleFormat {
		return &moodleFormat{Format: "html", Text: htmlText.Replace(s)}
	}
	mq := moodleQuestion{
		Type:            "multichoice",
		Name:            &moodleText{Text: fmt.Sprintf("%d. %s", i+1, shorten(oneLine(q.Stem), 60))},
		QuestionText:    html(q.Stem),
		GeneralFeedback: html(q.Explanation),
		DefaultGrade:    "1",
		Penalty:         "0.3333333",
		Hidden:          "0",
		IDNumber:        questionID(q),
		Single:          "true",
		ShuffleAnswers:  "true",
		AnswerNumbering: "abc",
	}
	for j, o := range q.Options {
		fraction := "0"
		if j == q.Answer {
			fraction = "100"
		}
		mq.Answers = append(mq.Answers, moodleAnswer{
			Fraction: fraction, Format: "html", Text: htmlText.Replace(o),
			Feedback: moodleFormat{Format: "html"},
		})
	}
	return mq
}

package quiz

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/graphrun/graphrun/nodes/mcq"
)

// ErrUnknownFormat means [Export] was asked for a format it does not know.
var ErrUnknownFormat = errors.New("unknown export format")

// exporter renders a quiz into buf.
type exporter func(buf *bytes.Buffer, quizName string, qs []mcq.Question) error

// exporters maps each format name to its writer.
var exporters = map[string]exporter{
	"json":     exportJSON,
	"markdown": exportMarkdown,
	"gift":     exportGIFT,
	"moodle":   exportMoodle,
	"qti":      exportQTI,
}

// Formats returns the names [Export] accepts, sorted.
func Formats() []string {
	names := make([]string, 0, len(exporters))
	for n := range exporters {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Export writes the questions of the quiz named quizName to w in format:
// "json", "markdown", "gift" (Moodle's GIFT text), "moodle" (Moodle XML)
// or "qti" (a QTI 1.2 zip package as Canvas imports it). Output is the
// same for the same input. Nothing is written when rendering fails.
func Export(w io.Writer, format, quizName string, qs []mcq.Question) error {
	export, ok := exporters[format]
	if !ok {
		return fmt.Errorf("%w %q; use one of %s", ErrUnknownFormat, format,
			strings.Join(Formats(), ", "))
	}
	var buf bytes.Buffer
	if err := export(&buf, quizName, qs); err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("export %s: %w", format, err)
	}
	return nil
}

// letter returns the letter that labels option i: A, B, C...
func letter(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return fmt.Sprint(i + 1)
}

// oneLine turns line breaks and tabs into spaces, so that text fits the
// line-based formats.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// htmlText escapes the characters that mean markup in HTML text.
var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// questionID returns q's ID, computing it when the question has none.
func questionID(q mcq.Question) string {
	if q.ID != "" {
		return q.ID
	}
	return mcq.QuestionID(q)
}

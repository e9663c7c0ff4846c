package content

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Format names a document format.
type Format string

// The formats [Parse] understands.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	HTML     Format = "html"
	PDF      Format = "pdf"
)

// DefaultMaxBytes is the size limit used when [Options.MaxBytes] is zero.
const DefaultMaxBytes = 20 << 20

// Document is the clean text of one input file.
type Document struct {
	// Path names the file the document came from.
	Path string `json:"path"`
	// Format is the detected format.
	Format Format `json:"format"`
	// Title is the document's title, or its first heading or line.
	Title string `json:"title"`
	// Text is the document's prose: paragraphs separated by blank lines,
	// headings as Markdown "#" lines (one "#" per level), and code inside
	// ``` fences.
	Text string `json:"text"`
	// Glossary lists the terms the document defines, in document order,
	// when it has a glossary section; it is nil otherwise.
	Glossary []Term `json:"glossary,omitempty"`
}

// Term is one glossary entry.
type Term struct {
	Term       string `json:"term"`
	Definition string `json:"definition"`
}

// Options tunes [Load] and [Parse]. The zero value is ready to use.
type Options struct {
	// MaxBytes bounds the size of a document; zero means
	// [DefaultMaxBytes] (20 MiB) and a negative value means no limit.
	MaxBytes int64
	// Open opens the document for [Load]; nil means os.Open. A caller
	// that confines reads to a directory passes its os.Root's Open.
	Open func(name string) (*os.File, error)
}

func (o Options) maxBytes() int64 {
	if o.MaxBytes == 0 {
		return DefaultMaxBytes
	}
	return o.MaxBytes
}

// Load reads the file at path and parses it as [Parse] does. Errors about
// the document are [*DocumentError] values.
func Load(path string, o Options) (*Document, error) {
	open := os.Open
	if o.Open != nil {
		open = o.Open
	}
	f, err := open(path)
	if err != nil {
		return nil, unreadable(path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, unreadable(path, err)
	}
	if info.IsDir() {
		return nil, docError(path, ErrUnreadable, "is a directory, not a file",
			"name a document file instead")
	}
	limit := o.maxBytes()
	if limit > 0 && info.Size() > limit {
		return nil, tooLarge(path, info.Size(), limit)
	}

	// Read one byte past the limit so a file that grew since Stat is caught.
	r := io.Reader(f)
	if limit > 0 {
		r = io.LimitReader(f, limit+1)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, unreadable(path, err)
	}
	return Parse(data, path, o)
}

// Parse extracts the text of data, naming the document name in errors and
// in [Document.Path]. The format is detected from the content first and the
// name's extension second: a PDF starts with "%PDF-", HTML with a doctype or
// an <html> element (possibly after an XML declaration), Markdown has a
// Markdown extension or looks like Markdown, and anything else is text.
func Parse(data []byte, name string, o Options) (*Document, error) {
	if limit := o.maxBytes(); limit > 0 && int64(len(data)) > limit {
		return nil, tooLarge(name, int64(len(data)), limit)
	}
	format := Detect(data, name)
	if format != PDF {
		if err := checkText(data, name); err != nil {
			return nil, err
		}
	}
	doc, err := extract(data, name, format)
	if err != nil {
		return nil, err
	}
	if !hasWords(doc.Text) {
		return nil, docError(name, ErrNoText,
			fmt.Sprintf("the %s document has no readable text", format),
			"check that the file holds the course text itself")
	}
	if doc.Title == "" {
		doc.Title = firstLine(doc.Text)
	}
	return doc, nil
}

func extract(data []byte, name string, format Format) (*Document, error) {
	doc := &Document{Path: name, Format: format}
	switch format {
	case PDF:
		text, title, err := pdfText(data, name)
		if err != nil {
			return nil, err
		}
		doc.Text, doc.Title = text, title
	case HTML:
		text, title, err := htmlText(data)
		if err != nil {
			return nil, &DocumentError{Path: name, Kind: ErrMalformed,
				Reason: "the HTML cannot be parsed", Hint: "check the markup", Err: err}
		}
		doc.Text, doc.Title = text, title
	case Markdown:
		doc.Text, doc.Title, doc.Glossary = markdownText(string(stripBOM(data)))
	default:
		doc.Text = plainText(string(stripBOM(data)))
	}
	return doc, nil
}

func unreadable(path string, err error) *DocumentError {
	hint := "check the path and its permissions"
	if errors.Is(err, fs.ErrNotExist) {
		hint = "check the path"
	}
	cause := err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		cause = pe.Err
	}
	return &DocumentError{Path: path, Kind: ErrUnreadable,
		Reason: fmt.Sprintf("the file cannot be read: %v", cause), Hint: hint, Err: err}
}

func tooLarge(path string, size, limit int64) *DocumentError {
	return docError(path, ErrTooLarge,
		fmt.Sprintf("the document is %d bytes, more than the limit of %d", size, limit),
		"split it into smaller files or raise the size limit")
}

package content

import (
	"errors"
	"strings"
)

// The kinds of unusable document. A [*DocumentError] matches exactly one of
// them with [errors.Is].
var (
	// ErrEmpty means the document holds no bytes, or only white space.
	ErrEmpty = errors.New("document is empty")
	// ErrTooLarge means the document is larger than [Options.MaxBytes].
	ErrTooLarge = errors.New("document is too large")
	// ErrBinary means the document is binary data, not text.
	ErrBinary = errors.New("document is binary")
	// ErrEncoding means the document is text but not valid UTF-8.
	ErrEncoding = errors.New("document is not valid UTF-8")
	// ErrEncrypted means the PDF needs a password or uses an encryption
	// the reader does not support.
	ErrEncrypted = errors.New("PDF is encrypted")
	// ErrNoText means the document parsed but holds no usable text, as in
	// an image-only (scanned) PDF.
	ErrNoText = errors.New("document has no text")
	// ErrNoSentences means the document has text but no sentence a
	// question can be made from, as in a list of words; see [CheckProse].
	ErrNoSentences = errors.New("document has no sentences")
	// ErrMalformed means the document is damaged or breaks its format.
	ErrMalformed = errors.New("document is malformed")
	// ErrUnreadable means the file could not be read at all.
	ErrUnreadable = errors.New("document is unreadable")
)

// DocumentError says why a document cannot be used and what to do about it.
type DocumentError struct {
	// Path names the document, as given to [Load] or [Parse].
	Path string
	// Kind is one of the sentinel errors above.
	Kind error
	// Reason says what is wrong, in lowercase.
	Reason string
	// Hint says what to do; it may be empty.
	Hint string
	// Line and Offset locate the fault for encoding errors: the 1-based
	// line and the 0-based byte offset in the file. Both are zero when the
	// fault has no position.
	Line   int
	Offset int64
	// Err is the underlying cause, or nil.
	Err error
}

// Error formats e as "path: reason; hint".
func (e *DocumentError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(e.Reason)
	if e.Hint != "" {
		b.WriteString("; ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Is reports whether target is e's Kind.
func (e *DocumentError) Is(target error) bool { return target == e.Kind }

// Unwrap returns the underlying cause.
func (e *DocumentError) Unwrap() error { return e.Err }

func docError(path string, kind error, reason, hint string) *DocumentError {
	return &DocumentError{Path: path, Kind: kind, Reason: reason, Hint: hint}
}

package content

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadRejectsBadDocuments(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "documents")
	tests := []struct {
		name string
		file string
		opts Options
		kind error
		want []string // substrings of the message
	}{
		{"an empty file is empty", "empty.txt", Options{}, ErrEmpty,
			[]string{"empty.txt: the document is empty"}},
		{"a file of white space is empty", "blank.md", Options{}, ErrEmpty,
			[]string{"is empty"}},
		{"a PNG is binary", "binary.bin", Options{}, ErrBinary,
			[]string{"binary.bin", "NUL byte at offset 8", "give a text"}},
		{"Latin-1 text names the line and offset", "latin1.txt", Options{}, ErrEncoding,
			[]string{"not valid UTF-8", "byte 0xe9 at line 1, byte offset 3", "iconv"}},
		{"an error on the second line says so", "latin1-line2.txt", Options{}, ErrEncoding,
			[]string{"line 2, byte offset 28"}},
		{"a PDF that needs a password is encrypted", "encrypted.pdf", Options{}, ErrEncrypted,
			[]string{"encrypted.pdf: the PDF is encrypted", "decrypt it"}},
		{"a PDF of images has no text", "image-only.pdf", Options{}, ErrNoText,
			[]string{"no text layer", "OCR"}},
		{"a truncated PDF is malformed and said to be cut short", "truncated.pdf", Options{},
			ErrMalformed, []string{"the PDF is cut short", "fetch it again"}},
		{"an HTML page of scripts has no text", "no-text.html", Options{}, ErrNoText,
			[]string{"no readable text"}},
		{"a file over the limit is too large", "latin1.txt", Options{MaxBytes: 5}, ErrTooLarge,
			[]string{"19 bytes, more than the limit of 5", "split it"}},
		{"a missing file is unreadable", "missing.txt", Options{}, ErrUnreadable,
			[]string{"missing.txt: the file cannot be read", "check the path"}},
		{"a directory is unreadable", ".", Options{}, ErrUnreadable,
			[]string{"is a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			doc, err := Load(path, tt.opts)
			require.Error(t, err)
			assert.Nil(t, doc)
			assert.ErrorIs(t, err, tt.kind)
			var de *DocumentError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, path, de.Path)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestDocumentErrorMatchesOnlyItsKind(t *testing.T) {
	err := docError("a.txt", ErrEmpty, "the document is empty", "")
	assert.ErrorIs(t, err, ErrEmpty)
	assert.NotErrorIs(t, err, ErrBinary)
	assert.Equal(t, "a.txt: the document is empty", err.Error())
}

func TestParseRejectsUTF16(t *testing.T) {
	_, err := Parse([]byte("\xff\xfeH\x00i\x00"), "u16.txt", Options{})
	assert.ErrorIs(t, err, ErrEncoding)
	assert.Contains(t, err.Error(), "UTF-16")
}

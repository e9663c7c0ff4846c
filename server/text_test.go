package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPlainTextRewordsFileErrors(t *testing.T) {
	tests := []struct {
		name, root, msg, want string
	}{
		{"a file missing under the root is named from the root", "/srv/docs",
			"input field document: openat bio/cells.md: no such file or directory (hint)",
			"input field document: bio/cells.md does not exist under the served root " +
				"/srv/docs (hint)"},
		{"a root left unnamed is still called the served root", "",
			"openat cells.md: no such file or directory",
			"cells.md does not exist under the served root"},
		{"a file missing without a root is named as given", "/srv/docs",
			"load: open /tmp/x.md: no such file or directory", "load: /tmp/x.md does not exist"},
		{"a path with a space is kept whole", "",
			"statat my notes.md: permission denied",
			"my notes.md: the server has no permission to use it"},
		{"a file in place of a directory says so", "",
			"mkdirat out/x: not a directory", "out/x: a part of the path is a file, not a directory"},
		{"a message with no file operation is left alone", "/srv/docs",
			"input field name: want string, got number 1", "input field name: want string, got number 1"},
		{"prose that opens something is left alone", "",
			"could not open the gate: it is shut", "could not open the gate: it is shut"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{cfg: Config{Root: tt.root}}
			assert.Equal(t, tt.want, s.plainText(tt.msg))
		})
	}
}

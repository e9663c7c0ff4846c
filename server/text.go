package server

import (
	"regexp"
	"strings"
)

// fileError matches the text of a failed file operation as the os package
// words it, "openat notes.md: no such file or directory": the system call,
// the path and the error. The calls ending in "at" are those of an os.Root,
// whose paths are relative to the served root.
var fileError = regexp.MustCompile(`\b(open|stat|lstat|mkdir|remove|rename|readlink|` +
	`unlink)(at)? (.+?): (no such file or directory|permission denied|not a directory|` +
	`is a directory|file exists)`)

// plainText rewords the failed file operations in msg, an error from the
// engine or a node, in the words of the API: the path and what is wrong
// with it, without the system call. A path under an os.Root is named
// relative to the served root. It guards the API's edge: a node function
// of any package may let an os error through as the os package words it.
func (s *Server) plainText(msg string) string {
	if !strings.Contains(msg, ": ") {
		return msg
	}
	return fileError.ReplaceAllStringFunc(msg, func(m string) string {
		sub := fileError.FindStringSubmatch(m)
		rooted, path, problem := sub[2] != "", sub[3], sub[4]
		switch problem {
		case "no such file or directory":
			if !rooted {
				return path + " does not exist"
			}
			where := "the served root"
			if s.cfg.Root != "" {
				where += " " + s.cfg.Root
			}
			return path + " does not exist under " + where
		case "permission denied":
			return path + ": the server has no permission to use it"
		case "not a directory":
			return path + ": a part of the path is a file, not a directory"
		case "is a directory":
			return path + " is a directory, not a file"
		}
		return path + " already exists"
	})
}

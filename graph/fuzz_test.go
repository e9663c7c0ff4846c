package graph

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that success always yields a
// spec, and that Validate and Mermaid accept whatever Parse returns.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		files, err := filepath.Glob(filepath.Join(loaderTestGraphs, dir, "*.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("name: x\nstate: {a: &a {type: list}, b: *a}\n"))
	f.Add([]byte("{? [a]: b}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, "fuzz.yaml")
		if err == nil && s == nil {
			t.Fatal("Parse returned neither a spec nor an error")
		}
		if s != nil {
			_ = Validate(s, nil)
			_ = Mermaid(s)
		}
	})
}

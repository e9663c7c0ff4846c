package graphs

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// Lookup returns the contents and file name of the built-in graph called
// name (the file name without .yaml).
func Lookup(name string) (data []byte, file string, ok bool) {
	file = name + ".yaml"
	data, err := files.ReadFile(file)
	if err != nil {
		return nil, "", false
	}
	return data, path.Join("graphs", file), true
}

// Names lists the built-in graphs.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

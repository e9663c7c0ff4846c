package graph

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// loaderTestSchema compiles docs/graph.schema.json.
func loaderTestSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sch, err := jsonschema.NewCompiler().Compile(filepath.Join("..", "docs", "graph.schema.json"))
	require.NoError(t, err)
	return sch
}

// loaderTestAsJSON converts a YAML graph file to the value the schema
// validates, as an editor would.
func loaderTestAsJSON(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc any
	require.NoError(t, yaml.Unmarshal(data, &doc))
	raw, err := json.Marshal(doc)
	require.NoError(t, err)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	require.NoError(t, err)
	return v
}

func TestSchemaAcceptsValidGraphs(t *testing.T) {
	sch := loaderTestSchema(t)
	files := loaderTestFiles(t, "valid", "*.yaml")
	shipped, err := filepath.Glob(filepath.Join("..", "graphs", "*.yaml"))
	require.NoError(t, err)
	for _, path := range append(files, shipped...) {
		t.Run(path+" passes the schema", func(t *testing.T) {
			assert.NoError(t, sch.Validate(loaderTestAsJSON(t, path)))
		})
	}
}

func TestSchemaRejectsStructuralMistakes(t *testing.T) {
	sch := loaderTestSchema(t)
	for _, name := range []string{
		"kinds", "unknown_keys", "values", "missing_required", "state", "map",
		"breakers_limits", "policies",
	} {
		t.Run(name+" fails the schema", func(t *testing.T) {
			path := filepath.Join(loaderTestGraphs, "invalid", name+".yaml")
			assert.Error(t, sch.Validate(loaderTestAsJSON(t, path)))
		})
	}
}

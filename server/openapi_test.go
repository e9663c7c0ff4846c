package server_test

import (
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestOpenAPIMatchesTheRoutes(t *testing.T) {
	data, err := os.ReadFile("../docs/openapi.yaml")
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(data, &doc))
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(documented)

	f := newFixture(t, options{})
	var routed []string
	for _, r := range f.srv.Routes() {
		routed = append(routed, r.Method+" "+r.Path)
	}
	sort.Strings(routed)

	t.Run("every documented operation is routed", func(t *testing.T) {
		for _, op := range documented {
			assert.Contains(t, routed, op)
		}
	})
	t.Run("every route is documented", func(t *testing.T) {
		for _, op := range routed {
			assert.Contains(t, documented, op)
		}
	})
	t.Run("every documented operation answers something other than not found", func(t *testing.T) {
		for _, op := range documented {
			method, path, _ := strings.Cut(op, " ")
			path = strings.NewReplacer("{name}", "hello", "{thread}", "none").Replace(path)
			status, body := f.do(t, method, path, "{}")
			if status == 404 {
				assert.NotEqual(t, "not_found", errorCode(t, body), op)
			}
		}
	})
}

package server_test

import (
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/graphrun/graphrun/server"
)

// documentedMethods reads docs/openapi.yaml and returns, per path, the
// methods it documents, upper case and sorted.
func documentedMethods(t *testing.T) map[string][]string {
	t.Helper()
	data, err := os.ReadFile("../docs/openapi.yaml")
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(data, &doc))
	out := map[string][]string{}
	for path, ops := range doc.Paths {
		for method := range ops {
			out[path] = append(out[path], strings.ToUpper(method))
		}
		sort.Strings(out[path])
	}
	return out
}

// concretePath fills a path pattern's wildcards with values.
func concretePath(pattern string) string {
	return strings.NewReplacer("{name}", "hello", "{thread}", "none").Replace(pattern)
}

func TestOpenAPIMatchesTheRoutes(t *testing.T) {
	var documented []string
	for path, methods := range documentedMethods(t) {
		for _, m := range methods {
			documented = append(documented, m+" "+path)
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
			status, body := f.do(t, method, concretePath(path), "{}")
			if status == 404 {
				assert.NotEqual(t, "not_found", errorCode(t, body), op)
			}
		}
	})
}

func TestAnUndocumentedMethodIsNotAllowed(t *testing.T) {
	f := newFixture(t, options{})
	for path, allowed := range documentedMethods(t) {
		for _, method := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			if slices.Contains(allowed, method) {
				continue
			}
			t.Run(method+" "+path+" answers 405 naming "+strings.Join(allowed, ", "),
				func(t *testing.T) {
					resp, body := f.send(t, method, concretePath(path), "")
					assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
					assert.Equal(t, strings.Join(allowed, ", "), resp.Header.Get("Allow"))
					assert.Equal(t, server.CodeMethodNotAllowed, errorCode(t, body))
				})
		}
	}
}

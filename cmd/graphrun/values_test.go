package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
)

func TestSetValuesAreReadByTheFieldsType(t *testing.T) {
	cases := []struct {
		name  string
		typ   graph.Type
		value string
		want  any
		err   string
	}{
		{"a string is taken as written", graph.String, "10", "10", ""},
		{"an int", graph.Int, "10", 10, ""},
		{"an int refuses a fraction", graph.Int, "1.5", nil, `"1.5" is not a whole number`},
		{"an int too large says so and gives the largest", graph.Int, "99999999999999999999", nil,
			`"99999999999999999999" is too large: the largest accepted is 9223372036854775807`},
		{"an int too small says so and gives the smallest", graph.Int, "-99999999999999999999", nil,
			`"-99999999999999999999" is too small: the smallest accepted is -9223372036854775808`},
		{"a float", graph.Float, "0.25", 0.25, ""},
		{"a float refuses words", graph.Float, "half", nil, `"half" is not a number`},
		{"a float refuses NaN", graph.Float, "NaN", nil, `"NaN" is not a number`},
		{"a bool", graph.Bool, "true", true, ""},
		{"a bool refuses yes", graph.Bool, "yes", nil, `"yes" is not true or false`},
		{"a list is JSON", graph.List, `["a", 2]`, []any{"a", 2.0}, ""},
		{"a broken list says what to write", graph.List, `[a`, nil, `is not a JSON list (write one such as`},
		{"a map is JSON", graph.Map, `{"k": "v"}`, map[string]any{"k": "v"}, ""},
		{"a broken map says what to write", graph.Map, `{k}`, nil, `is not a JSON object`},
		{"any takes JSON", graph.AnyT, `[1]`, []any{1.0}, ""},
		{"any takes plain text too", graph.AnyT, `plain words`, "plain words", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseValue(tc.typ, tc.value)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

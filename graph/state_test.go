package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReducers(t *testing.T) {
	cases := []struct {
		name      string
		field     Field
		cur, upd  any
		want      any
		unchanged any // what cur must still hold afterwards, when set
	}{
		{name: "replace overwrites the value",
			field: Field{Type: String, Reducer: Replace}, cur: "old", upd: "new", want: "new"},
		{name: "append adds a single item as one item",
			field: Field{Type: List, Reducer: Append}, cur: []any{"a"}, upd: "b", want: []any{"a", "b"}},
		{name: "append extends a list with a list's items",
			field: Field{Type: List, Reducer: Append}, cur: []any{"a"}, upd: []any{"b", "c"},
			want: []any{"a", "b", "c"}},
		{name: "append to an empty list",
			field: Field{Type: List, Reducer: Append}, cur: []any(nil), upd: []any{1.0}, want: []any{1.0}},
		{name: "append keeps a list item whole when given it as a single item",
			field: Field{Type: List, Reducer: Append}, cur: []any{}, upd: []any{[]any{"x", "y"}},
			want: []any{[]any{"x", "y"}}},
		{name: "add sums ints",
			field: Field{Type: Int, Reducer: Add}, cur: 2, upd: 3, want: 5},
		{name: "add sums floats",
			field: Field{Type: Float, Reducer: Add}, cur: 0.25, upd: 0.5, want: 0.75},
		{name: "merge copies the update's keys over the map's",
			field: Field{Type: Map, Reducer: Merge},
			cur:   map[string]any{"a": 1.0, "b": 2.0}, upd: map[string]any{"b": 3.0, "c": 4.0},
			want:      map[string]any{"a": 1.0, "b": 3.0, "c": 4.0},
			unchanged: map[string]any{"a": 1.0, "b": 2.0}},
		{name: "merge into an empty map",
			field: Field{Type: Map, Reducer: Merge}, cur: map[string]any(nil),
			upd: map[string]any{"k": "v"}, want: map[string]any{"k": "v"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := reduce(&tc.field, tc.cur, tc.upd)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			if tc.unchanged != nil {
				assert.Equal(t, tc.unchanged, tc.cur, "the old value is not changed in place")
			}
		})
	}
}

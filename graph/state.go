package graph

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
)

// zeroValue returns the value a field of type t holds before anything is
// written to it.
func zeroValue(t Type) any {
	switch t {
	case String:
		return ""
	case Int:
		return 0
	case Float:
		return 0.0
	case Bool:
		return false
	case List:
		return []any{}
	case Map:
		return map[string]any{}
	}
	return nil
}

// initialValue returns a fresh copy of f's default, or its type's zero value.
func initialValue(f *Field) (any, error) {
	if f.Default == nil {
		return zeroValue(f.Type), nil
	}
	return coerce(f.Type, f.Default)
}

// coerce converts v to the Go type that holds values of type t, and nested
// values to the forms JSON decoding produces, so that a state rebuilt from
// checkpoints equals the state of an uninterrupted run.
func coerce(t Type, v any) (any, error) {
	// A value that already has its field's Go type is returned as it came:
	// boxing it again would cost an allocation.
	switch t {
	case String:
		if _, ok := v.(string); ok {
			return v, nil
		}
	case Int:
		if _, ok := v.(int); ok {
			return v, nil
		}
		if n, ok := toInt(v); ok {
			return n, nil
		}
	case Float:
		if _, ok := v.(float64); ok {
			return v, nil
		}
		if f, ok := toFloat(v); ok {
			return f, nil
		}
	case Bool:
		if _, ok := v.(bool); ok {
			return v, nil
		}
	case List:
		if l, ok := v.([]any); ok {
			return normalizeList(l)
		}
		if v != nil && reflect.TypeOf(v).Kind() == reflect.Slice {
			if reflect.ValueOf(v).Len() == 0 {
				// A nil or empty typed slice is an empty list, never null.
				return []any{}, nil
			}
			return normalizeJSON(v)
		}
	case Map:
		if m, ok := v.(map[string]any); ok {
			return normalizeMap(m)
		}
		if v != nil && reflect.TypeOf(v).Kind() == reflect.Map {
			return normalizeJSON(v)
		}
	case AnyT:
		return normalize(v)
	}
	return nil, &typeMismatch{want: t, got: describe(v)}
}

// typeMismatch says a value does not fit a field's type.
type typeMismatch struct {
	want Type
	got  string
}

func (e *typeMismatch) Error() string {
	return fmt.Sprintf("want %s, got %s", e.want, e.got)
}

func describe(v any) string {
	if v == nil {
		return "null"
	}
	switch v.(type) {
	case string:
		return fmt.Sprintf("string %q", truncate(v.(string), 40))
	case float64, float32, int, int64, int32:
		// JSON and YAML say number, whatever Go type holds it.
		return fmt.Sprintf("number %v", v)
	case bool:
		return fmt.Sprintf("bool %v", v)
	case []any:
		return "list"
	case map[string]any:
		return "map"
	}
	return reflect.TypeOf(v).String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int64:
		return int(n), true
	case int32:
		return int(n), true
	case uint32:
		return int(n), true
	case uint64:
		if n <= math.MaxInt64 {
			return int(n), true
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// normalize turns v into JSON-native values: string, float64, bool, nil,
// []any and map[string]any. It returns v itself when it already is one.
func normalize(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, float64, bool:
		return v, nil
	case int:
		if x >= 0 && x < len(smallFloats) {
			return smallFloats[x], nil
		}
		return float64(x), nil
	case []any:
		return normalizeList(x)
	case map[string]any:
		return normalizeMap(x)
	}
	return normalizeJSON(v)
}

// smallFloats holds the small whole numbers as stored values, boxed once:
// a list of counters or indexes then normalizes without an allocation per
// element.
var smallFloats = func() (t [1024]any) {
	for i := range t {
		t[i] = float64(i)
	}
	return t
}()

func normalizeList(l []any) ([]any, error) {
	var out []any
	for i, e := range l {
		n, err := normalize(e)
		if err != nil {
			return nil, err
		}
		if out == nil && !sameValue(n, e) {
			out = make([]any, len(l))
			copy(out, l[:i])
		}
		if out != nil {
			out[i] = n
		}
	}
	if out == nil {
		return l, nil
	}
	return out, nil
}

func normalizeMap(m map[string]any) (map[string]any, error) {
	var out map[string]any
	for k, e := range m {
		n, err := normalize(e)
		if err != nil {
			return nil, err
		}
		if out == nil && !sameValue(n, e) {
			out = maps.Clone(m)
		}
		if out != nil {
			out[k] = n
		}
	}
	if out == nil {
		return m, nil
	}
	return out, nil
}

// sameValue reports whether normalizing left a value as it was. Only
// scalars are compared; containers are compared by identity through their
// first element's address, which normalize preserves when unchanged.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	}
	return a == b
}

// normalizeJSON converts any JSON-encodable value, such as a struct or a
// typed slice, through JSON.
func normalizeJSON(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("value of type %T cannot be stored: %w", v, err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Decode copies a state value, such as a list of maps, into out, which
// should be a pointer to the Go type the value stands for. Node functions
// use it to read structured state.
func Decode(v any, out any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("decode state value: %w", err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode state value: %w", err)
	}
	return nil
}

// reduce combines the current value of a field with a coerced update.
func reduce(f *Field, cur, upd any) (any, error) {
	switch f.Reducer {
	case Append:
		l, _ := cur.([]any)
		if add, ok := upd.([]any); ok {
			return append(l, add...), nil
		}
		return append(l, upd), nil
	case Add:
		if f.Type == Int {
			return cur.(int) + upd.(int), nil
		}
		return cur.(float64) + upd.(float64), nil
	case Merge:
		m := maps.Clone(cur.(map[string]any))
		if m == nil {
			m = map[string]any{}
		}
		maps.Copy(m, upd.(map[string]any))
		return m, nil
	}
	return upd, nil
}

// coerceUpdate coerces one update value for field f. An append field also
// takes a single item, which keeps its own shape.
func coerceUpdate(f *Field, v any) (any, error) {
	if f.Reducer == Append {
		if _, isList := v.([]any); !isList && (v == nil || reflect.TypeOf(v).Kind() != reflect.Slice) {
			return normalize(v)
		}
	}
	return coerce(f.Type, v)
}

package graph

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// CheckValue reports how v breaks the constraints of field f: its min, max
// or enum. It returns "" when v fits. v must already have the field's type.
func CheckValue(f *Field, v any) string {
	if n, ok := toFloat(v); ok {
		if f.Min != nil && n < *f.Min {
			return fmt.Sprintf("%v is below the minimum %s", v, number(*f.Min))
		}
		if f.Max != nil && n > *f.Max {
			return fmt.Sprintf("%v is above the maximum %s", v, number(*f.Max))
		}
	}
	if len(f.Enum) == 0 {
		return ""
	}
	for _, e := range f.Enum {
		if sameScalar(e, v) {
			return ""
		}
	}
	choices := make([]string, len(f.Enum))
	for i, e := range f.Enum {
		choices[i] = fmt.Sprintf("%q", fmt.Sprint(e))
	}
	return fmt.Sprintf("%q is not one of %s", fmt.Sprint(v), strings.Join(choices, ", "))
}

// sameScalar compares enum values, numbers by value whatever their Go type.
func sameScalar(a, b any) bool {
	fa, aok := toFloat(a)
	fb, bok := toFloat(b)
	if aok && bok {
		return fa == fb
	}
	return reflect.DeepEqual(a, b)
}

func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

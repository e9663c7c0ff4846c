package graph

import (
	"testing"

	"github.com/expr-lang/expr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exprTestFields declares one field of each type.
var exprTestFields = []Field{
	{Name: "questions", Type: List},
	{Name: "target", Type: Int},
	{Name: "ratio", Type: Float},
	{Name: "title", Type: String},
	{Name: "done", Type: Bool},
	{Name: "meta", Type: Map},
	{Name: "extra", Type: AnyT},
}

// exprTestEnv is a run-time environment matching exprTestFields.
func exprTestEnv() map[string]any {
	return map[string]any{
		"questions": []any{"q1", "q2"}, "target": 2, "ratio": 0.5, "title": "t",
		"done": false, "meta": map[string]any{"k": "v"}, "extra": 7,
		LastError: map[string]any{"class": "timeout", "message": "slow", "node": "gen",
			"attempts": float64(3)},
	}
}

func TestCompileExprAcceptsWellTypedConditions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"a list length compares with an int", "len(questions) >= target", true},
		{"an int compares with a literal", "target < 3", true},
		{"a float compares with an int", "ratio < target", true},
		{"a string compares with a literal", `title == "t"`, true},
		{"a bool stands alone", "done", false},
		{"a map is indexed by key", `meta.k == "v"`, true},
		{"an any field compares with anything", "extra > 5", true},
		{"the last error's class is readable", `last_error.class == "timeout"`, true},
		{"operators combine", "not done and (target > 1 or ratio > 1)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prog, err := compileExpr(tt.src, exprTestFields)
			require.NoError(t, err)
			got, err := expr.Run(prog, exprTestEnv())
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCompileExprRejectsBadConditions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want ExprError
	}{
		{"a misspelled field is unknown", "len(questionz) > 1",
			ExprError{Line: 1, Column: 5, Msg: "unknown name questionz"}},
		{"a non-bool result is refused", "target",
			ExprError{Msg: "expected bool, but got int"}},
		{"mismatched types are refused", "title + 1 > 0",
			ExprError{Line: 1, Column: 7,
				Msg: "invalid operation: + (mismatched types string and int)"}},
		{"an unfinished expression is a syntax error", "target >",
			ExprError{Line: 1, Column: 8, Msg: "unexpected token EOF"}},
		{"a misspelled key of last_error is unknown", "last_error.clas == 'x'",
			ExprError{Line: 1, Column: 12, Msg: "unknown field clas"}},
		{"a fault on a later line keeps its line", "done ||\n  nope",
			ExprError{Line: 2, Column: 3, Msg: "unknown name nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := compileExpr(tt.src, exprTestFields)
			var ee *ExprError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tt.want, *ee)
		})
	}
}

func TestExprErrorNamesItsPosition(t *testing.T) {
	t.Run("a located error says where in the expression", func(t *testing.T) {
		e := &ExprError{Line: 1, Column: 5, Msg: "unknown name x"}
		assert.Equal(t, "unknown name x (at 1:5 in the expression)", e.Error())
	})
	t.Run("an unlocated error is just the message", func(t *testing.T) {
		assert.Equal(t, "m", (&ExprError{Msg: "m"}).Error())
	})
}

func TestCompileExprAcceptsTheReferenceExamples(t *testing.T) {
	fields := []Field{
		{Name: "questions", Type: List}, {Name: "target", Type: Int},
		{Name: "attempts", Type: Int}, {Name: "done", Type: Bool},
		{Name: "title", Type: String}, {Name: "ratio", Type: Float},
		{Name: "meta", Type: Map},
	}
	for _, src := range []string{
		"len(questions) >= target",
		"attempts < 3 && !done",
		`title startsWith "Draft" or ratio > 0.5`,
		`last_error.class == "timeout"`,
		`meta.lang in ["en", "fr"]`,
		"all(questions, {len(.options) == 4})",
	} {
		t.Run(src+" compiles", func(t *testing.T) {
			_, err := compileExpr(src, fields)
			assert.NoError(t, err)
		})
	}
}

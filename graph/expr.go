package graph

import (
	"errors"
	"fmt"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"
)

// ExprError is an expression that does not compile. Line and Column locate
// the fault inside the expression text, starting at 1; zero means unknown.
type ExprError struct {
	// Line and Column locate the fault in the expression, from 1; zero
	// means unknown.
	Line, Column int
	// Msg is the compiler's message.
	Msg string
}

// Error returns the compiler's message with its position in the
// expression.
func (e *ExprError) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s (at %d:%d in the expression)", e.Msg, e.Line, e.Column)
}

// compileExpr compiles a `when` expression against the declared state
// fields and the built-in [LastError] field, and requires a bool result.
// Programs run with an environment that maps every field name to its value.
// A failure is an *[ExprError].
func compileExpr(src string, fields []Field) (*vm.Program, error) {
	prog, err := expr.Compile(src, expr.Env(exprEnv(fields)), expr.AsBool())
	if err == nil {
		return prog, nil
	}
	var fe *file.Error
	if errors.As(err, &fe) {
		return nil, &ExprError{Line: fe.Line, Column: fe.Column + 1, Msg: fe.Message}
	}
	return nil, &ExprError{Msg: err.Error()}
}

// exprEnv returns the compile-time types of the expression environment.
// The keys of [LastError] are those of [ErrorRecord]; their values are
// typed any because the field is empty until a fallback route writes it.
func exprEnv(fields []Field) types.Map {
	env := types.Map{
		LastError: types.Map{
			"class":    types.Any,
			"message":  types.Any,
			"node":     types.Any,
			"attempts": types.Any,
		},
	}
	for _, f := range fields {
		if f.Name == LastError {
			continue
		}
		env[f.Name] = exprType(f.Type)
	}
	return env
}

// exprType returns the expression type of a field type. An unknown type
// is typed any, so that its uses still compile; Validate reports the type.
func exprType(t Type) types.Type {
	switch t {
	case String:
		return types.String
	case Int:
		return types.Int
	case Float:
		return types.Float64
	case Bool:
		return types.Bool
	case List:
		return types.TypeOf([]any{})
	case Map:
		return types.TypeOf(map[string]any{})
	}
	return types.Any
}

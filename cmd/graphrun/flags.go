package main

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// errNegative means a number or duration flag was given a value below
// zero.
var errNegative = errors.New("must not be negative")

// nonNegative wraps the value of an int or duration flag so that parsing
// refuses a negative value, with a hint that says what zero means.
type nonNegative struct {
	pflag.Value
	hint string
}

// Set parses s with the wrapped value and refuses it when it is negative.
func (v nonNegative) Set(s string) error {
	if err := v.Value.Set(s); err != nil {
		return err
	}
	if strings.HasPrefix(v.Value.String(), "-") {
		return fmt.Errorf("%w (%s)", errNegative, v.hint)
	}
	return nil
}

// refuseNegative makes the flag name of fl refuse negative values; hint
// says what to give instead, such as "0 keeps the graph's own limit".
func refuseNegative(fl *pflag.FlagSet, name, hint string) {
	f := fl.Lookup(name)
	f.Value = nonNegative{Value: f.Value, hint: hint}
}

// flagError turns a flag parsing error into a usage error whose message
// names the flag and the value and says what the flag takes, instead of
// quoting the parser.
func flagError(_ *cobra.Command, err error) error {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) {
		return usageError{err}
	}
	name, value, cause := "--"+ive.GetFlag().Name, ive.GetValue(), errors.Unwrap(ive)
	if errors.Is(cause, errNegative) {
		return usageError{fmt.Errorf("%s %q: %w", name, value, cause)}
	}
	typ := ive.GetFlag().Value.Type()
	if (typ == "int" || typ == "int64") && errors.Is(cause, strconv.ErrRange) {
		return usageError{fmt.Errorf("%s %q: %s", name, value, outOfRange(ive.GetFlag(), value))}
	}
	var want string
	switch typ {
	case "duration":
		want = "not a duration; write a number and a unit, like 90s, 15m or 36h (" +
			daysHint(value) + ")"
	case "int", "int64":
		want = "not a whole number, like 10"
	case "float64":
		want = "not a number, like 0.3"
	case "bool":
		want = "not true or false"
	default:
		want = cause.Error()
	}
	return usageError{fmt.Errorf("%s %q: %s", name, value, want)}
}

// outOfRange says that value, a whole number too large or too small for
// the int flag f, is out of range, and gives the bound it crossed.
func outOfRange(f *pflag.Flag, value string) string {
	if !strings.HasPrefix(strings.TrimSpace(value), "-") {
		return fmt.Sprintf("too large: the largest accepted is %d", int64(math.MaxInt64))
	}
	if nn, ok := f.Value.(nonNegative); ok {
		return fmt.Sprintf("%s (%s)", errNegative, nn.hint)
	}
	return fmt.Sprintf("too small: the smallest accepted is %d", int64(math.MinInt64))
}

// daysValue matches a duration written in days, which Go does not read.
var daysValue = regexp.MustCompile(`^\s*(\d+)\s*d\s*$`)

// daysHint says that days are not a unit, and gives value in hours when
// it is written in days.
func daysHint(value string) string {
	if m := daysValue.FindStringSubmatch(value); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return fmt.Sprintf("days are not a unit: write %dh for %s", 24*n, strings.TrimSpace(value))
		}
	}
	return "days are not a unit: write 72h for 3 days"
}

// needArg returns the argument check of a command that takes exactly one
// argument: what describes it, like "a graph file", and example shows a
// whole command line that works.
func needArg(what, example string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return usageError{fmt.Errorf("%s needs %s, like: %s", c.CommandPath(), what, example)}
		case len(args) > 1:
			return usageError{fmt.Errorf("%s takes one argument, %s, not %d: %s",
				c.CommandPath(), what, len(args), strings.Join(args, " "))}
		}
		return nil
	}
}

// needArgs returns the argument check of a command that takes one or more
// arguments, each described by what.
func needArgs(what, example string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageError{fmt.Errorf("%s needs at least one %s, like: %s",
				c.CommandPath(), what, example)}
		}
		return nil
	}
}

// noArgs is the argument check of a command that takes no arguments.
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, but was given %s (see %s --help)",
			c.CommandPath(), strings.Join(args, " "), c.CommandPath())}
	}
	return nil
}

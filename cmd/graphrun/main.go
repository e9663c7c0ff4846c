package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes, documented in docs/cli.md.
const (
	exitOK       = 0
	exitFailed   = 1 // the run failed, or a command failed
	exitUsage    = 2 // bad flags or arguments
	exitInvalid  = 3 // a graph file or input did not pass its checks
	exitInternal = 4 // a store or other internal error
)

// subcommands holds the constructors of the top-level commands; each
// command's file adds its own in an init function.
var subcommands []func() *cobra.Command

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "graphrun",
		Short:         "Run LLM workflows declared as YAML graphs, with retries, fallbacks and checkpoints",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, mk := range subcommands {
		root.AddCommand(mk())
	}
	group(root)
	root.SetFlagErrorFunc(flagError)
	markUsageErrors(root)
	return root
}

// group makes cmd, a command that only holds subcommands, print its help
// when run alone and refuse a subcommand it does not have.
func group(cmd *cobra.Command) *cobra.Command {
	cmd.Args = cobra.ArbitraryArgs
	cmd.SuggestionsMinimumDistance = 2
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		if near := c.SuggestionsFor(args[0]); len(near) > 0 {
			return usageError{fmt.Errorf("unknown command %q: did you mean %s? (see %s --help)",
				args[0], strings.Join(near, " or "), c.CommandPath())}
		}
		return usageError{fmt.Errorf("unknown command %q (see %s --help)", args[0], c.CommandPath())}
	}
	return cmd
}

// markUsageErrors makes the argument checks of cmd and its subcommands
// return usage errors, so that they exit with exitUsage.
func markUsageErrors(cmd *cobra.Command) {
	if check := cmd.Args; check != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := check(c, args); err != nil {
				return usageError{err}
			}
			return nil
		}
	}
	for _, sub := range cmd.Commands() {
		markUsageErrors(sub)
	}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

// run executes the CLI with args and returns the process exit code.
func run(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "graphrun:", err)
		return exitCode(err)
	}
	return exitOK
}

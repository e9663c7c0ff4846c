package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes"
)

func init() { subcommands = append(subcommands, newValidateCmd) }

func newValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check graph files and report every problem with its file:line:column",
		Args:  needArgs("graph file", "graphrun validate graphs/*.yaml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg := nodes.Catalog()
			failed, missing := 0, 0
			for _, path := range args {
				_, err := resolveGraph(path, reg)
				switch {
				case err == nil:
					fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", path)
					continue
				case errors.Is(err, errNoGraph):
					missing++
				default:
					failed++
				}
				fmt.Fprintln(cmd.ErrOrStderr(), err)
			}
			// A file that is not there is a mistake in the arguments, as
			// it is for graphrun run, and wins over files with problems.
			if missing > 0 {
				msg := fmt.Sprintf("%d of %d graph file(s) do not exist", missing, len(args))
				if failed > 0 {
					msg += fmt.Sprintf(", and %d other(s) have problems", failed)
				}
				return usageError{errors.New(msg)}
			}
			if failed > 0 {
				return invalidError{fmt.Errorf("%d of %d graph file(s) have problems", failed, len(args))}
			}
			return nil
		},
	}
}

// loadGraph loads a graph file with the built-in functions.
func loadGraph(path string) (*graph.Graph, error) {
	return resolveGraph(path, nodes.Catalog())
}

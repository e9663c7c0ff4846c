package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/graphrun/graphrun/graph"
)

func init() { subcommands = append(subcommands, newMermaidCmd) }

func newMermaidCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "mermaid FILE",
		Short: "Print a graph as a Mermaid flowchart",
		Args:  needArg("a graph file", "graphrun mermaid graphs/mcq.yaml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			g, err := loadGraph(args[0])
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), graph.Mermaid(g.Spec()))
			return nil
		},
	}
}

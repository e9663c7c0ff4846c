package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/nodes/quiz"
)

func init() { subcommands = append(subcommands, newQuizCmd) }

func newQuizCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "quiz",
		Short: "List the quizzes in the store and export them to the formats teachers import",
	}
	cmd.AddCommand(newQuizListCmd(), newQuizExportCmd())
	return group(cmd)
}

// openQuiz opens the quiz store in the database the flags name.
func openQuiz(sf *storeFlags) (*quiz.Store, error) {
	if err := sf.check(); err != nil {
		return nil, err
	}
	s, err := quiz.Open(sf.path())
	if err != nil {
		return nil, openError("quiz store", sf.path(), err)
	}
	return s, nil
}

func newQuizListCmd() *cobra.Command {
	var sf storeFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the quizzes and how many questions each holds",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := openQuiz(&sf)
			if err != nil {
				return err
			}
			defer s.Close()
			quizzes, err := s.Quizzes(cmd.Context())
			if err != nil {
				return storeError{err}
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "QUIZ\tQUESTIONS\tUPDATED")
			for _, q := range quizzes {
				fmt.Fprintf(w, "%s\t%d\t%s\n", q.Name, q.Questions, q.Updated.Local().Format(time.DateTime))
			}
			return w.Flush()
		},
	}
	sf.existing = true
	sf.register(cmd)
	return cmd
}

func newQuizExportCmd() *cobra.Command {
	var (
		sf     storeFlags
		format string
		out    string
	)
	cmd := &cobra.Command{
		Use:   "export QUIZ",
		Short: "Write a quiz as JSON, Markdown, GIFT, Moodle XML or QTI",
		Long: `Write a stored quiz to --out (or standard output) in --format, which
defaults to the format the --out extension names (.json, .md, .gift, .xml
for Moodle, .zip for QTI).`,
		Args: needArg("a quiz name",
			"graphrun quiz export cells -o cells.gift (graphrun quiz list shows the names)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			// The file is checked before the store is read, so that a
			// mistyped path is reported first and nothing is half done.
			if out != "" {
				if err := checkOutFile("-o "+out, out, args[0]+extension(format)); err != nil {
					return err
				}
			}
			if format == "" {
				format = "json"
				if out != "" {
					if format = nodes.FormatForPath(out); format == "" {
						return usageError{fmt.Errorf("-o %s: the extension names no format: end it "+
							"in .json, .md, .gift, .xml or .zip, or give --format", out)}
					}
				}
			}
			if !contains(quiz.Formats(), format) {
				return usageError{fmt.Errorf("--format %q: want one of %s",
					format, strings.Join(quiz.Formats(), ", "))}
			}
			s, err := openQuiz(&sf)
			if err != nil {
				return err
			}
			defer s.Close()
			qs, err := s.Questions(cmd.Context(), args[0])
			if err != nil {
				return storeError{err}
			}
			if len(qs) == 0 {
				return fmt.Errorf("quiz %q has no questions in %s (list quizzes with: graphrun quiz list)",
					args[0], sf.path())
			}
			var w io.Writer = cmd.OutOrStdout()
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return writeError("-o "+out, out, err)
				}
				defer f.Close()
				w = f
			}
			return quiz.Export(w, format, args[0], qs)
		},
	}
	sf.existing = true
	sf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "", "json, markdown, gift, moodle or qti")
	cmd.Flags().StringVarP(&out, "out", "o", "", "file to write (default: standard output)")
	return cmd
}

// extension returns the file extension of an export format, .json when
// format is empty or unknown.
func extension(format string) string {
	switch format {
	case "markdown":
		return ".md"
	case "gift":
		return ".gift"
	case "moodle":
		return ".xml"
	case "qti":
		return ".zip"
	}
	return ".json"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

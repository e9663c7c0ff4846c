// Command graphrun validates, draws and runs graph files, resumes
// interrupted threads, exports quizzes, serves runs over HTTP, and hosts a
// model simulator for demos and tests. Run `graphrun --help` for the list
// of commands; docs/cli.md describes them with their exit codes.
//
// Each command lives in a file of its own and adds its constructor to
// subcommands in an init function.
package main

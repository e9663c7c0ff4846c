// Package graphs holds the graph files that ship with graphrun, embedded so
// that the binary can run them by name from any directory: `graphrun run
// mcq` runs mcq.yaml.
package graphs

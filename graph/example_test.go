package graph_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/policies"
)

// This example embeds the engine: register functions, load a graph, run it
// and read the final state and the events.
func Example() {
	reg := graph.NewRegistry()
	reg.Register("draft", "write a draft", func(_ context.Context, in graph.Input) (graph.Update, error) {
		n := in.State["drafts"].(int)
		return graph.Update{"drafts": 1, "text": fmt.Sprintf("draft %d", n+1)}, nil
	})
	reg.Register("publish", "publish the text", func(_ context.Context, in graph.Input) (graph.Update, error) {
		if in.Attempt == 1 {
			return nil, policies.Errorf(policies.RateLimit, "slow down")
		}
		return graph.Update{"published": true}, nil
	})

	spec, err := graph.Parse([]byte(`
name: blog
state:
  drafts: {type: int, reducer: add}
  text: string
  published: bool
policies:
  api: {retry: {max_attempts: 3, initial_interval: 1ms}}
nodes:
  draft: {run: draft}
  publish: {run: publish, policy: api}
edges:
  - {from: START, to: draft}
  - from: draft
    switch:
      - {when: "drafts < 3", to: draft}
      - {to: publish}
  - {from: publish, to: END}
`), "blog.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := graph.Compile(spec, reg)
	if err != nil {
		fmt.Println(err)
		return
	}

	var seen []string
	engine := graph.NewEngine(graph.Options{Listeners: []graph.Listener{func(ev graph.Event) {
		if ev.Kind == graph.RetryScheduled {
			seen = append(seen, fmt.Sprintf("retry %s after %s", ev.Node, ev.Class))
		}
	}}})
	res, err := engine.Run(context.Background(), g, graph.RunOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, res.Steps, res.State["text"], res.State["published"])
	fmt.Println(strings.Join(seen, "; "))
	// Output:
	// succeeded 4 draft 3 true
	// retry publish after rate_limit
}

package llmsim_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/llm/llmsim"
	"github.com/graphrun/graphrun/policies"
)

func Example() {
	sim := llmsim.New(llmsim.Options{
		Seed:       1,
		Faults:     map[policies.Class]float64{policies.RateLimit: 1},
		RetryAfter: 2 * time.Second,
	})
	srv := httptest.NewServer(sim)
	defer srv.Close()

	client, _ := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: llmsim.DefaultModel})
	_, err := client.Complete(context.Background(), llm.Request{Messages: []llm.Message{
		{Role: "user", Content: "questions: 1\n<passage>\nAtoms bond into molecules.\n</passage>"},
	}})

	fmt.Println(policies.ClassOf(err), policies.RetryAfterOf(err))
	fmt.Println(sim.Stats().Faults[policies.RateLimit])
	// Output:
	// rate_limit 2s
	// 1
}

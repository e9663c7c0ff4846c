package policies_test

import (
	"context"
	"fmt"
	"time"

	"github.com/graphrun/graphrun/policies"
	"github.com/graphrun/graphrun/policies/policiestest"
)

func ExamplePolicy_Execute() {
	breakers := policies.NewBreakers()
	_ = breakers.Declare(policies.BreakerSpec{Name: "llm", Failures: 3, Cooldown: time.Minute})

	spec := policies.Spec{
		Name:    "llm_call",
		Timeout: 30 * time.Second,
		Retry:   &policies.RetrySpec{MaxAttempts: 4, InitialInterval: time.Second},
		Breaker: "llm",
		Fallback: []policies.Route{
			{On: []policies.Class{policies.Any}, To: "template_question"},
		},
	}
	clock := policiestest.NewFakeClock(time.Time{})
	p, err := policies.Compile(spec, breakers, clock)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The service is overloaded once, then asks for a 5s pause, then
	// answers.
	answers := []error{
		policies.Errorf(policies.ServerError, "503 service unavailable"),
		&policies.Error{Class: policies.RateLimit, RetryAfter: 5 * time.Second},
	}
	hooks := policies.Hooks{OnRetry: func(r policies.RetryInfo) {
		fmt.Printf("attempt %d failed with %s; retry in %s (%s)\n",
			r.Attempt, r.Class, r.Delay, r.Reason)
	}}
	attempts, err := p.Execute(context.Background(), hooks,
		func(_ context.Context, attempt int) error {
			if attempt <= len(answers) {
				return answers[attempt-1]
			}
			return nil
		})
	fmt.Println("attempts:", attempts, "error:", err)
	fmt.Println("breakers:", breakers.States())
	// Output:
	// attempt 1 failed with server_error; retry in 1s (backoff)
	// attempt 2 failed with rate_limit; retry in 5s (retry_after)
	// attempts: 3 error: <nil>
	// breakers: map[llm:closed]
}

func ExampleMatchRoute() {
	routes := []policies.Route{
		{On: []policies.Class{policies.ContentTooLong}, To: "split_chunk"},
		{On: []policies.Class{policies.Any}, To: "template_question"},
	}
	for _, c := range []policies.Class{policies.ContentTooLong, policies.BreakerOpen} {
		r, _ := policies.MatchRoute(routes, c)
		fmt.Println(c, "->", r.To)
	}
	// Output:
	// content_too_long -> split_chunk
	// breaker_open -> template_question
}

func ExampleParseChaos() {
	node, c, err := policies.ParseChaos("generate=rate_limit:30%:2s")
	fmt.Println(node, c.Class, c.Rate, c.RetryAfter, err)
	// Output: generate rate_limit 0.3 2s <nil>
}

package llm_test

import (
	"fmt"
	"net/http"

	"github.com/graphrun/graphrun/nodes/llm"
)

func ExampleClassify() {
	h := http.Header{}
	h.Set("Retry-After", "19")
	body := []byte(`{"error":{"message":"Rate limit reached","type":"tokens",` +
		`"code":"rate_limit_exceeded"}}`)

	err := llm.Classify(http.StatusTooManyRequests, h, body)

	fmt.Println(err.Class, err.RetryAfter, llm.Retryable(err.Class))
	fmt.Println(err)
	// Output:
	// rate_limit 19s true
	// rate_limit: server answered 429 (code=rate_limit_exceeded, type=tokens): Rate limit reached
}

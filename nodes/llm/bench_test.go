package llm

import (
	"net/http"
	"testing"
)

func BenchmarkClassify(b *testing.B) {
	h := http.Header{}
	h.Set("retry-after-ms", "1500")
	body := []byte(`{"error":{"message":"Rate limit reached for requests","type":"requests",` +
		`"param":null,"code":"rate_limit_exceeded"}}`)
	for b.Loop() {
		Classify(http.StatusTooManyRequests, h, body)
	}
}

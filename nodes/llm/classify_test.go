package llm

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/graphrun/graphrun/policies"
	"github.com/stretchr/testify/assert"
)

func TestParseErrorBodyReadsEveryKnownShape(t *testing.T) {
	tests := []struct {
		name string
		body string
		want errBody
	}{
		{"an error object gives its fields",
			`{"error":{"code":"c","type":"t","param":"p","message":"m"}}`,
			errBody{Code: "c", Type: "t", Param: "p", Message: "m"}},
		{"an integer code is kept as digits",
			`{"error":{"code":400,"message":"m"}}`, errBody{Code: "400", Message: "m"}},
		{"null fields stay empty",
			`{"error":{"code":null,"type":null,"param":null,"message":"m"}}`, errBody{Message: "m"}},
		{"a string error is the message", `{"error":"runner died"}`, errBody{Message: "runner died"}},
		{"an array-wrapped error gives its first element",
			`[{"error":{"code":"x","message":"m"}},{"error":{"code":"y"}}]`,
			errBody{Code: "x", Message: "m"}},
		{"top-level fields are read when there is no error key",
			`{"object":"error","message":"m","type":"NotFoundError","code":404}`,
			errBody{Code: "404", Type: "NotFoundError", Message: "m"}},
		{"the envelope type of an anthropic body is not a reason",
			`{"type":"error","message":"m"}`, errBody{Message: "m"}},
		{"azure's inner code is kept",
			`{"error":{"code":"content_filter","innererror":{"code":"ResponsibleAIPolicyViolation"}}}`,
			errBody{Code: "content_filter", InnerCode: "ResponsibleAIPolicyViolation"}},
		{"a fastapi detail list names the param by its location",
			`{"detail":[{"loc":["body","response_format","type"],"msg":"bad","type":"enum"}]}`,
			errBody{Param: "response_format.type", Type: "enum", Message: "bad"}},
		{"a fastapi detail string is the message", `{"detail":"Not Found"}`,
			errBody{Message: "Not Found"}},
		{"an HTML page gives its title",
			"<html><head><title>502 Bad\r\n Gateway</title></head></html>",
			errBody{Message: "502 Bad Gateway"}},
		{"an HTML page without a title gives its heading",
			"<html><body><h1>Service &amp; Unavailable</h1></body></html>",
			errBody{Message: "Service & Unavailable"}},
		{"plain text gives its first line", "upstream connect error\nreset",
			errBody{Message: "upstream connect error"}},
		{"an empty body gives nothing", "  \n", errBody{}},
		{"broken JSON gives its first line", `{"error":`, errBody{Message: `{"error":`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseErrorBody([]byte(tt.body)))
		})
	}
	t.Run("a long message is clipped", func(t *testing.T) {
		got := parseErrorBody([]byte(`{"error":"` + strings.Repeat("é", 500) + `"}`))
		assert.LessOrEqual(t, len(got.Message), maxMessage+len("…"))
		assert.True(t, strings.HasSuffix(got.Message, "…"))
	})
}

func TestHeaderWait(t *testing.T) {
	now := time.Date(2026, 10, 21, 7, 28, 0, 0, time.UTC)
	tests := []struct {
		name    string
		headers map[string]string
		want    time.Duration
		found   bool
	}{
		{"retry-after-ms wins over retry-after",
			map[string]string{"retry-after-ms": "250", "retry-after": "9"},
			250 * time.Millisecond, true},
		{"retry-after in whole seconds", map[string]string{"retry-after": "19"}, 19 * time.Second, true},
		{"retry-after with a fraction", map[string]string{"retry-after": "1.5"},
			1500 * time.Millisecond, true},
		{"retry-after as a date in the future",
			map[string]string{"retry-after": "Wed, 21 Oct 2026 07:28:45 GMT"}, 45 * time.Second, true},
		{"retry-after as a date in the past means no wait",
			map[string]string{"retry-after": "Wed, 21 Oct 2026 07:27:00 GMT"}, 0, true},
		{"a garbled retry-after-ms falls through to retry-after",
			map[string]string{"retry-after-ms": "soon", "retry-after": "3"}, 3 * time.Second, true},
		{"a garbled retry-after is ignored", map[string]string{"retry-after": "later"}, 0, false},
		{"a huge wait is capped", map[string]string{"retry-after": "1e12"}, maxWait, true},
		{"rate-limit reset headers are not a wait",
			map[string]string{"x-ratelimit-reset-tokens": "6m0s"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			got, found := headerWait(h, now)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.found, found)
		})
	}
}

func TestBodyWait(t *testing.T) {
	tests := []struct {
		msg  string
		want time.Duration
	}{
		{"Please retry after 45 seconds.", 45 * time.Second},
		{"Please retry after 1 second.", time.Second},
		{"Please try again in 18.642s.", 18642 * time.Millisecond},
		{"Please try again in 120ms.", 120 * time.Millisecond},
		{"Rate limit reached for requests", 0},
		{"retry after a while", 0},
	}
	for _, tt := range tests {
		t.Run("the message "+tt.msg+" gives "+tt.want.String(), func(t *testing.T) {
			assert.Equal(t, tt.want, bodyWait(tt.msg))
		})
	}
	t.Run("a body wait is not read for a class that is never retried", func(t *testing.T) {
		body := `{"error":{"code":"insufficient_quota","message":"retry after 5 seconds"}}`
		assert.Zero(t, Classify(429, http.Header{}, []byte(body)).RetryAfter)
	})
}

func TestClassifyPrefersStructuredFieldsOverStatus(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   policies.Class
	}{
		{"a quota code on a 429 is quota", 429, `{"error":{"code":"insufficient_quota"}}`,
			policies.Quota},
		{"a quota type alone is quota", 429, `{"error":{"type":"insufficient_quota"}}`, policies.Quota},
		{"a camel-case code is folded", 400, `{"error":{"code":"ContextLengthExceeded"}}`,
			policies.ContentTooLong},
		{"a content filter code on a 400 is content_filter", 400,
			`{"error":{"code":"content_filter"}}`, policies.ContentFilter},
		{"an inner code decides when the code is generic", 400,
			`{"error":{"code":"BadRequest","innererror":{"code":"ResponsibleAIPolicyViolation"}}}`,
			policies.ContentFilter},
		{"a generic type leaves the status to decide", 400,
			`{"error":{"type":"invalid_request_error"}}`, policies.BadRequest},
		{"the input_tokens param on a 400 is content_too_long", 400,
			`{"error":{"param":"input_tokens","type":"BadRequestError"}}`, policies.ContentTooLong},
		{"a timeout type is a timeout", 504, `{"error":{"type":"timeout_error"}}`, policies.Timeout},
		{"a token limit within budget stays a rate limit", 429,
			`{"error":{"type":"tokens","message":"Limit 100, Used 90, Requested 20."}}`,
			policies.RateLimit},
		{"a token request over the budget is content_too_long", 429,
			`{"error":{"type":"tokens","message":"Limit 100, Requested 120."}}`, policies.ContentTooLong},
		{"a 403 is auth", 403, ``, policies.Auth},
		{"a 408 is a timeout", 408, ``, policies.Timeout},
		{"a 413 is content_too_long", 413, ``, policies.ContentTooLong},
		{"a 418 is a bad request", 418, ``, policies.BadRequest},
		{"a 529 is a server error", 529, ``, policies.ServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Classify(tt.status, http.Header{}, []byte(tt.body)).Class)
		})
	}
}

func TestScrub(t *testing.T) {
	tests := []struct{ name, msg, key, want string }{
		{"the whole key goes", "bad key sk-test-SECRET-1234.", testKey, "bad key [redacted]."},
		{"a piece of the key goes", "bad key ...ECRET-1234", testKey, "bad key [redacted]"},
		{"a bearer header goes", "sent Authorization: Bearer abc.def", "",
			"sent Authorization: Bearer [redacted]"},
		{"a key-shaped string goes without a key", "key sk-proj-****abcd.", "", "key [redacted]."},
		{"short words that happen to be in the key stay", "test 1234 ok", testKey, "test 1234 ok"},
		{"a tiny key does not wreck the message", "x marks the spot", "x", "x marks the spot"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, scrub(tt.msg, tt.key))
		})
	}
}

func TestRetryable(t *testing.T) {
	for _, c := range policies.Classes {
		want := c == policies.RateLimit || c == policies.Timeout || c == policies.ServerError
		t.Run(string(c)+" retryable is "+map[bool]string{true: "true", false: "false"}[want],
			func(t *testing.T) { assert.Equal(t, want, Retryable(c)) })
	}
}

func FuzzClassify(f *testing.F) {
	for _, c := range loadHTTPCases(f) {
		f.Add(c.Status, c.Headers["retry-after"], c.Body)
	}
	f.Add(400, "", `[{"error":"`+testKey+`"}]`)
	f.Fuzz(func(t *testing.T, status int, retryAfter, body string) {
		body = strings.ReplaceAll(body, "KEY", testKey)
		h := http.Header{}
		h.Set("retry-after", retryAfter)
		got := classify(status, h, []byte(body), testKey, time.Now())
		if !got.Class.Valid() || got.Class == policies.Any {
			t.Fatalf("class %q is not a class", got.Class)
		}
		if got.RetryAfter < 0 || got.RetryAfter > maxWait {
			t.Fatalf("wait %s out of range", got.RetryAfter)
		}
		if strings.Contains(got.Error(), testKey) {
			t.Fatalf("key leaked: %s", got.Error())
		}
	})
}

func TestClassifyReadsWordingOnlyWhereTheStatusSaysLittle(t *testing.T) {
	msg := func(m string) string { return `{"error":{"message":"` + m + `"}}` }
	tests := []struct {
		name   string
		status int
		body   string
		want   policies.Class
	}{
		{"a 402 is quota whatever its code says", 402,
			`{"error":{"code":"model_not_found","message":"m"}}`, policies.Quota},
		{"a 400 naming the context length is content_too_long", 400,
			msg("request exceeds the Context-Length of this model"), policies.ContentTooLong},
		{"a code written into the message is read as words", 400,
			msg("context_length_exceeded"), policies.ContentTooLong},
		{"a 400 saying the prompt is too long is content_too_long", 400,
			msg("Prompt too long for this model"), policies.ContentTooLong},
		{"a plain-text 400 about too many tokens is content_too_long", 400,
			"too many tokens in the prompt", policies.ContentTooLong},
		{"a 400 about a low credit balance is quota", 400,
			msg("your credit balance is too low"), policies.Quota},
		{"a 400 about an exceeded quota is quota", 400, msg("Quota exceeded for this key"),
			policies.Quota},
		{"a 403 about insufficient funds is quota", 403, msg("Insufficient funds"), policies.Quota},
		{"a minimum on max_tokens is a bad request", 400, msg("max_tokens must be at least 1"),
			policies.BadRequest},
		{"a bad temperature is a bad request", 400, msg("invalid value for temperature"),
			policies.BadRequest},
		{"too large a max_tokens is a bad request", 400,
			msg("max_tokens is too large: 9000. This model supports at most 4096 completion tokens."),
			policies.BadRequest},
		{"a field called context is a bad request", 400, msg("unknown field: context"),
			policies.BadRequest},
		{"a credit card word without a shortage is a bad request", 400,
			msg("credit card details are not accepted here"), policies.BadRequest},
		{"a 403 about a long prompt stays auth", 403, msg("prompt is too long"), policies.Auth},
		{"a 401 about a balance stays auth", 401, msg("insufficient balance"), policies.Auth},
		{"a 429 about the context stays a rate limit", 429, msg("context window busy"),
			policies.RateLimit},
		{"a 500 about the context stays a server error", 500,
			msg("context length of the runner is not set"), policies.ServerError},
		{"a structured code wins over the wording", 400,
			`{"error":{"code":"content_filter","message":"prompt is too long"}}`,
			policies.ContentFilter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Classify(tt.status, http.Header{}, []byte(tt.body)).Class)
		})
	}
}

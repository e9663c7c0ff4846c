package llm

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/graphrun/graphrun/policies"
)

// Classify turns an error answer (status of 400 or more, its headers and
// raw body) into a classified error carrying the wait the server asked for.
// It decides from structured data first: the code, type and param fields of
// the body, the status and the headers. The message text is read only where
// servers give no structured form: a rate limit that one request can never
// fit (see [requestExceedsBudget]), a wait written in prose (see
// [bodyWait]), and a generic 4xx whose words say the input does not fit or
// the account is out of money (see [wordingClass]). Classify is pure apart
// from reading the clock to turn a Retry-After date into a wait. The cause
// is an [*APIError].
func Classify(status int, header http.Header, body []byte) *policies.Error {
	return classify(status, header, body, "", time.Now())
}

// classify is [Classify] with the key to scrub and the clock given.
func classify(status int, header http.Header, body []byte, key string,
	now time.Time) *policies.Error {
	eb := parseErrorBody(body)
	class := classOf(status, eb)

	wait, ok := headerWait(header, now)
	if !ok && (class == policies.RateLimit || class == policies.ServerError) {
		wait = bodyWait(eb.Message)
	}

	return &policies.Error{
		Class:      class,
		RetryAfter: wait,
		Err: &APIError{
			Status:  status,
			Code:    eb.Code,
			Type:    eb.Type,
			Param:   eb.Param,
			Message: scrub(eb.Message, key),
		},
	}
}

// classOf decides the class: a 402 is quota whatever the body says;
// otherwise the structured code first, then Azure's inner code, then the
// type, then the param, and last the status, refined by the message's
// wording where the status says little.
func classOf(status int, eb errBody) policies.Class {
	if status == http.StatusPaymentRequired {
		// OpenRouter, DeepSeek and others: the account has no money left,
		// and the body's code, if any, is generic or just the status again.
		return policies.Quota
	}
	class, ok := policies.Class(""), false
	for _, token := range []string{eb.Code, eb.InnerCode, eb.Type} {
		if class, ok = reasons[normalize(token)]; ok {
			break
		}
	}
	if !ok && status < 500 {
		class, ok = params[normalize(eb.Param)]
	}
	if !ok {
		class = wordingClass(status, statusClass(status), eb.Message)
	}
	if class == policies.RateLimit && requestExceedsBudget(eb) {
		return policies.ContentTooLong
	}
	return class
}

// normalize folds the spellings of one reason together:
// "insufficient_quota", "InsufficientQuota" and "insufficient-quota".
func normalize(s string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "", " ", "").Replace(s))
}

// reasons maps the normalized values of the code, innererror.code and type
// fields that servers document to a class. Generic values such as
// "invalid_request_error" or "BadRequestError" are missing on purpose: they
// say nothing the status does not.
var reasons = map[string]policies.Class{
	// OpenAI, Azure: out of credit or over a hard limit.
	"insufficientquota":            policies.Quota,
	"billinghardlimitreached":      policies.Quota,
	"billingnotactive":             policies.Quota,
	"quotaexceeded":                policies.Quota,
	"contextlengthexceeded":        policies.ContentTooLong,
	"exceedcontextsizeerror":       policies.ContentTooLong, // llama.cpp
	"stringabovemaxlength":         policies.ContentTooLong,
	"requesttoolarge":              policies.ContentTooLong, // Anthropic 413
	"contentfilter":                policies.ContentFilter,
	"contentpolicyviolation":       policies.ContentFilter,
	"responsibleaipolicyviolation": policies.ContentFilter, // Azure inner
	"modelnotfound":                policies.ModelUnavailable,
	"modelnotavailable":            policies.ModelUnavailable,
	"deploymentnotfound":           policies.ModelUnavailable, // Azure
	"invalidapikey":                policies.Auth,
	"invalidauthentication":        policies.Auth,
	"authenticationerror":          policies.Auth, // Anthropic
	"permissionerror":              policies.Auth, // Anthropic
	"accountdeactivated":           policies.Auth,
	"ratelimitexceeded":            policies.RateLimit,
	"ratelimiterror":               policies.RateLimit, // Anthropic
	"ratelimitreached":             policies.RateLimit, // Azure
	"toomanyrequests":              policies.RateLimit,
	"requests":                     policies.RateLimit,   // OpenAI per-minute request limit
	"tokens":                       policies.RateLimit,   // OpenAI per-minute token limit
	"overloadederror":              policies.ServerError, // Anthropic 529
	"servererror":                  policies.ServerError,
	"apierror":                     policies.ServerError,
	"serviceunavailable":           policies.ServerError,
	"timeout":                      policies.Timeout,
	"timeouterror":                 policies.Timeout,
	"requesttimeout":               policies.Timeout,
}

// params maps the param field of a 4xx answer to a class where the field
// alone says what is wrong. vLLM names "input_tokens" when the prompt does
// not fit the context window.
var params = map[string]policies.Class{
	"inputtokens": policies.ContentTooLong,
}

// statusClass classifies by status alone.
func statusClass(status int) policies.Class {
	switch {
	case status == http.StatusUnauthorized, status == http.StatusForbidden:
		return policies.Auth
	case status == http.StatusNotFound:
		// On the chat-completions path the route exists, so a 404 is about
		// the model named in the request (Ollama, vLLM, Azure deployments).
		return policies.ModelUnavailable
	case status == http.StatusRequestTimeout:
		return policies.Timeout
	case status == http.StatusRequestEntityTooLarge:
		return policies.ContentTooLong
	case status == http.StatusTooManyRequests:
		return policies.RateLimit
	case status >= 500:
		// 5xx, 529 overload and the 502/503/504 pages of proxies.
		return policies.ServerError
	case status >= 400:
		return policies.BadRequest
	}
	return policies.Unknown
}

// budgetRE finds the numbers in OpenAI's "Limit 30000, Requested 31538"
// and "Limit 30000, Used 14567, Requested 24754".
var budgetRE = regexp.MustCompile(`(?i)\blimit (\d+)\b.*?\brequested (\d+)\b`)

// requestExceedsBudget reports whether a rate-limit answer is about a
// single request larger than the whole per-minute budget, which no wait can
// fix. OpenAI sends it as a 429 with the same code (rate_limit_exceeded) and
// type (tokens) as an ordinary token limit and no distinguishing header, so
// the message is the only place the difference shows. The check compares
// the numbers the message states (Requested above Limit) rather than
// matching a phrase, and also accepts the message's documented opening,
// "Request too large".
func requestExceedsBudget(eb errBody) bool {
	if strings.HasPrefix(eb.Message, "Request too large") {
		return true
	}
	if normalize(eb.Type) != "tokens" {
		return false
	}
	m := budgetRE.FindStringSubmatch(eb.Message)
	if m == nil {
		return false
	}
	limit, err1 := strconv.Atoi(m[1])
	requested, err2 := strconv.Atoi(m[2])
	return err1 == nil && err2 == nil && requested > limit
}

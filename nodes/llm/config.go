package llm

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OutputMode says how a [Client] asks the server for structured output.
type OutputMode string

// The output modes.
const (
	// OutputAuto asks for a JSON schema when the request has one and falls
	// back to text, once and for good, when the server refuses it.
	OutputAuto OutputMode = "auto"
	// OutputJSONSchema sends response_format {type: json_schema}.
	OutputJSONSchema OutputMode = "json_schema"
	// OutputJSONObject sends response_format {type: json_object}.
	OutputJSONObject OutputMode = "json_object"
	// OutputText sends no response_format.
	OutputText OutputMode = "text"
)

// DefaultTimeout bounds one call when [Config.Timeout] is zero.
const DefaultTimeout = 60 * time.Second

// DefaultBaseURL is the server used when [Config.BaseURL] is empty.
const DefaultBaseURL = "https://api.openai.com/v1"

// Config configures a [Client].
type Config struct {
	// Provider is a label for reports and events, like "primary" or
	// "backup". It is never sent to the server.
	Provider string
	// BaseURL is the API root, like "http://127.0.0.1:8089/v1". Empty means
	// [DefaultBaseURL].
	BaseURL string
	// APIKey is sent as a bearer token; empty sends none. It never appears
	// in an error message.
	APIKey string
	// Model is the model name the server serves. It is required.
	Model string
	// Timeout bounds one call, the response body included. Zero means
	// [DefaultTimeout].
	Timeout time.Duration
	// Output says how to ask for structured output. Empty means
	// [OutputAuto].
	Output OutputMode
	// MaxTokens caps the answer's length; a [Request] may override it.
	// Zero lets the server decide.
	MaxTokens int
	// Temperature is the sampling temperature; zero is sent as the server's
	// default.
	Temperature float32
	// HTTPClient sends the requests. Nil means a new client over
	// [http.DefaultTransport]. The client is copied, not modified: its
	// transport is wrapped to capture error answers.
	HTTPClient *http.Client
}

// ConfigError is the error [New] returns for a [Config] that cannot work.
// It matches [ErrConfig] with [errors.Is]. It never holds the API key.
type ConfigError struct {
	// Provider is the [Config.Provider] of the config at fault.
	Provider string
	// Field names the field at fault as messages write it, like
	// "base_url" or "timeout".
	Field string
	// Value is the value given, fit to be shown: a URL loses its user
	// info and query, and the API key is masked wherever it appears.
	// Empty means the field was empty.
	Value string
	// Problem says what is wrong, in lowercase, like "is not an http(s)
	// URL: it does not start with http:// or https://".
	Problem string
	// Hint says what to write instead; it may be empty.
	Hint string
}

// Error formats e as "llm: bad config: field F "VALUE" PROBLEM (HINT)".
func (e *ConfigError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: field %s ", ErrConfig, e.Field)
	if e.Value != "" {
		fmt.Fprintf(&b, "%q ", e.Value)
	}
	b.WriteString(e.Problem)
	if e.Hint != "" {
		fmt.Fprintf(&b, " (%s)", e.Hint)
	}
	return b.String()
}

// Is reports whether target is [ErrConfig].
func (e *ConfigError) Is(target error) bool { return target == ErrConfig }

// exampleBaseURL is the form a base URL is shown to take in messages.
const exampleBaseURL = "http://127.0.0.1:11434/v1"

// check returns the config with defaults filled in, or a [*ConfigError]
// naming the field at fault.
func (c Config) check() (Config, error) {
	bad := func(field, value, problem, hint string) error {
		return &ConfigError{Provider: c.Provider, Field: field, Value: value,
			Problem: problem, Hint: hint}
	}
	if c.Model == "" {
		return c, bad("model", "", "is empty", "set it to a model name the server serves")
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if problem := urlProblem(c.BaseURL); problem != "" {
		return c, bad("base_url", maskKey(scrubURL(c.BaseURL), c.APIKey),
			"is not an http(s) URL: "+problem, "write it like "+exampleBaseURL)
	}
	if c.Timeout < 0 {
		return c, bad("timeout", c.Timeout.String(), "is negative",
			fmt.Sprintf("use a positive duration, or zero for %.0fs", DefaultTimeout.Seconds()))
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	switch c.Output {
	case "":
		c.Output = OutputAuto
	case OutputAuto, OutputJSONSchema, OutputJSONObject, OutputText:
	default:
		return c, bad("output", string(c.Output), "is not a mode",
			"use auto, json_schema, json_object or text")
	}
	if c.MaxTokens < 0 {
		return c, bad("max_tokens", strconv.Itoa(c.MaxTokens), "is negative",
			"use a positive number, or zero for the server's default")
	}
	return c, nil
}

// urlProblem says why raw is not an http(s) URL with a host, or returns
// "" when it is one.
func urlProblem(raw string) string {
	if !strings.Contains(raw, "://") {
		return "it does not start with http:// or https://"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "it cannot be parsed"
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("its scheme is %s, not http or https", u.Scheme)
	case u.Host == "":
		return "it names no host"
	}
	return ""
}

// scrubURL drops the user info, query and fragment of a URL that may
// carry a secret. A value that does not parse as a URL with a host loses
// the same parts by their separators: what comes before an '@' and after
// a '?' or '#'.
func scrubURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Opaque == "" {
		u.User = nil
		u.RawQuery, u.Fragment = "", ""
		return u.String()
	}
	s, _, _ := strings.Cut(raw, "?")
	s, _, _ = strings.Cut(s, "#")
	scheme, rest, found := strings.Cut(s, "://")
	if !found {
		scheme, rest = "", s
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		rest = rest[at+1:]
	}
	if found {
		return scheme + "://" + rest
	}
	return rest
}

// maskKey hides every occurrence of key in s.
func maskKey(s, key string) string {
	if key == "" {
		return s
	}
	return strings.ReplaceAll(s, key, "[key]")
}

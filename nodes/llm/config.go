package llm

import (
	"fmt"
	"net/http"
	"net/url"
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

// check returns the config with defaults filled in, or an error naming the
// field at fault.
func (c Config) check() (Config, error) {
	if c.Model == "" {
		return c, fmt.Errorf("%w: field model is empty "+
			"(set it to a model name the server serves)", ErrConfig)
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("%w: field base_url %q is not an http(s) URL "+
			"(write it like http://127.0.0.1:8089/v1)", ErrConfig, scrubURL(c.BaseURL))
	}
	if c.Timeout < 0 {
		return c, fmt.Errorf("%w: field timeout is negative (%s); "+
			"use a positive duration or zero for %s", ErrConfig, c.Timeout, DefaultTimeout)
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	switch c.Output {
	case "":
		c.Output = OutputAuto
	case OutputAuto, OutputJSONSchema, OutputJSONObject, OutputText:
	default:
		return c, fmt.Errorf("%w: field output %q is not a mode "+
			"(use auto, json_schema, json_object or text)", ErrConfig, c.Output)
	}
	if c.MaxTokens < 0 {
		return c, fmt.Errorf("%w: field max_tokens is negative (%d); "+
			"use a positive number or zero for the server's default", ErrConfig, c.MaxTokens)
	}
	return c, nil
}

// scrubURL drops the user info and query of a URL that may carry a secret.
func scrubURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable)"
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}

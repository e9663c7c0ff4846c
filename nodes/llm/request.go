package llm

import (
	"encoding/json"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Message is one chat message.
type Message struct {
	// Role is "system", "user" or "assistant".
	Role string
	// Content is the message text.
	Content string
}

// Request is one chat-completion call.
type Request struct {
	// Messages is the conversation, oldest first. It must not be empty.
	Messages []Message
	// Schema is the JSON schema of the wanted answer; nil asks for none.
	Schema map[string]any
	// SchemaName names the schema for the server; empty means "answer".
	SchemaName string
	// MaxTokens caps this answer's length; zero means [Config.MaxTokens].
	MaxTokens int
}

// Response is the server's answer.
type Response struct {
	// Content is the first choice's message text, as sent.
	Content string
	// FinishReason is the first choice's finish_reason, as sent: "stop",
	// "length" for an answer cut at the token limit, and so on.
	FinishReason string
	// Model is the model that answered, as the server names it.
	Model string
	// Usage counts the tokens the call used.
	Usage Usage
	// Latency is the time from sending the request to decoding the answer.
	Latency time.Duration
}

// Usage counts tokens as the server reports them.
type Usage struct {
	PromptTokens, CompletionTokens, TotalTokens int
}

// schemaJSON lets go-openai marshal a schema given as a map.
type schemaJSON map[string]any

func (s schemaJSON) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any(s))
}

// reasoningModel reports whether go-openai treats model as a reasoning
// model, which takes max_completion_tokens and no temperature.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// build turns r into go-openai's request, asking for output in mode.
func (c *Client) build(r Request, mode OutputMode) openai.ChatCompletionRequest {
	out := openai.ChatCompletionRequest{Model: c.cfg.Model}
	for _, m := range r.Messages {
		out.Messages = append(out.Messages,
			openai.ChatCompletionMessage{Role: m.Role, Content: m.Content})
	}

	maxTokens := r.MaxTokens
	if maxTokens == 0 {
		maxTokens = c.cfg.MaxTokens
	}
	if reasoningModel(c.cfg.Model) {
		out.MaxCompletionTokens = maxTokens
	} else {
		out.MaxTokens = maxTokens
		out.Temperature = c.cfg.Temperature
	}

	switch mode {
	case OutputJSONObject:
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONObject,
		}
	case OutputJSONSchema:
		name := r.SchemaName
		if name == "" {
			name = "answer"
		}
		out.ResponseFormat = &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: name, Schema: schemaJSON(r.Schema), Strict: true,
			},
		}
	}
	return out
}

// mode picks the output mode of a call.
func (c *Client) mode(r Request) OutputMode {
	switch c.cfg.Output {
	case OutputText, OutputJSONObject:
		return c.cfg.Output
	case OutputJSONSchema:
		if r.Schema == nil {
			return OutputJSONObject
		}
		return OutputJSONSchema
	}
	if r.Schema != nil && !c.noSchema.Load() {
		return OutputJSONSchema
	}
	return OutputText
}

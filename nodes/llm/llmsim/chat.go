package llmsim

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"

	"github.com/graphrun/graphrun/policies"
)

// maxBody caps the size of a request body.
const maxBody = 8 << 20

// chatRequest is the part of a chat-completion request the server reads.
type chatRequest struct {
	Model               string        `json:"model"`
	Messages            []chatMessage `json:"messages"`
	MaxTokens           int           `json:"max_tokens"`
	MaxCompletionTokens int           `json:"max_completion_tokens"`
	ResponseFormat      *struct {
		Type string `json:"type"`
	} `json:"response_format"`
}

// chatMessage is one message; its content is a string or a list of parts.
type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// text returns the message's text, joining the text parts of a list.
func (m chatMessage) text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Type, Text string
	}
	if json.Unmarshal(m.Content, &parts) != nil {
		return ""
	}
	texts := make([]string, 0, len(parts))
	for _, p := range parts {
		if p.Type == "text" {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, "\n")
}

// outcome is what the dice chose for one request.
type outcome struct {
	fault     policies.Class // "" for an answer
	truncate  bool
	malformed bool
}

// pick rolls once and walks the rates in a fixed order: faults in
// [FaultClasses] order, then truncate, then malformed.
func (s *Server) pick(rng *rand.Rand) outcome {
	u := rng.Float64()
	acc := 0.0
	for _, c := range sortedClasses(s.opts.Faults) {
		if !injectable(c) {
			continue
		}
		if acc += s.opts.Faults[c]; u < acc {
			if c == policies.InvalidResponse {
				return outcome{malformed: true}
			}
			return outcome{fault: c}
		}
	}
	if acc += s.opts.Truncate; u < acc {
		return outcome{truncate: true}
	}
	if acc += s.opts.Malformed; u < acc {
		return outcome{malformed: true}
	}
	return outcome{}
}

// chat answers POST /v1/chat/completions.
func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	// Read the whole body first: the server notices a client that gave up
	// only once the body is consumed.
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	s.count(func(st *Stats) { st.Requests++ })
	var req chatRequest
	if err == nil {
		err = json.Unmarshal(raw, &req)
	}
	vars := map[string]string{"model": s.opts.Model}
	switch {
	case s.opts.APIKey != "" && r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey:
		s.fail(w, r, policies.Auth, vars, nil)
		return
	case err != nil || len(req.Messages) == 0:
		s.fail(w, r, policies.BadRequest, vars, nil)
		return
	}
	if req.Model != "" {
		vars["model"] = req.Model
	}

	p := readPrompt(req.Messages)
	if p.passage != "" {
		s.count(func(st *Stats) { st.Passages[PassageHash(p.passage)]++ })
	}
	if !wait(r, s.opts.Latency) {
		return
	}

	// Refusals that do not depend on the dice.
	if s.opts.RejectSchema && req.ResponseFormat != nil && req.ResponseFormat.Type == "json_schema" {
		s.count(func(st *Stats) { st.Faults[policies.BadRequest]++ })
		writeFault(w, "response_format", vars)
		return
	}
	if n := estimateTokens(p.passage); s.opts.ContextTokens > 0 && n > s.opts.ContextTokens {
		vars["limit"] = strconv.Itoa(s.opts.ContextTokens)
		vars["tokens"] = strconv.Itoa(promptTokens(req.Messages))
		s.fail(w, r, policies.ContentTooLong, vars, nil)
		return
	}

	keyParts := make([]string, 0, 2*len(req.Messages))
	for _, m := range req.Messages {
		keyParts = append(keyParts, m.Role, m.text())
	}
	rng := s.rollFor(hashOf(keyParts...))
	o := s.pick(rng)
	if o.fault != "" {
		vars["limit"] = "8192"
		vars["tokens"] = strconv.Itoa(max(promptTokens(req.Messages), 8193))
		s.fail(w, r, o.fault, vars, rng)
		return
	}
	s.answer(w, req, p, o, rng)
}

// fail sends a fault of class c. A timeout holds the request until the
// client gives up or the hold time passes.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, c policies.Class,
	vars map[string]string, rng *rand.Rand) {
	s.count(func(st *Stats) { st.Faults[c]++ })
	variants := faultVariants[c]
	name := variants[0]
	if rng != nil && len(variants) > 1 {
		name = variants[rng.IntN(len(variants))]
	}
	switch c {
	case policies.Timeout:
		if !wait(r, s.opts.Hold) {
			return
		}
	case policies.RateLimit:
		setRetryAfter(w.Header(), s.opts.RetryAfter)
	}
	writeFault(w, name, vars)
}

// answer writes the questions, spoiled as the outcome says.
func (s *Server) answer(w http.ResponseWriter, req chatRequest, p prompt, o outcome,
	rng *rand.Rand) {
	// The questions depend on the seed and the passage only, so that a
	// retry gets the same answer.
	qrng := rand.New(rand.NewPCG(uint64(s.opts.Seed), hashOf(p.passage, strconv.Itoa(p.count))))
	body, _ := json.Marshal(map[string]any{"questions": writeQuestions(p.passage, p.count, qrng)})
	text := string(body)
	if req.ResponseFormat == nil || req.ResponseFormat.Type == "text" {
		// Without structured output, models like to wrap JSON in prose.
		text = "Here are the questions.\n\n```json\n" + text + "\n```\n"
	}

	finish := "stop"
	if o.malformed {
		text = breakJSON(text, rng)
	}
	if o.truncate {
		text, finish = cutShort(text, rng), "length"
	}
	limit := req.MaxCompletionTokens
	if limit == 0 {
		limit = req.MaxTokens
	}
	if limit > 0 && estimateTokens(text) > limit {
		text, finish = string([]rune(text)[:limit*4]), "length"
	}

	prompt, completion := promptTokens(req.Messages), estimateTokens(text)
	s.count(func(st *Stats) {
		st.Answered++
		st.PromptTokens += prompt
		st.CompletionTokens += completion
		if o.truncate {
			st.Truncated++
		}
		if o.malformed {
			st.Malformed++
		}
	})
	model := req.Model
	if model == "" {
		model = s.opts.Model
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id":      fmt.Sprintf("chatcmpl-sim-%016x", hashOf(text)),
		"object":  "chat.completion",
		"created": 0,
		"model":   model,
		"choices": []any{map[string]any{
			"index":         0,
			"message":       map[string]any{"role": "assistant", "content": text},
			"finish_reason": finish,
		}},
		"usage": map[string]any{
			"prompt_tokens":     prompt,
			"completion_tokens": completion,
			"total_tokens":      prompt + completion,
		},
	})
}

// promptTokens estimates the prompt's tokens, with a few per message for
// the role markers.
func promptTokens(msgs []chatMessage) int {
	n := 0
	for _, m := range msgs {
		n += 4 + estimateTokens(m.text())
	}
	return n
}

// breakJSON spoils the JSON in text in one of the ways models do: a
// missing close, unquoted keys, or single quotes.
func breakJSON(text string, rng *rand.Rand) string {
	switch rng.IntN(3) {
	case 1:
		if broken := strings.ReplaceAll(text, `"question":`, `question:`); broken != text {
			return broken
		}
	case 2:
		return strings.ReplaceAll(text, `"`, `'`)
	}
	i := strings.LastIndex(text, "]}")
	return text[:i] + text[i+2:]
}

// cutShort cuts text between a third and two thirds of its length.
func cutShort(text string, rng *rand.Rand) string {
	r := []rune(text)
	third := len(r) / 3
	return string(r[:third+rng.IntN(third+1)])
}

package llmsim

import (
	"maps"

	"github.com/graphrun/graphrun/policies"
)

// Stats counts what a [Server] has done since it started.
type Stats struct {
	// Requests counts chat-completion requests, faults included.
	Requests int `json:"requests"`
	// Answered counts 200 answers, truncated and malformed ones included.
	Answered int `json:"answered"`
	// Faults counts error answers by class; the hung requests of timeout
	// faults count under timeout.
	Faults map[policies.Class]int `json:"faults"`
	// Truncated and Malformed count the bad 200 answers.
	Truncated int `json:"truncated"`
	Malformed int `json:"malformed"`
	// PromptTokens and CompletionTokens add up the usage of 200 answers.
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	// Passages counts requests by [PassageHash] of their passage, faults
	// included, so a test can check that no passage was asked for twice.
	Passages map[string]int `json:"passages"`
}

// clone returns a deep copy of s.
func (s Stats) clone() Stats {
	s.Faults = maps.Clone(s.Faults)
	s.Passages = maps.Clone(s.Passages)
	return s
}

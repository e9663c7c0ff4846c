// Package llmsim is an OpenAI-compatible chat-completion server for tests
// and demos. It writes multiple-choice questions from the passage in the
// prompt, deterministically for a given seed and prompt, and injects the
// faults real servers produce (rate limits with a wait, exhausted quota,
// proxy error pages, missing models, context overflow, content filters,
// bad keys, hung requests, truncated and malformed answers) at rates the
// caller chooses, so that a graph's retries and fallbacks can be watched
// without a paid model.
//
// # Prompt contract
//
// The passage is the text between a line `<passage>` and a line
// `</passage>` in the last user message that has one (so a repair
// follow-up that quotes no passage is answered from the earlier message).
// A line `questions: N` asks for N questions; the default is one. The
// answer is JSON of the shape
//
//	{"questions":[{"question":"...","options":["a","b","c","d"],
//	               "answer_index":0,"explanation":"..."}]}
//
// Each question is a gap-fill built from one of the passage's sentences:
// a key term is blanked out, the correct option is that term, and the
// three distractors are other terms of the passage of a similar kind.
//
// # Endpoints
//
//	POST /v1/chat/completions  the model
//	GET  /v1/models            the one model it serves
//	GET  /healthz              "ok"
//	GET  /sim/stats            [Stats] as JSON
//
// The fault answers are data: JSON files under faults/, embedded in the
// binary.
package llmsim

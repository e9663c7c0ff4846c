// Package mcq turns a chunk of course text into multiple-choice questions
// and back: it builds the prompt, parses what a model answers (tolerating
// fences, prose, think blocks, letter keys and label prefixes, and refusing
// truncated or invalid answers), validates each question, shuffles options
// and drops near-duplicates.
//
// The round trip is: [Prompt] builds the messages (and [Schema] the JSON
// Schema for structured output); [Parse] reads the model's answer into a
// [Batch] of valid questions and [Rejection]s; when nothing is usable it
// returns an invalid_response error whose [*ParseError] feeds
// [RepairPrompt] for one repair attempt, unless the answer was truncated.
// [Validate] holds the per-question rules and, given the passage, checks
// the question is grounded in it ([Grounded]). [Dedupe] and
// [NearDuplicate] drop questions that ask the same thing; [QuestionID]
// gives the stable identity the quiz store saves by; [Shuffle] reorders
// options without losing the answer.
//
// Parse never guesses: a 1-based index, a key that matches no option, an
// answer with elided items or a control character is refused rather than
// fixed, and the only repairs it makes are those that cannot change what
// the model meant (stripping fences and list markers, reading letter keys,
// keeping LaTeX backslashes as text).
package mcq

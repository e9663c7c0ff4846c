package mcq

// Question is one multiple-choice question with exactly one correct option.
type Question struct {
	// ID is stable for the same stem and options, so saving it twice is a
	// no-op.
	ID string `json:"id"`
	// Stem is the question text.
	Stem string `json:"question"`
	// Options holds the answer options, usually four.
	Options []string `json:"options"`
	// Answer is the 0-based index of the correct option.
	Answer int `json:"answer_index"`
	// Explanation says why the answer is right; it may be empty.
	Explanation string `json:"explanation,omitempty"`
	// Source records where the question came from.
	Source Source `json:"source"`
}

// Source records which generator and model made a question, from which
// chunk of which document.
type Source struct {
	// Generator is "llm" or "template".
	Generator string `json:"generator"`
	// Provider and Model name the model for llm questions.
	Provider string `json:"provider,omitempty"`
	Model    string `json:"model,omitempty"`
	// Document is the input file; Chunk the stable id of the chunk.
	Document string `json:"document,omitempty"`
	Chunk    string `json:"chunk,omitempty"`
}

package mcq

// Schema returns the JSON Schema of the answer [Prompt] asks for, in the
// form OpenAI-compatible servers accept for structured output: every
// property required and no additional properties. Each call returns a new
// map that the caller may change.
func Schema() map[string]any {
	str := func(desc string) map[string]any {
		return map[string]any{"type": "string", "description": desc}
	}
	question := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"question": str("the question, as a full sentence"),
			"options": map[string]any{
				"type":        "array",
				"description": "four options without letters in front; one is correct",
				"items":       map[string]any{"type": "string"},
				"minItems":    OptionCount,
				"maxItems":    OptionCount,
			},
			"answer_index": map[string]any{
				"type":        "integer",
				"description": "0-based index of the correct option",
				"minimum":     0,
				"maximum":     OptionCount - 1,
			},
			"explanation": str("why the answer is right, citing the passage"),
		},
		"required":             []any{"question", "options", "answer_index", "explanation"},
		"additionalProperties": false,
	}
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"questions": map[string]any{"type": "array", "items": question},
		},
		"required":             []any{"questions"},
		"additionalProperties": false,
	}
}

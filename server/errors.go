package server

import (
	"encoding/json"
	"net/http"
)

// The error codes of the API. They are stable: clients may match them.
const (
	CodeUnauthorized     = "unauthorized"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeGraphNotFound    = "graph_not_found"
	CodeRunNotFound      = "run_not_found"
	CodeTooLarge         = "request_too_large"
	CodeBadJSON          = "malformed_json"
	CodeBadQuery         = "bad_query"
	CodeInvalidInput     = "invalid_input"
	CodeThreadExists     = "thread_exists"
	CodeRunActive        = "run_active"
	CodeRunFinished      = "run_finished"
	CodeTooManyRuns      = "too_many_runs"
	CodeDraining         = "draining"
	CodeStateUnavailable = "state_unavailable"
	CodeInternal         = "internal"
)

// Error is the body of every error answer.
type Error struct {
	// Code is one of the Code constants.
	Code string `json:"code"`
	// Message says what went wrong and, where it helps, what to do.
	Message string `json:"message"`
	// Field names the input field at fault, for invalid_input; empty
	// otherwise.
	Field string `json:"field,omitempty"`
}

// errorBody wraps an [Error] as the API sends it: {"error": {...}}.
type errorBody struct {
	Error Error `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error{Code: code, Message: msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

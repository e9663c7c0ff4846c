// Package llm is graphrun's client for OpenAI-compatible chat-completion
// servers (OpenAI, Azure OpenAI, vLLM, llama.cpp, Ollama and the gateways in
// front of them).
//
// A [Client] sends one [Request] and returns one [Response]. Every error it
// returns is a [*policies.Error] whose class was decided where the failure
// was seen: from the HTTP status, the structured fields of the error body
// (code, type, param) and the headers. The words of a message are read only
// for the few kinds servers send without a code (an input that overflows
// the context, an account out of money) and only where the status leaves
// the kind open. To see what the server really sent, the client
// wraps its HTTP transport: for every answer with a status of 400 or more,
// the transport keeps the status, headers and raw body in a holder that the
// request's context carries, and [Classify] reads them.
//
// The configured API key never reaches an error message: the server's
// message is scrubbed of anything that looks like the key, and request
// headers are never quoted.
//
// Structured output follows [Config.Output]: a JSON schema, a JSON object,
// plain text, or "auto", which asks for the schema and falls back to text
// for the rest of the client's life when the server refuses the
// response_format parameter.
package llm

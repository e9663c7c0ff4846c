// Package server serves graph runs over HTTP.
//
// A [Server] holds an engine, the graphs it may run by name and the
// metrics of its runs. Its handler starts runs in the background and
// answers with their thread id; clients then read a run's status, state
// and report, stream its events as Server-Sent Events, and resume it when
// it was interrupted or failed. Every error is a JSON object with a stable
// code (see [Error]); a known path asked with a method it does not take
// answers 405 with an Allow header. A start request's input is checked
// before the answer, so a bad one is refused with 422 and starts nothing.
// The node functions, not the server, confine the files a run reads and
// writes (see nodes.Deps.Root). Requests to the API and to /metrics need a
// bearer token when one is configured; /healthz and /readyz never do.
//
// [Server.Shutdown] drains the server: it stops taking runs and lets each
// run in progress go on to its next checkpoint, where it stops, resumable;
// a run still mid-step at the drain timeout is canceled.
// [Server.ResumeInterrupted] picks them up again after a restart. The
// routes are listed by [Server.Routes] and described in docs/openapi.yaml.
package server

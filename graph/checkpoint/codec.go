package checkpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/graphrun/graphrun/graph"
)

// Version is the codec version written into every encoded checkpoint and
// task result. Decoding any other version fails with [ErrVersion].
const Version = 1

// ErrVersion means an encoded value carries a codec version this build does
// not know, usually because a newer graphrun wrote it.
var ErrVersion = errors.New("unknown codec version")

// envelope is the stored form of a checkpoint: its names are fixed here,
// once, for every store, and carry the codec version, whatever tags
// [graph.Checkpoint] has.
type envelope struct {
	V           int                `json:"v"`
	Thread      string             `json:"thread"`
	Run         string             `json:"run"`
	Graph       string             `json:"graph"`
	Digest      string             `json:"digest"`
	Source      string             `json:"source,omitempty"`
	Step        int                `json:"step"`
	Status      graph.Status       `json:"status"`
	Writes      []graph.Write      `json:"writes"`
	Tasks       []graph.TaskRecord `json:"tasks"`
	Next        []graph.Task       `json:"next"`
	Counters    graph.Counters     `json:"counters"`
	Error       *graph.ErrorRecord `json:"error"`
	Compensated []string           `json:"compensated"`
	Time        time.Time          `json:"time"`
}

// Encode returns the stored form of cp. Times are stored in UTC with
// nanoseconds; values inside writes and task items must be encodable as
// JSON.
func Encode(cp *graph.Checkpoint) ([]byte, error) {
	e := envelope{
		V: Version, Thread: cp.Thread, Run: cp.Run, Graph: cp.Graph,
		Digest: cp.Digest, Source: cp.Source, Step: cp.Step, Status: cp.Status,
		Writes: cp.Writes, Tasks: utcRecords(cp.Tasks), Next: cp.Next,
		Counters: cp.Counters, Error: cp.Error, Compensated: cp.Compensated,
		Time: cp.Time.UTC(),
	}
	data, err := json.Marshal(&e)
	if err != nil {
		return nil, fmt.Errorf("encode checkpoint: %w", err)
	}
	return data, nil
}

// Decode parses the stored form of a checkpoint. Numbers inside write
// values and task items come back as float64; every other field comes back
// as it was encoded. Malformed data, unknown fields and an unknown version
// are errors, never defaults.
func Decode(data []byte) (*graph.Checkpoint, error) {
	var e envelope
	if err := decodeStrict(data, &e); err != nil {
		return nil, fmt.Errorf("decode checkpoint: %w", err)
	}
	return &graph.Checkpoint{
		Thread: e.Thread, Run: e.Run, Graph: e.Graph, Digest: e.Digest,
		Source: e.Source, Step: e.Step, Status: e.Status, Writes: e.Writes, Tasks: e.Tasks,
		Next: e.Next, Counters: e.Counters, Error: e.Error,
		Compensated: e.Compensated, Time: e.Time,
	}, nil
}

// EncodeResult returns the stored form of a pending task result.
func EncodeResult(r *graph.TaskResult) ([]byte, error) {
	c := *r
	c.Record.Started = c.Record.Started.UTC()
	data, err := json.Marshal(&resultEnvelope{V: Version, Result: &c})
	if err != nil {
		return nil, fmt.Errorf("encode task result: %w", err)
	}
	return data, nil
}

// DecodeResult parses the stored form of a pending task result, with the
// same rules as [Decode].
func DecodeResult(data []byte) (*graph.TaskResult, error) {
	var e resultEnvelope
	if err := decodeStrict(data, &e); err != nil {
		return nil, fmt.Errorf("decode task result: %w", err)
	}
	if e.Result == nil {
		return nil, errors.New("decode task result: missing result")
	}
	return e.Result, nil
}

// resultEnvelope is the stored form of a pending task result.
type resultEnvelope struct {
	V      int               `json:"v"`
	Result *graph.TaskResult `json:"result"`
}

// versioned reads only the version, so that a value written by a newer
// codec is reported as such rather than as a field mismatch.
type versioned struct {
	V int `json:"v"`
}

func decodeStrict(data []byte, v any) error {
	var ver versioned
	if err := json.Unmarshal(data, &ver); err != nil {
		return err
	}
	if ver.V != Version {
		return fmt.Errorf("%w %d (this build reads %d)", ErrVersion, ver.V, Version)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after value")
	}
	return nil
}

func utcRecords(rs []graph.TaskRecord) []graph.TaskRecord {
	if rs == nil {
		return nil
	}
	out := make([]graph.TaskRecord, len(rs))
	for i, r := range rs {
		r.Started = r.Started.UTC()
		out[i] = r
	}
	return out
}

// EncodeStatus returns the stored form of a status set outside a commit.
func EncodeStatus(st *graph.ThreadStatus) ([]byte, error) {
	c := *st
	c.Time = c.Time.UTC()
	data, err := json.Marshal(&statusEnvelope{V: Version, Status: &c})
	if err != nil {
		return nil, fmt.Errorf("encode thread status: %w", err)
	}
	return data, nil
}

// DecodeStatus parses the stored form of a thread status, with the same
// rules as [Decode].
func DecodeStatus(data []byte) (*graph.ThreadStatus, error) {
	var e statusEnvelope
	if err := decodeStrict(data, &e); err != nil {
		return nil, fmt.Errorf("decode thread status: %w", err)
	}
	if e.Status == nil {
		return nil, errors.New("decode thread status: missing status")
	}
	return e.Status, nil
}

// statusEnvelope is the stored form of a thread status.
type statusEnvelope struct {
	V      int                 `json:"v"`
	Status *graph.ThreadStatus `json:"status"`
}

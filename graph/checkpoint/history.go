package checkpoint

import (
	"fmt"

	"github.com/graphrun/graphrun/graph"
)

// The kinds of stored value [DecodeRow] decodes.
const (
	// KindCheckpoint is an encoded [graph.Checkpoint].
	KindCheckpoint = 0
	// KindPending is an encoded pending [graph.TaskResult].
	KindPending = 1
	// KindStatus is an encoded [graph.ThreadStatus].
	KindStatus = 2
)

// DecodeRow decodes one stored value of thread and adds it to h: a
// checkpoint stored under step, a pending result of step, or the thread's
// set status (step is then the thread's last step). Values must come in
// the order a history lists them. A value that does not decode, or a
// checkpoint stored under another thread or step than its own, fails with
// a [graph.CorruptError].
func DecodeRow(h *graph.History, thread string, kind, step int, data []byte) error {
	switch kind {
	case KindCheckpoint:
		cp, err := Decode(data)
		if err := CorruptAt(thread, step, cp, err); err != nil {
			return err
		}
		h.Checkpoints = append(h.Checkpoints, cp)
	case KindPending:
		r, err := DecodeResult(data)
		if err != nil {
			return CorruptAt(thread, step, nil, err)
		}
		h.Pending = append(h.Pending, r)
	case KindStatus:
		st, err := DecodeStatus(data)
		if err != nil {
			return CorruptAt(thread, step, nil, err)
		}
		h.Status = st
	default:
		return CorruptAt(thread, step, nil, fmt.Errorf("unknown row kind %d", kind))
	}
	return nil
}

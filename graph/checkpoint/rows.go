package checkpoint

import (
	"fmt"

	"github.com/graphrun/graphrun/graph"
)

// Rows is the part of a query result that the database stores read; both
// database/sql and pgx results have it.
type Rows interface {
	// Next moves to the next row, reporting false when there is none or
	// reading failed.
	Next() bool
	// Scan copies the current row's columns, in order, into dest.
	Scan(dest ...any) error
	// Err returns the error that ended the rows early, or nil.
	Err() error
}

// ReadHistory builds a thread's history from the rows of a load query
// whose columns are kind, step, order and payload (see [DecodeRow]). It
// fails with [graph.ErrThreadNotFound] when there is no checkpoint.
func ReadHistory(thread string, rows Rows) (*graph.History, error) {
	h := &graph.History{}
	for rows.Next() {
		var (
			kind, step int
			order      int64
			data       []byte
		)
		if err := rows.Scan(&kind, &step, &order, &data); err != nil {
			return nil, fmt.Errorf("load thread %s: %w", thread, err)
		}
		if err := DecodeRow(h, thread, kind, step, data); err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load thread %s: %w", thread, err)
	}
	if len(h.Checkpoints) == 0 {
		return nil, fmt.Errorf("load thread %s: %w", thread, graph.ErrThreadNotFound)
	}
	return h, nil
}

// ReadThreads reads listing rows whose columns are thread, graph, status,
// step, created, updated (in [Nanos]) and error.
func ReadThreads(rows Rows) ([]graph.ThreadInfo, error) {
	var out []graph.ThreadInfo
	for rows.Next() {
		var (
			i                graph.ThreadInfo
			created, updated int64
		)
		err := rows.Scan(&i.Thread, &i.Graph, &i.Status, &i.Step, &created, &updated, &i.Error)
		if err != nil {
			return nil, fmt.Errorf("threads: %w", err)
		}
		i.Created, i.Updated = FromNanos(created), FromNanos(updated)
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("threads: %w", err)
	}
	return out, nil
}

// ShownAfter is what listings show once cp commits on a thread whose row
// holds the status set last (setRaw, nil when none) at step last.
func ShownAfter(cp *graph.Checkpoint, last int, setRaw []byte) (Shown, error) {
	shown := ShownOf(cp)
	if setRaw == nil {
		return shown, nil
	}
	set, err := DecodeStatus(setRaw)
	if err != nil {
		return Shown{}, CorruptAt(cp.Thread, last, nil, err)
	}
	return shown.With(set), nil
}

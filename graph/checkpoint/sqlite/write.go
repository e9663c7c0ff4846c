package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

// Commit records cp and, in the same transaction, drops the pending
// results of its step. It fails with [graph.ErrConflict] when the thread
// already has a checkpoint for cp.Step or a later step.
func (s *Store) Commit(ctx context.Context, cp *graph.Checkpoint) error {
	if err := checkpoint.Check(cp); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	data, err := checkpoint.Encode(cp)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	step, recorded := s.pending[cp.Thread]
	drop := recorded && step == cp.Step
	err = s.w.inTx(ctx, func() error { return s.w.commit(cp, data, drop) })
	if err == nil && drop {
		delete(s.pending, cp.Thread)
	}
	if err != nil {
		return fmt.Errorf("commit thread %s step %d: %w", cp.Thread, cp.Step, err)
	}
	return nil
}

// commit runs the statements of a commit inside the write transaction.
func (w *writer) commit(cp *graph.Checkpoint, data []byte, drop bool) error {
	// Move the thread's row to cp.Step. The conditional update is also
	// the conflict check; when it changes no row, the thread is new, cp
	// conflicts, or a set status decides what listings show.
	errText, nanos := checkpoint.ErrorText(cp.Error), checkpoint.Nanos(cp.Time)
	res, err := w.advance.Exec(cp.Thread, cp.Graph, cp.Step, cp.Status, errText, nanos)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		if err := w.placeThread(cp, errText, nanos); err != nil {
			return err
		}
	}

	// Add the checkpoint's row and drop the results it supersedes, when
	// there may be any.
	_, err = w.insertCheckpoint.Exec(cp.Thread, cp.Step, cp.Status, cp.Graph, nanos, data)
	if err != nil {
		return conflictOr(err)
	}
	if !drop {
		return nil
	}
	_, err = w.drop.Exec(cp.Thread, cp.Step)
	return err
}

// placeThread inserts or updates the thread's row for cp when the
// conditional update of [writer.commit] changed nothing.
func (w *writer) placeThread(cp *graph.Checkpoint, errText string, nanos int64) error {
	var (
		last   int
		setRaw []byte
	)
	err := w.readThread.QueryRow(cp.Thread).Scan(&last, &setRaw)
	found := err == nil
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	case cp.Step <= last:
		return graph.ErrConflict
	}
	shown, err := checkpoint.ShownAfter(cp, last, setRaw)
	if err != nil {
		return err
	}
	stmt := w.insertThread
	if found {
		stmt = w.update
	}
	_, err = stmt.Exec(cp.Thread, cp.Graph, cp.Step, cp.Status, errText, nanos,
		shown.Status, shown.Error, checkpoint.Nanos(shown.Updated))
	return conflictOr(err)
}

// PutTask records r as a pending result of step step of thread, replacing
// an earlier result of the same task in place. It fails with
// [graph.ErrConflict] when the step has already committed.
func (s *Store) PutTask(ctx context.Context, thread string, step int, r *graph.TaskResult) error {
	if err := checkpoint.CheckResult(thread, step, r); err != nil {
		return fmt.Errorf("put task: %w", err)
	}
	data, err := checkpoint.EncodeResult(r)
	if err != nil {
		return fmt.Errorf("put task: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.w.putTask.ExecContext(ctx, thread, step, r.Task.ID, data)
	if err == nil {
		err = affected(res, graph.ErrConflict)
	}
	if err == nil {
		s.w.wrote()
		s.notePending(thread, step)
	}
	if err != nil {
		return fmt.Errorf("put task %s of thread %s step %d: %w", r.Task.ID, thread, step, err)
	}
	return nil
}

// notePending remembers that step of thread has task results to drop when
// it commits. The caller holds wmu.
func (s *Store) notePending(thread string, step int) {
	if s.pending == nil {
		s.pending = map[string]int{}
	}
	s.pending[thread] = step
}

// SetStatus records st as the thread's status, replacing the one set
// before. It fails with [graph.ErrThreadNotFound] when the thread has no
// checkpoint.
func (s *Store) SetStatus(ctx context.Context, thread string, st graph.ThreadStatus) error {
	if err := checkpoint.CheckStatus(thread, st); err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	data, err := checkpoint.EncodeStatus(&st)
	if err != nil {
		return fmt.Errorf("set status: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	err = s.w.inTx(ctx, func() error {
		var (
			last   checkpoint.Shown
			status string
			nanos  int64
		)
		err := s.w.conn.QueryRowContext(ctx, `SELECT cp_status, cp_error, cp_time
			FROM checkpoint_threads WHERE thread = ?`, thread).
			Scan(&status, &last.Error, &nanos)
		if errors.Is(err, sql.ErrNoRows) {
			return graph.ErrThreadNotFound
		}
		if err != nil {
			return err
		}
		last.Status, last.Updated = graph.Status(status), checkpoint.FromNanos(nanos)
		shown := last.With(&st)
		_, err = s.w.conn.ExecContext(ctx, `UPDATE checkpoint_threads
			SET set_payload = ?, status = ?, error = ?, updated = ? WHERE thread = ?`,
			data, shown.Status, shown.Error, checkpoint.Nanos(shown.Updated), thread)
		return err
	})
	if err != nil {
		return fmt.Errorf("set status of thread %s: %w", thread, err)
	}
	return nil
}

// conflictOr maps a constraint violation to [graph.ErrConflict].
func conflictOr(err error) error {
	if isConstraint(err) {
		return fmt.Errorf("%w: %v", graph.ErrConflict, err)
	}
	return err
}

// affected returns none when res changed no row.
func affected(res sql.Result, none error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return none
	}
	return nil
}

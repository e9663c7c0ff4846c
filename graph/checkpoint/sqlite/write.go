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
	err = s.inTx(ctx, func(tx *sql.Tx) error { return commitTx(ctx, tx, cp, data) })
	if err != nil {
		return fmt.Errorf("commit thread %s step %d: %w", cp.Thread, cp.Step, err)
	}
	return nil
}

func commitTx(ctx context.Context, tx *sql.Tx, cp *graph.Checkpoint, data []byte) error {
	// Read the thread's row: its last step and any status set since.
	var (
		last   int
		setRaw []byte
	)
	err := tx.QueryRowContext(ctx,
		`SELECT step, set_payload FROM checkpoint_threads WHERE thread = ?`,
		cp.Thread).Scan(&last, &setRaw)
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

	// Update the thread's row, then add the checkpoint's.
	if found {
		_, err = tx.ExecContext(ctx, `UPDATE checkpoint_threads SET graph = ?, step = ?,
			cp_status = ?, cp_error = ?, cp_time = ?, status = ?, error = ?, updated = ?
			WHERE thread = ?`,
			cp.Graph, cp.Step, cp.Status, checkpoint.ErrorText(cp.Error),
			checkpoint.Nanos(cp.Time), shown.Status, shown.Error,
			checkpoint.Nanos(shown.Updated), cp.Thread)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO checkpoint_threads (thread, graph, step,
			created, cp_status, cp_error, cp_time, status, error, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			cp.Thread, cp.Graph, cp.Step, checkpoint.Nanos(cp.Time), cp.Status,
			checkpoint.ErrorText(cp.Error), checkpoint.Nanos(cp.Time), shown.Status,
			shown.Error, checkpoint.Nanos(shown.Updated))
	}
	if err != nil {
		return conflictOr(err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO checkpoint_checkpoints
		(thread, step, status, graph, time, payload) VALUES (?, ?, ?, ?, ?, ?)`,
		cp.Thread, cp.Step, cp.Status, cp.Graph, checkpoint.Nanos(cp.Time), data)
	if err != nil {
		return conflictOr(err)
	}

	// Drop the results the checkpoint supersedes.
	_, err = tx.ExecContext(ctx,
		`DELETE FROM checkpoint_pending WHERE thread = ? AND step = ?`, cp.Thread, cp.Step)
	return err
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
	res, err := s.db.ExecContext(ctx, `INSERT INTO checkpoint_pending
		(thread, step, task, payload)
		SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (
			SELECT 1 FROM checkpoint_threads WHERE thread = ?1 AND step >= ?2)
		ON CONFLICT (thread, step, task) DO UPDATE SET payload = excluded.payload`,
		thread, step, r.Task.ID, data)
	if err == nil {
		err = affected(res, graph.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("put task %s of thread %s step %d: %w", r.Task.ID, thread, step, err)
	}
	return nil
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
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var (
			last   checkpoint.Shown
			status string
			nanos  int64
		)
		err := tx.QueryRowContext(ctx, `SELECT cp_status, cp_error, cp_time
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
		_, err = tx.ExecContext(ctx, `UPDATE checkpoint_threads
			SET set_payload = ?, status = ?, error = ?, updated = ? WHERE thread = ?`,
			data, shown.Status, shown.Error, checkpoint.Nanos(shown.Updated), thread)
		return err
	})
	if err != nil {
		return fmt.Errorf("set status of thread %s: %w", thread, err)
	}
	return nil
}

// inTx runs fn in a write transaction, committing it if fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback() //nolint:errcheck // fn's error matters more
		return err
	}
	return tx.Commit()
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

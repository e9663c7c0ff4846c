package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

// Commit records cp and, in the same transaction, drops the pending
// results of its step. It fails with [graph.ErrConflict] when the thread
// already has a checkpoint for cp.Step or a later step; of several
// workers committing the same step, exactly one succeeds.
func (s *Store) Commit(ctx context.Context, cp *graph.Checkpoint) error {
	if err := checkpoint.Check(cp); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	data, err := checkpoint.Encode(cp)
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return commitTx(ctx, tx, cp, data)
	})
	if err != nil {
		return fmt.Errorf("commit thread %s step %d: %w", cp.Thread, cp.Step, err)
	}
	return nil
}

func commitTx(ctx context.Context, tx pgx.Tx, cp *graph.Checkpoint, data []byte) error {
	// Lock the thread's row and read its last step and set status.
	var (
		last   int
		setRaw []byte
	)
	err := tx.QueryRow(ctx, `SELECT step, set_payload FROM checkpoint_threads
		WHERE thread = $1 FOR UPDATE`, cp.Thread).Scan(&last, &setRaw)
	found := err == nil
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	case cp.Step <= last:
		return graph.ErrConflict
	}
	shown, err := checkpoint.ShownAfter(cp, last, setRaw)
	if err != nil {
		return err
	}

	// Update the thread's row, then add the checkpoint's. A worker that
	// created the row first makes the insert fail as a conflict.
	if found {
		_, err = tx.Exec(ctx, `UPDATE checkpoint_threads SET graph = $1, step = $2,
			cp_status = $3, cp_error = $4, cp_time = $5, status = $6, error = $7,
			updated = $8 WHERE thread = $9`,
			cp.Graph, cp.Step, cp.Status, checkpoint.ErrorText(cp.Error),
			checkpoint.Nanos(cp.Time), shown.Status, shown.Error,
			checkpoint.Nanos(shown.Updated), cp.Thread)
	} else {
		_, err = tx.Exec(ctx, `INSERT INTO checkpoint_threads (thread, graph, step,
			created, cp_status, cp_error, cp_time, status, error, updated)
			VALUES ($1, $2, $3, $4, $5, $6, $4, $7, $8, $9)`,
			cp.Thread, cp.Graph, cp.Step, checkpoint.Nanos(cp.Time), cp.Status,
			checkpoint.ErrorText(cp.Error), shown.Status, shown.Error,
			checkpoint.Nanos(shown.Updated))
	}
	if err != nil {
		return conflictOr(err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO checkpoint_checkpoints
		(thread, step, status, graph, time, payload) VALUES ($1, $2, $3, $4, $5, $6)`,
		cp.Thread, cp.Step, cp.Status, cp.Graph, checkpoint.Nanos(cp.Time), data)
	if err != nil {
		return conflictOr(err)
	}

	// Drop the results the checkpoint supersedes.
	_, err = tx.Exec(ctx, `DELETE FROM checkpoint_pending WHERE thread = $1 AND step = $2`,
		cp.Thread, cp.Step)
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
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// A share lock on the thread's row orders this put against a
		// commit of the same thread.
		var last int
		err := tx.QueryRow(ctx, `SELECT step FROM checkpoint_threads
			WHERE thread = $1 FOR SHARE`, thread).Scan(&last)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case step <= last:
			return graph.ErrConflict
		}
		_, err = tx.Exec(ctx, `INSERT INTO checkpoint_pending (thread, step, task, payload)
			VALUES ($1, $2, $3, $4)
			ON CONFLICT (thread, step, task) DO UPDATE SET payload = excluded.payload`,
			thread, step, r.Task.ID, data)
		return err
	})
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
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var (
			last  checkpoint.Shown
			nanos int64
		)
		err := tx.QueryRow(ctx, `SELECT cp_status, cp_error, cp_time
			FROM checkpoint_threads WHERE thread = $1 FOR UPDATE`, thread).
			Scan(&last.Status, &last.Error, &nanos)
		if errors.Is(err, pgx.ErrNoRows) {
			return graph.ErrThreadNotFound
		}
		if err != nil {
			return err
		}
		last.Updated = checkpoint.FromNanos(nanos)
		shown := last.With(&st)
		_, err = tx.Exec(ctx, `UPDATE checkpoint_threads
			SET set_payload = $1, status = $2, error = $3, updated = $4 WHERE thread = $5`,
			data, shown.Status, shown.Error, checkpoint.Nanos(shown.Updated), thread)
		return err
	})
	if err != nil {
		return fmt.Errorf("set status of thread %s: %w", thread, err)
	}
	return nil
}

package sqlite

import (
	"context"
	"fmt"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/graph/checkpoint"
)

// loadQuery reads a whole thread in one statement, so that checkpoints,
// pending results and status come from the same snapshot. Its first
// column is the kind of row, as [checkpoint.DecodeRow] numbers them.
const loadQuery = `
SELECT 0, step, step, payload FROM checkpoint_checkpoints WHERE thread = ?1
UNION ALL
SELECT 1, p.step, p.seq, p.payload FROM checkpoint_pending p
	JOIN checkpoint_threads t ON t.thread = p.thread AND p.step = t.step + 1
	WHERE p.thread = ?1
UNION ALL
SELECT 2, step, 0, set_payload FROM checkpoint_threads
	WHERE thread = ?1 AND set_payload IS NOT NULL
ORDER BY 1, 3`

// Load returns the thread's checkpoints in step order, the pending results
// of the step after the last one in put order, and the status last set.
// It fails with [graph.ErrThreadNotFound] when the thread has no
// checkpoint, and with a [graph.CorruptError] when a stored value cannot
// be decoded.
func (s *Store) Load(ctx context.Context, thread string) (*graph.History, error) {
	rows, err := s.db.QueryContext(ctx, loadQuery, thread)
	if err != nil {
		return nil, fmt.Errorf("load thread %s: %w", thread, err)
	}
	defer rows.Close()
	h, err := checkpoint.ReadHistory(thread, rows)
	if err == nil && len(h.Pending) > 0 {
		// Results another run left behind: the commit of their step drops
		// them.
		s.wmu.Lock()
		s.notePending(thread, h.Last().Step+1)
		s.wmu.Unlock()
	}
	return h, err
}

// Threads lists the threads that match f, most recently updated first.
func (s *Store) Threads(ctx context.Context, f graph.ThreadFilter) ([]graph.ThreadInfo, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT thread, graph, status, step, created,
		updated, error FROM checkpoint_threads
		WHERE (?1 = '' OR graph = ?1) AND (?2 = '' OR status = ?2)
		ORDER BY updated DESC, thread ASC LIMIT ?3`, f.Graph, f.Status, limit)
	if err != nil {
		return nil, fmt.Errorf("threads: %w", err)
	}
	defer rows.Close()
	return checkpoint.ReadThreads(rows)
}

// pruneWhere selects the threads Prune deletes; see [checkpoint.Prunable].
const pruneWhere = `WHERE status <> 'running' AND (?1 = 0 OR updated < ?2)
	AND thread NOT IN (SELECT thread FROM checkpoint_threads
		ORDER BY updated DESC, thread ASC LIMIT ?3)`

// Prune deletes every thread that is not running and matches o, with its
// checkpoints and pending results, and returns how many it deleted.
func (s *Store) Prune(ctx context.Context, o graph.PruneOptions) (int, error) {
	older := 0
	if !o.OlderThan.IsZero() {
		older = 1
	}
	args := []any{older, checkpoint.Nanos(o.OlderThan), max(o.KeepLast, 0)}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var n int64
	err := s.w.inTx(ctx, func() error {
		_, err := s.w.conn.ExecContext(ctx, `DELETE FROM checkpoint_pending WHERE thread IN
			(SELECT thread FROM checkpoint_threads `+pruneWhere+`)`, args...)
		if err != nil {
			return err
		}
		res, err := s.w.conn.ExecContext(ctx, `DELETE FROM checkpoint_threads `+pruneWhere, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune: %w", err)
	}
	return int(n), nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrLeaseLost means a worker no longer holds the lease it tried to
// renew: it expired, another worker took it, or it was released.
var ErrLeaseLost = errors.New("lease lost")

// Acquire takes the lease on thread for worker until ttl from now, by the
// database's clock. It reports false when another worker holds an
// unexpired lease; a worker that already holds the lease extends it.
func (s *Store) Acquire(
	ctx context.Context, thread, worker string, ttl time.Duration,
) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO checkpoint_leases (thread, worker, expires)
		VALUES ($1, $2, clock_timestamp() + $3 * interval '1 microsecond')
		ON CONFLICT (thread) DO UPDATE
		SET worker = excluded.worker, expires = excluded.expires
		WHERE checkpoint_leases.worker = excluded.worker
			OR checkpoint_leases.expires <= clock_timestamp()`,
		thread, worker, ttl.Microseconds())
	if err != nil {
		return false, fmt.Errorf("acquire lease on thread %s: %w", thread, err)
	}
	return tag.RowsAffected() == 1, nil
}

// Renew extends worker's unexpired lease on thread until ttl from now. It
// fails with [ErrLeaseLost] when worker does not hold such a lease; the
// worker must then stop running the thread.
func (s *Store) Renew(ctx context.Context, thread, worker string, ttl time.Duration) error {
	tag, err := s.pool.Exec(ctx, `UPDATE checkpoint_leases
		SET expires = clock_timestamp() + $3 * interval '1 microsecond'
		WHERE thread = $1 AND worker = $2 AND expires > clock_timestamp()`,
		thread, worker, ttl.Microseconds())
	if err != nil {
		return fmt.Errorf("renew lease on thread %s: %w", thread, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("renew lease on thread %s for %s: %w", thread, worker, ErrLeaseLost)
	}
	return nil
}

// Release gives up worker's lease on thread. Releasing a lease the worker
// does not hold does nothing.
func (s *Store) Release(ctx context.Context, thread, worker string) error {
	_, err := s.pool.Exec(ctx,
		`DELETE FROM checkpoint_leases WHERE thread = $1 AND worker = $2`, thread, worker)
	if err != nil {
		return fmt.Errorf("release lease on thread %s: %w", thread, err)
	}
	return nil
}

// Expired lists the running threads whose lease has expired, the longest
// expired first: their worker stopped renewing, and another may acquire
// and resume them.
func (s *Store) Expired(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT l.thread FROM checkpoint_leases l
		JOIN checkpoint_threads t ON t.thread = l.thread
		WHERE t.status = 'running' AND l.expires <= clock_timestamp()
		ORDER BY l.expires, l.thread`)
	if err != nil {
		return nil, fmt.Errorf("expired leases: %w", err)
	}
	threads, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("expired leases: %w", err)
	}
	return threads, nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/graphrun/graphrun/graph"
)

// Store is a [graph.Store] kept in PostgreSQL. It is safe for concurrent
// use by many goroutines, and many processes may share the database.
type Store struct {
	pool *pgxpool.Pool
}

var _ graph.Store = (*Store)(nil)

// Open connects to the database dsn names, for example
// "postgres://user@host:5432/db?sslmode=disable&search_path=graphrun",
// and migrates the checkpoint schema.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The error may quote the DSN, which can hold a password.
		return nil, errors.New("open checkpoint store: the PostgreSQL connection " +
			"string does not parse (expected postgres://user@host:port/database?options)")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open checkpoint store: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	return &Store{pool: pool}, nil
}

// Pool returns the store's connection pool, for tools that read the
// tables directly. Writing through it bypasses the store's guarantees.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// conflictOr maps a unique violation to [graph.ErrConflict].
func conflictOr(err error) error {
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "23505" {
		return fmt.Errorf("%w: %s", graph.ErrConflict, pg.Message)
	}
	return err
}

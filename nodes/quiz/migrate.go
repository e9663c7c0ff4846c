package quiz

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// migrations are the schema changes of the quiz store, applied in order.
// Version i+1 is migrations[i]. Never edit one that has shipped; append.
var migrations = []string{
	`CREATE TABLE quiz_questions (
		seq        INTEGER PRIMARY KEY AUTOINCREMENT,
		quiz       TEXT NOT NULL,
		id         TEXT NOT NULL,
		body       TEXT NOT NULL,
		created_at TEXT NOT NULL,
		UNIQUE (quiz, id)
	)`,
}

// migrate brings the schema up to date inside one transaction.
func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	_, err = tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS quiz_migrations (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT NOT NULL
	)`)
	if err != nil {
		return err
	}
	var version int
	row := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM quiz_migrations`)
	if err := row.Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this build knows (%d); "+
			"upgrade graphrun", version, len(migrations))
	}

	for v := version + 1; v <= len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v-1]); err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO quiz_migrations (version, applied_at) VALUES (?, ?)`,
			v, time.Now().UTC().Format(timeLayout))
		if err != nil {
			return fmt.Errorf("migration %d: %w", v, err)
		}
	}
	return tx.Commit()
}

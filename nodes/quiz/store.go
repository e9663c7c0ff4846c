package quiz

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
)

// ErrNoQuizName means a quiz name was empty.
var ErrNoQuizName = errors.New("quiz name is empty")

// BusyTimeout is how long a write waits for another writer of the same
// file before it fails.
const BusyTimeout = 10 * time.Second

// timeLayout stores times in UTC with a fixed width, so that they sort as
// text.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Store is a quiz store in one SQLite file. It is safe for concurrent use,
// also by several processes sharing the file. Errors it returns are of
// class policies.Storage, or canceled/timeout when the context ended.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens the quiz store at path, creating the file and its tables
// when they do not exist. The file uses write-ahead logging so readers do
// not block the writer. The path must not contain '?'.
func Open(path string) (*Store, error) {
	if path == "" || strings.Contains(path, "?") {
		return nil, policies.Errorf(policies.Storage,
			"open quiz store %q: give a file path without '?'", path)
	}
	dsn := fmt.Sprintf("file:%s?_txlock=immediate&_pragma=busy_timeout(%d)"+
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)",
		path, BusyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, policies.Errorf(policies.Storage, "open quiz store %s: %w", path, err)
	}
	if err := migrate(context.Background(), db); err != nil {
		db.Close()
		return nil, policies.Errorf(policies.Storage, "open quiz store %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Close closes the store's file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return policies.Errorf(policies.Storage, "close quiz store %s: %w", s.path, err)
	}
	return nil
}

// Save adds qs to the quiz named quiz and returns how many were new. It
// is [Store.SaveNew] for callers that need only the count.
func (s *Store) Save(ctx context.Context, quiz string, qs []mcq.Question) (added int, err error) {
	ids, err := s.SaveNew(ctx, quiz, qs)
	return len(ids), err
}

// SaveNew adds qs to the quiz named quiz and returns the IDs of the
// questions it inserted, in the order of qs. A question whose ID is
// already in the quiz is skipped and not returned, so saving again is
// harmless and [Store.Delete] of the returned IDs undoes exactly this
// save. A question with no ID gets mcq.QuestionID. SaveNew is atomic: on
// error nothing is added and no ID is returned.
//
// TODO: a save whose commit succeeded but whose caller crashed before
// recording the IDs reports them as old when it runs again; telling the
// two apart needs the saving run stored with each question.
func (s *Store) SaveNew(ctx context.Context, quiz string, qs []mcq.Question) (
	added []string, err error) {
	if quiz == "" {
		return nil, policies.New(policies.Storage, ErrNoQuizName)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.fail(ctx, "save to quiz "+quiz, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	now := time.Now().UTC().Format(timeLayout)
	added = []string{}
	for _, q := range qs {
		if q.ID == "" {
			q.ID = mcq.QuestionID(q)
		}
		body, err := json.Marshal(q)
		if err != nil {
			return nil, s.fail(ctx, "save to quiz "+quiz, err)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO quiz_questions (quiz, id, body, created_at)
			VALUES (?, ?, ?, ?) ON CONFLICT (quiz, id) DO NOTHING`, quiz, q.ID, body, now)
		if err != nil {
			return nil, s.fail(ctx, "save to quiz "+quiz, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, s.fail(ctx, "save to quiz "+quiz, err)
		}
		if n > 0 {
			added = append(added, q.ID)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, s.fail(ctx, "save to quiz "+quiz, err)
	}
	return added, nil
}

// Delete removes the questions with the given IDs from the quiz. IDs that
// are not there are ignored, so Delete can undo a [Store.Save] even when
// the save added only some of them.
func (s *Store) Delete(ctx context.Context, quiz string, ids []string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(ctx, "delete from quiz "+quiz, err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	for _, id := range ids {
		_, err := tx.ExecContext(ctx,
			`DELETE FROM quiz_questions WHERE quiz = ? AND id = ?`, quiz, id)
		if err != nil {
			return s.fail(ctx, "delete from quiz "+quiz, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return s.fail(ctx, "delete from quiz "+quiz, err)
	}
	return nil
}

// Questions returns the questions of the quiz in the order they were
// first saved. A quiz that does not exist has no questions.
func (s *Store) Questions(ctx context.Context, quiz string) ([]mcq.Question, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT body FROM quiz_questions WHERE quiz = ? ORDER BY seq`, quiz)
	if err != nil {
		return nil, s.fail(ctx, "read quiz "+quiz, err)
	}
	defer rows.Close()
	var qs []mcq.Question
	for rows.Next() {
		var body []byte
		var q mcq.Question
		if err := rows.Scan(&body); err != nil {
			return nil, s.fail(ctx, "read quiz "+quiz, err)
		}
		if err := json.Unmarshal(body, &q); err != nil {
			return nil, s.fail(ctx, "read quiz "+quiz, err)
		}
		qs = append(qs, q)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, "read quiz "+quiz, err)
	}
	return qs, nil
}

// fail wraps err with op and classifies it: canceled or timeout when ctx
// has ended, storage otherwise.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return fmt.Errorf("%s: %w", op, ctxErr)
	}
	return policies.Errorf(policies.Storage, "%s in %s: %w", op, s.path, err)
}

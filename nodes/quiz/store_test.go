package quiz_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/nodes/quiz"
	"github.com/graphrun/graphrun/policies"
)

func question(i int) mcq.Question {
	q := mcq.Question{
		Stem:    fmt.Sprintf("Which organelle is number %d in the list?", i),
		Options: []string{"Mitochondrion", "Ribosome", "Golgi apparatus", "Lysosome"},
		Answer:  i % 4,
		Source:  mcq.Source{Generator: "template", Document: "cells.md", Chunk: "c1"},
	}
	q.ID = mcq.QuestionID(q)
	return q
}

func questions(from, to int) []mcq.Question {
	var qs []mcq.Question
	for i := from; i < to; i++ {
		qs = append(qs, question(i))
	}
	return qs
}

func openStore(t *testing.T) (*quiz.Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "quiz.db")
	s, err := quiz.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestStoreSave(t *testing.T) {
	ctx := context.Background()

	t.Run("saving the same questions twice adds them once", func(t *testing.T) {
		s, _ := openStore(t)
		added, err := s.Save(ctx, "cells", questions(0, 3))
		require.NoError(t, err)
		assert.Equal(t, 3, added)
		added, err = s.Save(ctx, "cells", questions(0, 5))
		require.NoError(t, err)
		assert.Equal(t, 2, added)
		got, err := s.Questions(ctx, "cells")
		require.NoError(t, err)
		assert.Equal(t, questions(0, 5), got)
	})
	t.Run("a question with no ID gets its QuestionID", func(t *testing.T) {
		s, _ := openStore(t)
		q := question(1)
		q.ID = ""
		_, err := s.Save(ctx, "cells", []mcq.Question{q, q})
		require.NoError(t, err)
		got, err := s.Questions(ctx, "cells")
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, mcq.QuestionID(q), got[0].ID)
	})
	t.Run("the same question in two quizzes is kept in both", func(t *testing.T) {
		s, _ := openStore(t)
		for _, name := range []string{"a", "b"} {
			added, err := s.Save(ctx, name, questions(0, 1))
			require.NoError(t, err)
			assert.Equal(t, 1, added)
		}
	})
	t.Run("an empty quiz name is a storage error", func(t *testing.T) {
		s, _ := openStore(t)
		_, err := s.Save(ctx, "", questions(0, 1))
		assert.ErrorIs(t, err, quiz.ErrNoQuizName)
		assert.Equal(t, policies.Storage, policies.ClassOf(err))
	})
	t.Run("a canceled context is reported as canceled", func(t *testing.T) {
		s, _ := openStore(t)
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.Save(canceled, "cells", questions(0, 1))
		assert.Equal(t, policies.Canceled, policies.ClassOf(err))
	})
}

func TestStoreSaveNew(t *testing.T) {
	ctx := context.Background()
	ids := func(qs []mcq.Question) []string {
		out := []string{}
		for _, q := range qs {
			out = append(out, q.ID)
		}
		return out
	}
	tests := []struct {
		name   string
		before []mcq.Question // saved first
		save   []mcq.Question
		want   []string
	}{
		{"an empty quiz reports every question as added", nil, questions(0, 3),
			ids(questions(0, 3))},
		{"questions already there are not reported", questions(0, 2), questions(0, 4),
			ids(questions(2, 4))},
		{"saving the same questions again reports none", questions(0, 3), questions(0, 3),
			[]string{}},
		{"a question given twice is reported once", nil,
			[]mcq.Question{question(5), question(5)}, ids(questions(5, 6))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openStore(t)
			_, err := s.Save(ctx, "cells", tt.before)
			require.NoError(t, err)
			added, err := s.SaveNew(ctx, "cells", tt.save)
			require.NoError(t, err)
			assert.Equal(t, tt.want, added)
		})
	}

	t.Run("deleting what it added leaves the earlier questions", func(t *testing.T) {
		s, _ := openStore(t)
		_, err := s.Save(ctx, "cells", questions(0, 3))
		require.NoError(t, err)
		added, err := s.SaveNew(ctx, "cells", questions(1, 5))
		require.NoError(t, err)
		require.NoError(t, s.Delete(ctx, "cells", added))
		got, err := s.Questions(ctx, "cells")
		require.NoError(t, err)
		assert.Equal(t, questions(0, 3), got)
	})
}

func TestStoreDelete(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	_, err := s.Save(ctx, "cells", questions(0, 4))
	require.NoError(t, err)
	_, err = s.Save(ctx, "other", questions(0, 1))
	require.NoError(t, err)

	t.Run("it removes only the named questions of the named quiz", func(t *testing.T) {
		qs := questions(0, 4)
		require.NoError(t, s.Delete(ctx, "cells", []string{qs[0].ID, qs[2].ID, "missing"}))
		got, err := s.Questions(ctx, "cells")
		require.NoError(t, err)
		assert.Equal(t, []mcq.Question{qs[1], qs[3]}, got)
		other, err := s.Questions(ctx, "other")
		require.NoError(t, err)
		assert.Len(t, other, 1)
	})
	t.Run("a deleted question can be saved again", func(t *testing.T) {
		added, err := s.Save(ctx, "cells", questions(0, 1))
		require.NoError(t, err)
		assert.Equal(t, 1, added)
	})
}

func TestStoreQuizzes(t *testing.T) {
	ctx := context.Background()
	s, _ := openStore(t)
	_, err := s.Save(ctx, "zoology", questions(0, 2))
	require.NoError(t, err)
	_, err = s.Save(ctx, "botany", questions(0, 3))
	require.NoError(t, err)
	require.NoError(t, s.Delete(ctx, "zoology", []string{question(0).ID, question(1).ID}))

	infos, err := s.Quizzes(ctx)
	require.NoError(t, err)
	require.Len(t, infos, 1, "an emptied quiz is not listed")
	assert.Equal(t, "botany", infos[0].Name)
	assert.Equal(t, 3, infos[0].Questions)
	assert.False(t, infos[0].Created.IsZero())
	assert.False(t, infos[0].Updated.Before(infos[0].Created))
}

func TestStoreConcurrentSaves(t *testing.T) {
	ctx := context.Background()
	s, path := openStore(t)
	other, err := quiz.Open(path)
	require.NoError(t, err)
	defer other.Close()

	var wg sync.WaitGroup
	added := make([]int, 8)
	errs := make([]error, 8)
	for w := range 8 {
		store := s
		if w%2 == 1 {
			store = other
		}
		wg.Go(func() {
			// Every worker saves an overlapping window of questions.
			added[w], errs[w] = store.Save(ctx, "cells", questions(w*5, w*5+10))
		})
	}
	wg.Wait()

	total := 0
	for w := range 8 {
		require.NoError(t, errs[w])
		total += added[w]
	}
	assert.Equal(t, 45, total, "each of the 45 distinct questions added exactly once")
	got, err := s.Questions(ctx, "cells")
	require.NoError(t, err)
	assert.Len(t, got, 45)
}

func TestStoreReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "quiz.db")
	s, err := quiz.Open(path)
	require.NoError(t, err)
	_, err = s.Save(ctx, "cells", questions(0, 3))
	require.NoError(t, err)
	require.NoError(t, s.Close())

	t.Run("it keeps the questions in order", func(t *testing.T) {
		s, err := quiz.Open(path)
		require.NoError(t, err)
		defer s.Close()
		got, err := s.Questions(ctx, "cells")
		require.NoError(t, err)
		assert.Equal(t, questions(0, 3), got)
	})
	t.Run("it applies each migration once", func(t *testing.T) {
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		defer db.Close()
		var n int
		require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM quiz_migrations`).Scan(&n))
		assert.Equal(t, 1, n)
	})
	t.Run("it refuses a schema newer than it knows", func(t *testing.T) {
		db, err := sql.Open("sqlite", path)
		require.NoError(t, err)
		_, err = db.Exec(`INSERT INTO quiz_migrations VALUES (99, 'later')`)
		require.NoError(t, err)
		require.NoError(t, db.Close())
		_, err = quiz.Open(path)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "upgrade graphrun")
		assert.Equal(t, policies.Storage, policies.ClassOf(err))
	})
}

func TestOpenFailsOnABadPath(t *testing.T) {
	for _, path := range []string{"", "a?b", filepath.Join(t.TempDir(), "missing", "x.db")} {
		t.Run(fmt.Sprintf("opening %q is a storage error", path), func(t *testing.T) {
			_, err := quiz.Open(path)
			assert.Equal(t, policies.Storage, policies.ClassOf(err))
		})
	}
}

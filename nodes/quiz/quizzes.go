package quiz

import (
	"context"
	"time"
)

// QuizInfo summarises one quiz in a [Store].
type QuizInfo struct {
	// Name is the quiz's name.
	Name string `json:"name"`
	// Questions is how many questions it holds.
	Questions int `json:"questions"`
	// Created and Updated are when its first and its latest question were
	// saved, in UTC.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Quizzes lists the quizzes that hold at least one question, by name.
func (s *Store) Quizzes(ctx context.Context) ([]QuizInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT quiz, COUNT(*), MIN(created_at),
		MAX(created_at) FROM quiz_questions GROUP BY quiz ORDER BY quiz`)
	if err != nil {
		return nil, s.fail(ctx, "list quizzes", err)
	}
	defer rows.Close()
	var out []QuizInfo
	for rows.Next() {
		var info QuizInfo
		var created, updated string
		if err := rows.Scan(&info.Name, &info.Questions, &created, &updated); err != nil {
			return nil, s.fail(ctx, "list quizzes", err)
		}
		if info.Created, err = time.Parse(timeLayout, created); err != nil {
			return nil, s.fail(ctx, "list quizzes", err)
		}
		if info.Updated, err = time.Parse(timeLayout, updated); err != nil {
			return nil, s.fail(ctx, "list quizzes", err)
		}
		out = append(out, info)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(ctx, "list quizzes", err)
	}
	return out, nil
}

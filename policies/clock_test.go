package policies_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/graphrun/graphrun/policies"
)

func TestSystemClock(t *testing.T) {
	t.Run("now reads the wall clock", func(t *testing.T) {
		before := time.Now()
		assert.False(t, policies.SystemClock.Now().Before(before))
	})

	t.Run("sleep returns at once for a non-positive wait", func(t *testing.T) {
		assert.NoError(t, policies.SystemClock.Sleep(context.Background(), 0))
	})

	t.Run("sleep ends with the context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := policies.SystemClock.Sleep(ctx, time.Hour)
		assert.ErrorIs(t, err, context.Canceled)
	})

	t.Run("sleep ends when the context's deadline passes", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		err := policies.SystemClock.Sleep(ctx, time.Hour)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

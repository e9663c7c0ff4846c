package policiestest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/policies/policiestest"
)

func TestFakeClock(t *testing.T) {
	t.Run("a new clock starts at the epoch unless told otherwise", func(t *testing.T) {
		assert.Equal(t, policiestest.Epoch, policiestest.NewFakeClock(time.Time{}).Now())
		start := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
		assert.Equal(t, start, policiestest.NewFakeClock(start).Now())
	})

	t.Run("sleep moves the time and records the wait", func(t *testing.T) {
		c := policiestest.NewFakeClock(time.Time{})
		require.NoError(t, c.Sleep(context.Background(), 2*time.Second))
		require.NoError(t, c.Sleep(context.Background(), time.Second))
		c.Advance(time.Minute)
		assert.Equal(t, policiestest.Epoch.Add(time.Minute+3*time.Second), c.Now())
		assert.Equal(t, []time.Duration{2 * time.Second, time.Second}, c.Waits())
		assert.Equal(t, 3*time.Second, c.Slept())
		c.Reset()
		assert.Empty(t, c.Waits())
	})

	t.Run("sleep on an ended context records nothing", func(t *testing.T) {
		c := policiestest.NewFakeClock(time.Time{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		assert.ErrorIs(t, c.Sleep(ctx, time.Second), context.Canceled)
		assert.Empty(t, c.Waits())
		assert.Equal(t, policiestest.Epoch, c.Now())
	})
}

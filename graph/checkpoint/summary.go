package checkpoint

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/graphrun/graphrun/graph"
)

// ErrInvalid means a store was handed a checkpoint or task result it
// cannot key: a nil value, an empty thread, a negative step or an empty
// task id.
var ErrInvalid = errors.New("invalid checkpoint")

// Check reports whether cp can be stored, wrapping [ErrInvalid] if not.
func Check(cp *graph.Checkpoint) error {
	switch {
	case cp == nil:
		return fmt.Errorf("%w: nil checkpoint", ErrInvalid)
	case cp.Thread == "":
		return fmt.Errorf("%w: empty thread", ErrInvalid)
	case cp.Step < 0:
		return fmt.Errorf("%w: thread %s: negative step %d", ErrInvalid, cp.Thread, cp.Step)
	}
	return nil
}

// CheckResult reports whether r can be stored as a pending result of step
// step of thread, wrapping [ErrInvalid] if not.
func CheckResult(thread string, step int, r *graph.TaskResult) error {
	switch {
	case thread == "":
		return fmt.Errorf("%w: empty thread", ErrInvalid)
	case step < 0:
		return fmt.Errorf("%w: thread %s: negative step %d", ErrInvalid, thread, step)
	case r == nil:
		return fmt.Errorf("%w: thread %s step %d: nil task result", ErrInvalid, thread, step)
	case r.Task.ID == "":
		return fmt.Errorf("%w: thread %s step %d: empty task id", ErrInvalid, thread, step)
	}
	return nil
}

// ErrorText is the text a thread listing shows for a checkpoint's error:
// "class: message", or "" when there is no error.
func ErrorText(e *graph.ErrorRecord) string {
	switch {
	case e == nil:
		return ""
	case e.Class == "":
		return e.Message
	}
	return e.Class + ": " + e.Message
}

// Nanos returns t as nanoseconds since the Unix epoch, the form in which
// stores keep indexed times. The zero time maps to [math.MinInt64] so that
// it reads back as the zero time; times outside the years 1678 to 2262 are
// clamped.
func Nanos(t time.Time) int64 {
	switch {
	case t.IsZero():
		return math.MinInt64
	case t.Before(minTime):
		return math.MinInt64 + 1
	case t.After(maxTime):
		return math.MaxInt64
	}
	return t.UnixNano()
}

// FromNanos is the inverse of [Nanos]; it returns a UTC time.
func FromNanos(n int64) time.Time {
	if n == math.MinInt64 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

var (
	minTime = time.Unix(0, math.MinInt64+1)
	maxTime = time.Unix(0, math.MaxInt64)
)

// CorruptAt wraps a decoding error as the [graph.CorruptError] of the
// checkpoint at (thread, step). A decoded checkpoint whose own thread or
// step disagrees with where it was stored is corrupt too; pass nil cp to
// skip that check.
func CorruptAt(thread string, step int, cp *graph.Checkpoint, err error) error {
	if err == nil && cp != nil && (cp.Thread != thread || cp.Step != step) {
		err = fmt.Errorf("stored under thread %s step %d but holds thread %s step %d",
			thread, step, cp.Thread, cp.Step)
	}
	if err == nil {
		return nil
	}
	return &graph.CorruptError{Thread: thread, Step: step, Err: err}
}

// CheckStatus reports whether st can be stored as the status of thread,
// wrapping [ErrInvalid] if not.
func CheckStatus(thread string, st graph.ThreadStatus) error {
	switch {
	case thread == "":
		return fmt.Errorf("%w: empty thread", ErrInvalid)
	case st.Status == "":
		return fmt.Errorf("%w: thread %s: empty status", ErrInvalid, thread)
	}
	return nil
}

// Shown is what a listing shows of a thread: its status, error text and
// update time.
type Shown struct {
	// Status is the thread's status.
	Status graph.Status
	// Error is the failure as [ErrorText] gives it; empty when none.
	Error string
	// Updated is the time, in UTC, of the checkpoint or status shown.
	Updated time.Time
}

// ShownOf returns what a listing shows of a thread whose last checkpoint
// is cp and whose status was never set outside a commit.
func ShownOf(cp *graph.Checkpoint) Shown {
	return Shown{Status: cp.Status, Error: ErrorText(cp.Error), Updated: cp.Time.UTC()}
}

// With returns what a listing shows once st is set: st when it is not
// older than sh, since a status set at the same instant as a commit was
// recorded after it; sh otherwise, and when st is nil.
func (sh Shown) With(st *graph.ThreadStatus) Shown {
	if st == nil || st.Time.Before(sh.Updated) {
		return sh
	}
	return Shown{Status: st.Status, Error: ErrorText(st.Error), Updated: st.Time.UTC()}
}

// Prunable reports whether the thread listed at rank i (0 for the most
// recently updated) matches o: it is not running, it was last updated
// before o.OlderThan when that is set, and i is at least o.KeepLast.
// Running threads count towards KeepLast.
func Prunable(info graph.ThreadInfo, i int, o graph.PruneOptions) bool {
	if info.Status == graph.Running {
		return false
	}
	if !o.OlderThan.IsZero() && !info.Updated.Before(o.OlderThan) {
		return false
	}
	return o.KeepLast <= 0 || i >= o.KeepLast
}

// ErrSchemaVersion means a database holds a checkpoint schema newer than
// this build knows: a newer graphrun migrated it.
var ErrSchemaVersion = errors.New("checkpoint schema is newer than this build")

// Interrupted is the word listings show for a thread that [IsInterrupted].
const Interrupted = "interrupted"

// IsInterrupted says whether a thread whose stored status is s was
// interrupted: the store records it as running and no run of it is in
// progress here (active is false). A killed process or a stopped service
// leaves such a thread; a resume picks it up. A run in progress in another
// process looks the same from here.
func IsInterrupted(s graph.Status, active bool) bool {
	return s == graph.Running && !active
}

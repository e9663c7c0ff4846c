package policies

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Breaker states, as [Breakers.States] and [BreakerChange] spell them.
const (
	StateClosed   = "closed"
	StateOpen     = "open"
	StateHalfOpen = "half-open"
)

// BreakerChange reports that a named breaker went from one state to
// another.
type BreakerChange struct {
	// Name is the breaker's name.
	Name string
	// From and To are states: [StateClosed], [StateOpen] or
	// [StateHalfOpen].
	From, To string
	// Time is when the change happened, by the wall clock.
	Time time.Time
}

// Breakers is a process-wide set of named circuit breakers, shared by every
// node and every concurrent run that names them. Breakers is safe for
// concurrent use. The nil *Breakers is an empty set that cannot declare.
type Breakers struct {
	mu  sync.RWMutex
	set map[string]*breaker

	// qmu guards the queue of changes not yet delivered and the
	// subscribers. Lock order: breaker.mu, then qmu.
	qmu      sync.Mutex
	pending  []BreakerChange
	flushing bool
	subs     []subscriber
	nextSub  int
}

type subscriber struct {
	id int
	fn func(BreakerChange)
}

// NewBreakers returns an empty set.
func NewBreakers() *Breakers {
	return &Breakers{set: map[string]*breaker{}}
}

// Declare adds the breaker s. The first declaration of a name wins: a
// second one with the same settings (after defaults) is a no-op, and one
// with different settings returns an error that shows both.
func (b *Breakers) Declare(s BreakerSpec) error {
	if b == nil {
		return errors.New("declare breaker: nil breaker set")
	}
	if problems := s.Check(); len(problems) > 0 {
		return problems[0]
	}
	s = s.withDefaults()

	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.set[s.Name]; ok {
		if !sameBreaker(old.spec, s) {
			return fmt.Errorf("breaker %q is declared twice with different settings: "+
				"%s and %s (give one of them another name)",
				s.Name, describeBreaker(old.spec), describeBreaker(s))
		}
		return nil
	}
	b.set[s.Name] = newBreaker(b, s)
	return nil
}

func (b *Breakers) get(name string) *breaker {
	if b == nil {
		return nil
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.set[name]
}

func (b *Breakers) all() []*breaker {
	if b == nil {
		return nil
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	list := make([]*breaker, 0, len(b.set))
	for _, br := range b.set {
		list = append(list, br)
	}
	return list
}

// States returns the state of every declared breaker by name. Reading a
// state may itself move an open breaker whose cooldown is over to
// half-open; subscribers hear of that too.
func (b *Breakers) States() map[string]string {
	states := map[string]string{}
	changed := false
	for _, br := range b.all() {
		st, ch := br.state()
		states[br.spec.Name] = st
		changed = changed || ch
	}
	if changed {
		b.flush()
	}
	return states
}

// Open returns the names of the open breakers, sorted.
func (b *Breakers) Open() []string {
	var names []string
	for name, st := range b.States() {
		if st == StateOpen {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Subscribe calls fn for every state change of every breaker in the set,
// in the order the changes happened, one call at a time, from the
// goroutine of a call that made or saw a change. fn must return quickly;
// it may read the set. The returned cancel stops the calls.
func (b *Breakers) Subscribe(fn func(BreakerChange)) (cancel func()) {
	if b == nil {
		return func() {}
	}
	b.qmu.Lock()
	defer b.qmu.Unlock()
	b.nextSub++
	id := b.nextSub
	b.subs = append(b.subs, subscriber{id: id, fn: fn})
	return func() {
		b.qmu.Lock()
		defer b.qmu.Unlock()
		b.subs = slices.DeleteFunc(b.subs, func(s subscriber) bool { return s.id == id })
	}
}

// enqueue records a change for the subscribers. The caller holds the
// changed breaker's lock, which keeps one breaker's changes in order.
func (b *Breakers) enqueue(c BreakerChange) {
	b.qmu.Lock()
	defer b.qmu.Unlock()
	if len(b.subs) > 0 {
		b.pending = append(b.pending, c)
	}
}

// flush delivers the queued changes outside every lock. Only one goroutine
// delivers at a time; a flush that finds another under way leaves its
// changes to it.
func (b *Breakers) flush() {
	b.qmu.Lock()
	if b.flushing {
		b.qmu.Unlock()
		return
	}
	b.flushing = true
	for len(b.pending) > 0 {
		batch := b.pending
		b.pending = nil
		subs := slices.Clone(b.subs)
		b.qmu.Unlock()
		for _, c := range batch {
			for _, s := range subs {
				s.fn(c)
			}
		}
		b.qmu.Lock()
	}
	b.flushing = false
	b.qmu.Unlock()
}

func sameBreaker(a, b BreakerSpec) bool {
	return a.Failures == b.Failures && a.Cooldown == b.Cooldown &&
		a.HalfOpenProbes == b.HalfOpenProbes && sameClasses(a.On, b.On)
}

func sameClasses(a, b []Class) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func describeBreaker(s BreakerSpec) string {
	return fmt.Sprintf("{failures: %d, cooldown: %s, half_open_probes: %d, on: %v}",
		s.Failures, s.Cooldown, s.HalfOpenProbes, s.On)
}

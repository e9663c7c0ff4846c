package mcq

import (
	"math/rand/v2"
	"slices"
)

// Shuffle returns a copy of q with its options in an order drawn from
// seed, and its answer index following the correct option. The same seed
// gives the same order; the ID does not change, since it does not depend
// on the order of the options.
func Shuffle(q Question, seed int64) Question {
	out := q
	out.Options = slices.Clone(q.Options)
	r := rand.New(rand.NewPCG(uint64(seed), 0x6d637173687566)) // "mcqshuf"
	perm := r.Perm(len(q.Options))
	for i, from := range perm {
		out.Options[i] = q.Options[from]
		if from == q.Answer {
			out.Answer = i
		}
	}
	return out
}

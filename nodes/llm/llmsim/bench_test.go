package llmsim

import (
	"math/rand/v2"
	"os"
	"testing"
)

func BenchmarkWriteQuestions(b *testing.B) {
	raw, err := os.ReadFile("testdata/passages/photosynthesis.txt")
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		writeQuestions(string(raw), 5, rng)
	}
}

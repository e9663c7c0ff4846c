package mcq_test

import (
	"strings"
	"testing"

	"github.com/graphrun/graphrun/nodes/mcq"
)

func BenchmarkParse(b *testing.B) {
	inputs := map[string]string{
		"a clean batch of ten": `{"questions": [` +
			strings.Repeat(good+",", 9) + good + `]}`,
		"many orphan closing tags": strings.Repeat("</think>", 20000) + good,
		"many brackets in prose":   strings.Repeat("{ x", 50000) + good,
	}
	for name, content := range inputs {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(content)))
			for b.Loop() {
				_, _ = mcq.Parse(content, "stop")
			}
		})
	}
}

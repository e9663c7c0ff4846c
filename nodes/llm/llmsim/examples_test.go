package llmsim_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes/content"
	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/llm/llmsim"
	"github.com/graphrun/graphrun/nodes/mcq"
)

// exampleDocuments are the course documents under examples/.
var exampleDocuments = []string{
	"biology_openstax-biology-2e_4-3-eukaryotic-cells.md",
	"civics_us-constitution.txt",
	"cs_good-enough-practices-scientific-computing.pdf",
	"cs_sicp-1.1-elements-of-programming.xhtml",
	"cs_swcarpentry-shell-novice_04-pipefilter.md",
	"physics_openstax-college-physics-2e_ch04-newtons-laws.md",
}

func TestEverySimulatedQuestionIsGroundedInItsChunk(t *testing.T) {
	_, client := start(t, llmsim.Options{Seed: 1}, llm.Config{APIKey: "sk-test-sim"})
	for _, file := range exampleDocuments {
		t.Run(file+" gives only questions the validator accepts", func(t *testing.T) {
			doc, err := content.Load(filepath.Join("..", "..", "..", "examples", file),
				content.Options{})
			require.NoError(t, err)
			chunks := content.Split(doc, 0)
			asked := 0
			var declined []string
			for _, c := range chunks {
				var msgs []llm.Message
				for _, m := range mcq.Prompt(c.Text, 2) {
					msgs = append(msgs, llm.Message{Role: m.Role, Content: m.Content})
				}
				resp, err := client.Complete(context.Background(), llm.Request{Messages: msgs,
					Schema: mcq.Schema(), SchemaName: "questions"})
				require.NoError(t, err)
				batch, err := mcq.Parse(resp.Content, resp.FinishReason)
				if err != nil {
					// A chunk of headings and fragments gives no question,
					// which sends it down its fallback routes.
					declined = append(declined, c.Text)
					continue
				}
				assert.Empty(t, batch.Rejected, "chunk %s", c.ID)
				for _, q := range batch.Questions {
					assert.NoError(t, mcq.Validate(q, c.Text), "chunk %s: %q", c.ID, q.Stem)
					asked++
				}
			}
			assert.Greater(t, asked, 10)
			assert.LessOrEqual(t, len(declined), len(chunks)/10,
				"most chunks give questions; these gave none: %q", declined)
		})
	}
}

package nodes

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/content"
	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/mcq"
	"github.com/graphrun/graphrun/policies"
)

// client returns the model client named by the node's with.provider. A
// provider that is not configured is a bad_request: the request cannot be
// made, so it is not retried and does not count against a breaker, and the
// graph's `any` route takes the chunk on.
// The first time it finds no primary model, as when a run that began with
// one is resumed without, it tells the person running graphrun. It notes
// the provider each node calls, for the report's warnings.
func (d *Deps) client(in graph.Input) (*llm.Client, error) {
	p := withString(in, "provider")
	d.providers.Store(nodeKey(in.Graph, in.Node), cmp.Or(p, "primary"))
	switch p {
	case "", "primary":
		if d.Primary == nil {
			d.noModel.Do(func() {
				d.notice("no model configured (set %s or %s): chunks sent to the model "+
					"take their fallback routes, down to the offline template generator",
					EnvBaseURL, EnvAPIKey)
			})
			return nil, policies.Errorf(policies.BadRequest,
				"no primary model configured: set %s (and %s)", EnvBaseURL, EnvAPIKey)
		}
		return d.Primary, nil
	case "backup":
		if d.Backup == nil {
			return nil, policies.Errorf(policies.BadRequest,
				"no backup model configured: set %s", EnvBackupModel)
		}
		return d.Backup, nil
	default:
		return nil, policies.Errorf(policies.BadRequest,
			"node %s: with.provider %q: want primary or backup", in.Node, p)
	}
}

// generate asks a model for questions about the task's chunk, validates
// them against the chunk, and sends the problems back once for a repair
// before it gives up with invalid_response. Reached through a fallback
// route, it records the chunk as degraded, with the failures that led
// there, for the report.
func (d *Deps) generate(ctx context.Context, in graph.Input) (graph.Update, error) {
	c, err := chunkOf(in)
	if err != nil {
		return nil, err
	}
	client, err := d.client(in)
	if err != nil {
		return nil, err
	}
	qs, sp, err := d.ask(ctx, in, client, c, stateInt(in, "per_chunk", 2))
	if err != nil {
		return nil, err
	}
	upd := questionsUpdate(qs, sp)
	if in.Error != nil {
		upd["failures"] = []any{failure(c, in, fmt.Sprintf("degraded to the %s model %s",
			client.Provider(), client.Model()))}
	}
	return upd, nil
}

// split cuts a chunk that was too long for the model into parts and asks
// about each; a part that fails fails the node, so its fallback can take
// over the whole chunk. Like generate, it records a chunk it was sent by
// a fallback route as degraded.
func (d *Deps) split(ctx context.Context, in graph.Input) (graph.Update, error) {
	c, err := chunkOf(in)
	if err != nil {
		return nil, err
	}
	client, err := d.client(in)
	if err != nil {
		return nil, err
	}
	parts := content.SplitChunk(c, 2)
	per := max(1, (stateInt(in, "per_chunk", 2)+len(parts)-1)/len(parts))
	var all []mcq.Question
	var total spend
	for _, p := range parts {
		qs, sp, err := d.ask(ctx, in, client, p, per)
		if err != nil {
			return nil, err
		}
		all = append(all, qs...)
		total = total.add(sp)
	}
	upd := questionsUpdate(all, total)
	if in.Error != nil {
		upd["failures"] = []any{failure(c, in, fmt.Sprintf("split into %d parts for the %s model %s",
			len(parts), client.Provider(), client.Model()))}
	}
	return upd, nil
}

// nodeKey names a node of a graph in [Deps.providers].
func nodeKey(graphName, node string) string { return graphName + "\x00" + node }

// providerOf returns the provider the node called, as far as this process
// has seen it, or "".
func (d *Deps) providerOf(graphName, node string) string {
	p, _ := d.providers.Load(nodeKey(graphName, node))
	s, _ := p.(string)
	return s
}

// spend counts the tokens of one node's model calls. Wasted tokens are
// those of answers that were discarded.
type spend struct {
	prompt, completion, wasted int
}

func (s spend) add(o spend) spend {
	return spend{s.prompt + o.prompt, s.completion + o.completion, s.wasted + o.wasted}
}

func (s spend) total() int { return s.prompt + s.completion }

// ask runs one question-generation exchange with at most one repair turn.
// When it fails, every token it spent is recorded as wasted.
func (d *Deps) ask(ctx context.Context, in graph.Input, client *llm.Client, c content.Chunk, n int) (
	[]mcq.Question, spend, error) {
	var sp spend
	fail := func(err error) ([]mcq.Question, spend, error) {
		d.usage.waste(in.Thread, sp.total())
		d.tokens(client, "wasted", sp.total())
		return nil, sp, err
	}
	msgs := toLLM(mcq.Prompt(c.Text, n))
	for turn := 0; ; turn++ {
		resp, err := client.Complete(ctx, llm.Request{Messages: msgs, Schema: mcq.Schema(),
			SchemaName: "questions"})
		if err != nil {
			return fail(err)
		}
		before := sp.total()
		sp.prompt += resp.Usage.PromptTokens
		sp.completion += resp.Usage.CompletionTokens
		d.tokens(client, "prompt", resp.Usage.PromptTokens)
		d.tokens(client, "completion", resp.Usage.CompletionTokens)
		kept, rejected, perr := validBatch(resp, c)
		if perr == nil && len(kept) > 0 {
			for i := range kept {
				kept[i].Source = mcq.Source{Generator: "llm", Provider: client.Provider(),
					Model: client.Model(), Document: stateString(in, "document"), Chunk: c.ID}
				kept[i].ID = mcq.QuestionID(kept[i])
			}
			sp.wasted = before // a repaired answer wastes the first one
			d.tokens(client, "wasted", before)
			return kept, sp, nil
		}
		if turn == 1 || !repairable(perr) {
			return fail(classifyParse(perr, rejected))
		}
		msgs = append(msgs,
			llm.Message{Role: "assistant", Content: resp.Content},
			llm.Message{Role: "user", Content: mcq.RepairPrompt(rejected)})
	}
}

// validBatch parses a model answer and keeps the questions grounded in c.
func validBatch(resp *llm.Response, c content.Chunk) ([]mcq.Question, []mcq.Rejection, error) {
	batch, err := mcq.Parse(resp.Content, resp.FinishReason)
	if err != nil {
		var pe *mcq.ParseError
		if errors.As(err, &pe) {
			return nil, pe.Rejected, err
		}
		return nil, nil, err
	}
	rejected := batch.Rejected
	var kept []mcq.Question
	for i, q := range batch.Questions {
		if err := mcq.Validate(q, c.Text); err != nil {
			rejected = append(rejected, mcq.Rejection{Index: i, Reason: err.Error(), Question: q.Stem})
			continue
		}
		kept = append(kept, q)
	}
	return kept, rejected, nil
}

// repairable reports whether a repair turn may fix the answer: never for
// a truncated one.
func repairable(err error) bool {
	var pe *mcq.ParseError
	if errors.As(err, &pe) {
		return pe.Repairable
	}
	return true
}

func classifyParse(err error, rejected []mcq.Rejection) error {
	if err != nil {
		return err
	}
	msg := "every question failed validation"
	if len(rejected) > 0 {
		msg = fmt.Sprintf("%s (first: %s)", msg, rejected[0].Reason)
	}
	return policies.Errorf(policies.InvalidResponse, "%s", msg)
}

func toLLM(ms []mcq.Message) []llm.Message {
	out := make([]llm.Message, len(ms))
	for i, m := range ms {
		out[i] = llm.Message{Role: m.Role, Content: m.Content}
	}
	return out
}

// questionsUpdate is the update of a node that made questions.
func questionsUpdate(qs []mcq.Question, sp spend) graph.Update {
	return graph.Update{
		"questions":         qs,
		"prompt_tokens":     sp.prompt,
		"completion_tokens": sp.completion,
		"wasted_tokens":     sp.wasted,
	}
}

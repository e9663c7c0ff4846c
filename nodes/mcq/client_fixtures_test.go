package mcq_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/mcq"
)

// TestRecordedAnswersThroughTheClient serves each recorded answer as the
// content of a chat completion, takes it through the real client as the
// question node does (schema asked, output mode auto) and gives what comes
// out to the parser, which must reach the recorded verdict.
func TestRecordedAnswersThroughTheClient(t *testing.T) {
	for name, f := range loadFixtures(t) {
		t.Run(name+" gets the recorded verdict over HTTP", func(t *testing.T) {
			body, err := json.Marshal(map[string]any{
				"id": "chatcmpl-1", "object": "chat.completion", "model": "served-model",
				"choices": []any{map[string]any{
					"index": 0, "finish_reason": f.FinishReason,
					"message": map[string]any{"role": "assistant", "content": f.Content},
				}},
			})
			require.NoError(t, err)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			client, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1", Model: "m", APIKey: "sk-test"})
			require.NoError(t, err)

			resp, err := client.Complete(context.Background(), llm.Request{
				Messages: []llm.Message{{Role: "user", Content: "write questions"}},
				Schema:   mcq.Schema(), SchemaName: "questions"})
			require.NoError(t, err, f.About)
			require.Equal(t, f.Content, resp.Content, "the content must arrive as sent")
			require.Equal(t, f.FinishReason, resp.FinishReason)

			b, err := mcq.Parse(resp.Content, resp.FinishReason)
			checkVerdict(t, f, b, err)
		})
	}
}

package llmsim

import (
	"embed"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/graphrun/graphrun/policies"
)

//go:embed faults/*.json
var faultFiles embed.FS

// fault is one canned error answer, read from faults/.
type fault struct {
	About   string            `json:"about"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// faults holds the canned answers by file name without ".json".
var faults = loadFaults()

// faultVariants lists, for each class, the answers it picks from.
var faultVariants = map[policies.Class][]string{
	policies.RateLimit:        {"rate_limit"},
	policies.Quota:            {"quota"},
	policies.Timeout:          {"timeout"},
	policies.ServerError:      {"server_error_502", "server_error_503"},
	policies.ModelUnavailable: {"model_unavailable"},
	policies.ContentTooLong:   {"content_too_long"},
	policies.ContentFilter:    {"content_filter"},
	policies.Auth:             {"auth"},
	policies.BadRequest:       {"bad_request"},
}

func loadFaults() map[string]fault {
	entries, err := faultFiles.ReadDir("faults")
	if err != nil {
		panic(fmt.Sprintf("llmsim: embedded faults: %v", err))
	}
	out := map[string]fault{}
	for _, e := range entries {
		raw, err := faultFiles.ReadFile(path.Join("faults", e.Name()))
		if err != nil {
			panic(fmt.Sprintf("llmsim: embedded fault %s: %v", e.Name(), err))
		}
		var f fault
		if err := json.Unmarshal(raw, &f); err != nil {
			panic(fmt.Sprintf("llmsim: embedded fault %s: %v", e.Name(), err))
		}
		out[strings.TrimSuffix(e.Name(), ".json")] = f
	}
	return out
}

// writeFault sends the canned answer name, filling the placeholders
// {model}, {limit} and {tokens} of its body from vars.
func writeFault(w http.ResponseWriter, name string, vars map[string]string) {
	f := faults[name]
	body := f.Body
	for k, v := range vars {
		quoted, _ := json.Marshal(v)
		body = strings.ReplaceAll(body, "{"+k+"}", string(quoted[1:len(quoted)-1]))
	}
	for k, v := range f.Headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(body))
}

// setRetryAfter adds the wait headers of a rate limit: retry-after in
// whole seconds, rounded up, and retry-after-ms exactly.
func setRetryAfter(h http.Header, d time.Duration) {
	if d <= 0 {
		return
	}
	h.Set("retry-after", strconv.Itoa(int(math.Ceil(d.Seconds()))))
	h.Set("retry-after-ms", strconv.FormatInt(d.Milliseconds(), 10))
}

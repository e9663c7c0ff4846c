package nodes

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/graphrun/graphrun/nodes/llm"
	"github.com/graphrun/graphrun/nodes/quiz"
)

// The environment variables [DepsFromEnv] reads.
const (
	EnvAPIKey      = "OPENAI_API_KEY"
	EnvBaseURL     = "OPENAI_BASE_URL"
	EnvModel       = "GRAPHRUN_MODEL"
	EnvBackupURL   = "GRAPHRUN_BACKUP_BASE_URL"
	EnvBackupModel = "GRAPHRUN_BACKUP_MODEL"
	EnvTimeout     = "GRAPHRUN_LLM_TIMEOUT"
	EnvOutput      = "GRAPHRUN_LLM_OUTPUT"
)

// DefaultModel is the model asked for when a key or base URL is set and
// GRAPHRUN_MODEL is not.
const DefaultModel = "gpt-4o-mini"

// Deps are what the node functions need from outside the graph: the model
// clients and the quiz store. A nil client means that model is not
// configured. Deps is safe for concurrent use.
type Deps struct {
	// Primary and Backup are the model clients; nil means not configured.
	Primary, Backup *llm.Client
	// DB is the SQLite file of the quiz store, opened on first use.
	DB string
	// Notice receives one-line notices for the person running graphrun,
	// such as the offline fallback when no model is configured; nil
	// discards them.
	Notice io.Writer
	// Now returns the time; nil means time.Now.
	Now func() time.Time
	// Root, when set, confines the files nodes read and write (the
	// document, the export) to this directory: a path that resolves
	// outside it is refused. The service sets it; empty allows any path.
	Root string
	// Tokens, when set, is told the tokens of every model answer: kind is
	// "prompt", "completion" or "wasted". Metrics hook in here.
	Tokens func(provider, model, kind string, n int)

	rootOnce sync.Once
	rootDir  *os.Root
	rootErr  error
	once     sync.Once
	noModel  sync.Once // the notice of a generate node finding no model
	quiz     *quiz.Store
	quizErr  error
	usage    usageLedger
	docs     docCache
	// providers maps a graph's model nodes to the provider they call,
	// as [Deps.client] finds it, for the report.
	providers sync.Map
}

// DepsFromEnv configures the models from the environment: OPENAI_API_KEY,
// OPENAI_BASE_URL and GRAPHRUN_MODEL for the primary model,
// GRAPHRUN_BACKUP_MODEL (and GRAPHRUN_BACKUP_BASE_URL) for the backup.
// With neither a key nor a base URL, no model is configured and the MCQ
// graph uses its offline generator.
func DepsFromEnv(db string, notice io.Writer) (*Deps, error) {
	d := &Deps{DB: db, Notice: notice}
	key, base := os.Getenv(EnvAPIKey), os.Getenv(EnvBaseURL)
	var timeout time.Duration
	if s := os.Getenv(EnvTimeout); s != "" {
		var err error
		if timeout, err = time.ParseDuration(s); err != nil {
			return nil, fmt.Errorf("%s=%q: not a duration such as 60s", EnvTimeout, s)
		}
	}
	output := llm.OutputMode(os.Getenv(EnvOutput))
	if key != "" || base != "" {
		c, err := llm.New(llm.Config{Provider: "primary", BaseURL: base, APIKey: key,
			Model: cmp.Or(os.Getenv(EnvModel), DefaultModel), Timeout: timeout, Output: output})
		if err != nil {
			return nil, envError("primary", err, map[string]string{"base_url": EnvBaseURL,
				"model": EnvModel, "timeout": EnvTimeout, "output": EnvOutput})
		}
		d.Primary = c
	}
	if m := os.Getenv(EnvBackupModel); m != "" {
		c, err := llm.New(llm.Config{Provider: "backup", BaseURL: cmp.Or(os.Getenv(EnvBackupURL), base),
			APIKey: key, Model: m, Timeout: timeout, Output: output})
		if err != nil {
			url := EnvBaseURL
			if os.Getenv(EnvBackupURL) != "" {
				url = EnvBackupURL
			}
			return nil, envError("backup", err, map[string]string{"base_url": url,
				"model": EnvBackupModel, "timeout": EnvTimeout, "output": EnvOutput})
		}
		d.Backup = c
	}
	return d, nil
}

// EnvError means an environment variable holds a model setting that
// cannot be used.
type EnvError struct {
	// Variable names the environment variable at fault, like
	// OPENAI_BASE_URL.
	Variable string
	// Err says what is wrong with its value.
	Err *llm.ConfigError
}

// Error formats e as "PROVIDER model: VARIABLE="VALUE" PROBLEM (HINT)".
func (e *EnvError) Error() string {
	msg := fmt.Sprintf("%s model: %s=%q %s", e.Err.Provider, e.Variable, e.Err.Value, e.Err.Problem)
	if e.Err.Hint != "" {
		msg += " (" + e.Err.Hint + ")"
	}
	return msg
}

// Unwrap returns the config error.
func (e *EnvError) Unwrap() error { return e.Err }

// envError names, in err from [llm.New] for provider, the environment
// variable that set the field at fault, from vars, which maps config
// fields to the variables that set them.
func envError(provider string, err error, vars map[string]string) error {
	var ce *llm.ConfigError
	if errors.As(err, &ce) && vars[ce.Field] != "" {
		return &EnvError{Variable: vars[ce.Field], Err: ce}
	}
	return fmt.Errorf("%s model: %w", provider, err)
}

// Quiz returns the quiz store, opening it on first use.
func (d *Deps) Quiz() (*quiz.Store, error) {
	d.once.Do(func() {
		if d.DB == "" {
			d.quizErr = fmt.Errorf("no quiz store configured")
			return
		}
		d.quiz, d.quizErr = quiz.Open(d.DB)
	})
	return d.quiz, d.quizErr
}

// Close closes the quiz store if it was opened.
func (d *Deps) Close() error {
	if d.quiz != nil {
		return d.quiz.Close()
	}
	return nil
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

func (d *Deps) tokens(c interface {
	Provider() string
	Model() string
}, kind string, n int) {
	if d.Tokens != nil && n > 0 {
		d.Tokens(c.Provider(), c.Model(), kind, n)
	}
}

func (d *Deps) notice(format string, args ...any) {
	if d.Notice != nil {
		fmt.Fprintf(d.Notice, format+"\n", args...)
	}
}

// usageLedger keeps the tokens spent on answers that a failed attempt
// discarded: a failed node writes nothing to the state, so they are kept
// here, per thread, for the report.
type usageLedger struct {
	mu     sync.Mutex
	wasted map[string]int
}

func (u *usageLedger) waste(thread string, tokens int) {
	if tokens == 0 {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.wasted == nil {
		u.wasted = map[string]int{}
	}
	u.wasted[thread] += tokens
}

func (u *usageLedger) wastedBy(thread string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.wasted[thread]
}

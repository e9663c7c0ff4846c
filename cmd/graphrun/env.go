package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/graphrun/graphrun/nodes"
	"github.com/graphrun/graphrun/nodes/llm"
)

// envError turns an error of [nodes.DepsFromEnv], which reads the model
// settings from the environment, into a usage error; one about a model
// config field names the environment variable that set it.
func envError(err error) error {
	var ce *llm.ConfigError
	if !errors.As(err, &ce) {
		return usageError{err}
	}
	name := envVariable(ce)
	if name == "" {
		return usageError{err}
	}
	msg := fmt.Sprintf("%s=%q %s", name, ce.Value, ce.Problem)
	if ce.Hint != "" {
		msg += " (" + ce.Hint + ")"
	}
	return usageError{fmt.Errorf("%s model: %s", ce.Provider, msg)}
}

// envVariable names the environment variable that set the field of ce,
// or returns "" when none did.
func envVariable(ce *llm.ConfigError) string {
	backup := ce.Provider == "backup"
	switch ce.Field {
	case "base_url":
		if backup && os.Getenv(nodes.EnvBackupURL) != "" {
			return nodes.EnvBackupURL
		}
		return nodes.EnvBaseURL
	case "model":
		if backup {
			return nodes.EnvBackupModel
		}
		return nodes.EnvModel
	case "timeout":
		return nodes.EnvTimeout
	case "output":
		return nodes.EnvOutput
	}
	return ""
}

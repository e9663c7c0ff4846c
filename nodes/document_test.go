package nodes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/graphrun/graphrun/graph"
	"github.com/graphrun/graphrun/nodes/content"
)

func TestLoadTakesTheDocumentTheInputCheckRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cells.md")
	stamp := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	write := func(text string, at time.Time) {
		t.Helper()
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		require.NoError(t, os.Chtimes(path, at, at))
	}
	// Two texts of one length: with the same time, only a kept copy tells
	// them apart. Each has enough prose for the offline generator.
	passage := "# Cells\n\nThe ORGAN stands out in every eukaryotic cell. Mitochondria " +
		"make energy for the cell from sugar and oxygen. Ribosomes build proteins from " +
		"amino acids on the rough endoplasmic reticulum. The Golgi apparatus sorts and " +
		"ships proteins to the plasma membrane. Lysosomes break down worn parts of the " +
		"cell with enzymes.\n"
	nucleus := strings.Replace(passage, "ORGAN", "nucleus", 1)
	membrane := strings.Replace(passage, "ORGAN", "vacuole", 1)
	require.Len(t, membrane, len(nucleus))
	d := &Deps{}
	in := graph.Input{Graph: "mcq", State: graph.State{"document": path}}
	firstChunk := func() string {
		t.Helper()
		upd, err := d.load(context.Background(), in)
		require.NoError(t, err)
		return upd["chunks"].([]content.Chunk)[0].Text
	}

	t.Run("load uses the copy the check kept", func(t *testing.T) {
		write(nucleus, stamp)
		require.NoError(t, d.check(context.Background(), in))
		write(membrane, stamp)
		assert.Contains(t, firstChunk(), "nucleus")
	})
	t.Run("the copy is taken once", func(t *testing.T) {
		assert.Contains(t, firstChunk(), "vacuole")
	})
	t.Run("a file changed since the check is read again", func(t *testing.T) {
		write(nucleus, stamp)
		require.NoError(t, d.check(context.Background(), in))
		write(membrane, stamp.Add(time.Second))
		assert.Contains(t, firstChunk(), "vacuole")
	})
	t.Run("another chunk budget is read again", func(t *testing.T) {
		write(nucleus, stamp)
		require.NoError(t, d.check(context.Background(), in))
		write(membrane, stamp)
		other := graph.Input{Graph: "mcq", State: graph.State{"document": path, "chunk_tokens": 100}}
		upd, err := d.load(context.Background(), other)
		require.NoError(t, err)
		assert.Contains(t, upd["chunks"].([]content.Chunk)[0].Text, "vacuole")
	})
}

func TestTheDocumentCacheKeepsOnlyTheNewestFew(t *testing.T) {
	var c docCache
	for i := range maxKept + 2 {
		c.put(docKey{path: string(rune('a' + i))}, &content.Document{}, nil)
	}
	_, _, ok := c.take(docKey{path: "a"})
	assert.False(t, ok, "the oldest was dropped")
	_, _, ok = c.take(docKey{path: string(rune('a' + maxKept + 1))})
	assert.True(t, ok, "the newest is kept")
	assert.Len(t, c.entries, maxKept-1)
}

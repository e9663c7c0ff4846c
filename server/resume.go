package server

import (
	"context"
	"fmt"

	"github.com/graphrun/graphrun/graph"
)

// ResumeInterrupted resumes, in the background, every thread the store
// holds with status running whose graph the server knows: the runs a
// previous process left when it stopped. It returns the threads resumed.
func (s *Server) ResumeInterrupted(ctx context.Context) ([]string, error) {
	infos, err := s.cfg.Engine.Store().Threads(ctx, graph.ThreadFilter{Status: graph.Running})
	if err != nil {
		return nil, fmt.Errorf("list interrupted threads: %w", err)
	}
	var resumed []string
	for _, in := range infos {
		g, ok := s.cfg.Graphs[in.Graph]
		if !ok {
			s.cfg.Logger.Warn("cannot resume thread: unknown graph", "graph", in.Graph,
				"thread", in.Thread)
			continue
		}
		x, _, _ := s.admit(g.Name(), in.Thread)
		if x == nil {
			continue
		}
		thread := in.Thread
		s.spawn(x, func(ctx context.Context, o graph.RunOptions) (*graph.Result, error) {
			return s.cfg.Engine.Resume(ctx, g, thread, o)
		})
		resumed = append(resumed, in.Thread)
	}
	return resumed, nil
}

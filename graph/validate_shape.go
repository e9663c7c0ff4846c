package graph

import "fmt"

// checkShape checks that runs can start, reach every node, and finish:
// START has an edge, every node is reachable from START, has an edge out,
// and has a path to END. Fallback routes count as ways from a node to
// their targets.
func (v *validator) checkShape() {
	next := v.successors()
	if len(next[Start]) == 0 {
		v.reportShape("edges", Pos{}, "no edge leaves START",
			"add an edge to the first node, e.g. - {from: START, to: "+v.firstNode()+"}")
	}

	reached := validateWalk(Start, next)
	prev := map[string][]string{}
	for from, tos := range next {
		for _, to := range tos {
			prev[to] = append(prev[to], from)
		}
	}
	finishing := validateWalk(End, prev)
	leaving := map[string]bool{}
	for _, e := range v.s.Edges {
		leaving[e.From] = true
	}

	for i := range v.s.Nodes {
		n := &v.s.Nodes[i]
		if v.nodes[n.Name] != n {
			continue // invalid or a duplicate, already reported
		}
		path := "nodes." + n.Name
		if !reached[n.Name] && len(next[Start]) > 0 {
			v.reportShape(path, n.Pos, fmt.Sprintf("node %q cannot be reached from START", n.Name),
				"add an edge or a fallback route to it, or remove it")
		}
		switch {
		case !leaving[n.Name]:
			v.reportShape(path, n.Pos, fmt.Sprintf("node %q has no outgoing edge", n.Name),
				"add an edge from it, e.g. - {from: "+n.Name+", to: END}")
		case !finishing[n.Name]:
			v.reportShape(path, n.Pos, fmt.Sprintf("no path leads from node %q to END", n.Name),
				"every route from it loops forever; add an edge towards END")
		}
	}
}

// successors maps START and each node to the nodes (and END) that can run
// after it, through edges and fallback routes. An unknown target, reported
// on its own, stands for END: the shape checks then blame nothing else for
// it.
func (v *validator) successors() map[string][]string {
	next := map[string][]string{}
	link := func(from, to string) {
		if v.nodes[to] == nil {
			to = End
		}
		next[from] = append(next[from], to)
	}
	for _, e := range v.s.Edges {
		if e.From != Start && v.nodes[e.From] == nil {
			continue
		}
		for _, to := range e.To {
			link(e.From, to)
		}
		for _, c := range e.Switch {
			link(e.From, c.To)
		}
		if e.Map != nil {
			link(e.From, e.Map.To)
		}
	}
	for _, n := range v.s.Nodes {
		if n.Policy == "" {
			continue
		}
		for _, r := range v.s.Policies[n.Policy].Fallback {
			if r.To != End {
				link(n.Name, r.To)
			}
		}
	}
	return next
}

// firstNode names the first declared node, or a placeholder.
func (v *validator) firstNode() string {
	for _, n := range v.s.Nodes {
		if v.nodes[n.Name] != nil {
			return n.Name
		}
	}
	return "<node>"
}

// validateWalk returns the names reachable from root through links, root
// excluded unless a link leads back to it.
func validateWalk(root string, links map[string][]string) map[string]bool {
	seen := map[string]bool{}
	queue := []string{root}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, to := range links[cur] {
			if !seen[to] {
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	return seen
}

package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// validateListMax is the number of names a hint lists in full; past it, a
// hint lists the nearest ones.
const validateListMax = 12

// validateUnknownHint suggests the nearest of the known keys and lists them.
func validateUnknownHint(key string, known []string) string {
	list := "valid keys here: " + strings.Join(known, ", ")
	if near := validateNearest(key, known); near != "" {
		return fmt.Sprintf("did you mean %q? %s", near, list)
	}
	return list
}

// validateChoiceHint suggests the nearest of a closed set of values and
// lists them.
func validateChoiceHint(got string, choices []string) string {
	list := "use one of " + strings.Join(choices, ", ")
	if near := validateNearest(got, choices); near != "" {
		return fmt.Sprintf("did you mean %q? %s", near, list)
	}
	return list
}

// validateRefHint suggests the nearest declared name for a reference to an
// undeclared one; section says where names are declared.
func validateRefHint(got string, declared []string, section string) string {
	if near := validateNearest(got, declared); near != "" {
		return fmt.Sprintf("did you mean %q?", near)
	}
	if len(declared) == 0 {
		return "declare it under " + section + ":"
	}
	return fmt.Sprintf("declare it under %s:, or use one of %s",
		section, strings.Join(validateClosest(got, declared), ", "))
}

// validateFuncHint suggests registered functions for an unregistered one.
func validateFuncHint(got string, registered []string) string {
	if len(registered) == 0 {
		return "no function is registered; register it with Registry.Register"
	}
	var b strings.Builder
	if near := validateNearest(got, registered); near != "" {
		fmt.Fprintf(&b, "did you mean %q? ", near)
	}
	if len(registered) <= validateListMax {
		b.WriteString("registered: " + strings.Join(registered, ", "))
	} else {
		b.WriteString("nearest registered: " + strings.Join(validateClosest(got, registered), ", "))
	}
	return b.String()
}

// validateClosest returns up to validateListMax/2 candidates nearest to
// got, or all of them when they are few, keeping their order otherwise.
func validateClosest(got string, candidates []string) []string {
	if len(candidates) <= validateListMax {
		return candidates
	}
	sorted := slices.Clone(candidates)
	slices.SortStableFunc(sorted, func(a, b string) int {
		return cmp.Compare(validateDistance(got, a), validateDistance(got, b))
	})
	return sorted[:validateListMax/2]
}

// validateNearest returns the candidate nearest to got when it is close
// enough to be a likely typo, or "".
func validateNearest(got string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := validateDistance(strings.ToLower(got), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(1, len([]rune(got))/3)
	if bestDist < 0 || bestDist > limit || bestDist >= len([]rune(got)) {
		return ""
	}
	return best
}

// validateDistance is the number of single-letter insertions, deletions,
// substitutions and swaps of neighbours that turn a into b (the optimal
// string alignment distance).
func validateDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// validateKeys returns the keys of m, sorted.
func validateKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package policies

import "slices"

// MatchRoute returns the first route whose On holds class or [Any], and
// true; or the zero Route and false when no route catches class.
func MatchRoute(routes []Route, class Class) (Route, bool) {
	for _, r := range routes {
		if slices.Contains(r.On, class) || slices.Contains(r.On, Any) {
			return r, true
		}
	}
	return Route{}, false
}

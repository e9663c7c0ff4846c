package server

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"strings"
)

// ErrNoToken means the server was asked to listen on an address other
// than loopback without a bearer token.
var ErrNoToken = errors.New("refusing to listen beyond loopback without a token " +
	"(set --token or GRAPHRUN_TOKEN, or listen on 127.0.0.1)")

// CheckListen returns [ErrNoToken] when addr is not a loopback address and
// token is empty.
func CheckListen(addr, token string) error {
	if token != "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return ErrNoToken
	}
	return nil
}

// authorize refuses requests without the bearer token, when one is set.
func (s *Server) authorize(next http.Handler) http.Handler {
	if s.cfg.Token == "" {
		return next
	}
	want := []byte("Bearer " + s.cfg.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(strings.TrimSpace(r.Header.Get("Authorization")))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="graphrun"`)
			writeError(w, http.StatusUnauthorized, CodeUnauthorized,
				"missing or wrong bearer token in the Authorization header")
			return
		}
		next.ServeHTTP(w, r)
	})
}

package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// checkAddr refuses a --addr value that is not HOST:PORT with a port from
// 1 to 65535; example is an address of the right form to suggest.
func checkAddr(addr, example string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError{fmt.Errorf("--addr %q: want HOST:PORT, like %s", addr, example)}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return usageError{fmt.Errorf("--addr %q: the port %q is not a number from 1 to 65535 "+
			"(write the address like %s)", addr, port, example)}
	}
	return nil
}

// listenError says why listening on addr failed, in plain words; a port
// that another process holds gets the two ways out.
func listenError(addr string, err error) error {
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("--addr %s: the port is already in use by another process; "+
			"choose another port%s, or stop the process that holds it", addr, nextPort(addr))
	case errors.As(err, &dnsErr):
		return fmt.Errorf("--addr %s: the host %s is not known; give an IP address, "+
			"like 127.0.0.1", addr, dnsErr.Name)
	}
	return fmt.Errorf("--addr %s: cannot listen there: %s", addr, reason(err))
}

// nextPort suggests the address after addr, as " (like --addr HOST:PORT+1)",
// or returns "" when there is none.
func nextPort(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	n, convErr := strconv.Atoi(port)
	if err != nil || convErr != nil || n < 1 || n >= 65535 {
		return ""
	}
	return fmt.Sprintf(" (like --addr %s)", net.JoinHostPort(host, strconv.Itoa(n+1)))
}

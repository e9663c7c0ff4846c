// Package policiestest provides test helpers for code that runs under
// graphrun's resilience policies: chiefly [FakeClock], a clock whose Sleep
// returns at once after moving its time forward, so that tests of retries
// and backoff never wait for real.
package policiestest

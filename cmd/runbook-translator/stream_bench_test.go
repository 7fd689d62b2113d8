package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// BenchmarkStreamCLI runs the whole review command (streaming path) over a
// text input: RT_BENCH_INPUT names one made by `scripts/benchgen text N
// FILE`; RT_BENCH_REPORTER picks the reporter (default json) and
// RT_BENCH_FORMAT the reader (-f NAME; default --efm '%f:%l:%c: %m'). It is
// skipped without an input: a benchmark, not a test.
//
//	go test ./cmd/runbook-translator -run '^$' -bench StreamCLI -cpuprofile cpu.out
func BenchmarkStreamCLI(b *testing.B) {
	in := os.Getenv("RT_BENCH_INPUT")
	if in == "" {
		b.Skip("RT_BENCH_INPUT not set (scripts/benchgen text 40000 FILE)")
	}
	rep := os.Getenv("RT_BENCH_REPORTER")
	if rep == "" {
		rep = "json"
	}
	read := []string{"--efm", "%f:%l:%c: %m", "--tool", "lint"}
	if f := os.Getenv("RT_BENCH_FORMAT"); f != "" {
		read = []string{"-f", f}
	}
	args := append(read, "-r", rep, "--fail-level", "none", in)
	args = append([]string{"review"}, args...)
	for i := 0; i < b.N; i++ {
		code := Main(args, strings.NewReader(""), io.Discard, io.Discard, func(string) string { return "" })
		if code != 0 {
			b.Fatalf("exit code %d", code)
		}
	}
}

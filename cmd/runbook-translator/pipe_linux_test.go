package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// fGetPipeSize is Linux's F_GETPIPE_SZ.
const fGetPipeSize = 1032

// widenPipe takes a pipe to outPipeSize (when the kernel allows that much:
// /proc/sys/fs/pipe-max-size) and leaves anything else alone.
func TestWidenPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	size := func() int {
		n, _, errno := syscall.Syscall(syscall.SYS_FCNTL, w.Fd(), fGetPipeSize, 0)
		if errno != 0 {
			t.Fatalf("F_GETPIPE_SZ: %v", errno)
		}
		return int(n)
	}
	if got := size(); got >= outPipeSize {
		t.Fatalf("a new pipe holds %d bytes already: the test checks nothing", got)
	}
	widenPipe(w)
	limit := 0
	if b, err := os.ReadFile("/proc/sys/fs/pipe-max-size"); err == nil {
		limit, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if got := size(); limit >= outPipeSize && got != outPipeSize {
		t.Fatalf("pipe size %d after widenPipe, want %d (pipe-max-size %d)", got, outPipeSize, limit)
	}
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	widenPipe(f) // a regular file: nothing to do, no error
}

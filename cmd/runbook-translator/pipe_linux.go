package main

import (
	"os"
	"syscall"
)

// fSetPipeSize is Linux's F_SETPIPE_SZ (fcntl(2)); the syscall package
// does not name it.
const fSetPipeSize = 1031

// outPipeSize is the size widenPipe asks for: the default of
// /proc/sys/fs/pipe-max-size, which an unprivileged process may set.
const outPipeSize = 1 << 20

// widenPipe enlarges the pipe f writes to (a CI step's `| jq`, `| tee`) from
// Linux's 64 KiB to outPipeSize, so that the writer and the reader take
// turns once per megabyte rather than once per 64 KiB: the JSON Lines of
// 200k findings are 27 MB. Nothing happens when f is not a pipe or the
// kernel refuses; the output is the same either way.
func widenPipe(f *os.File) {
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	if sc, err := f.SyscallConn(); err == nil {
		_ = sc.Control(func(fd uintptr) {
			syscall.Syscall(syscall.SYS_FCNTL, fd, fSetPipeSize, outPipeSize)
		})
	}
}

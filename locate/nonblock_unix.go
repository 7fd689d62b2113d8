//go:build unix

package locate

import "syscall"

// oNonblock makes opening a FIFO return at once; no effect on regular files.
const oNonblock = syscall.O_NONBLOCK

//go:build !linux

package main

import "os"

// widenPipe is a no-op where the pipe size cannot be set (pipe_linux.go).
func widenPipe(*os.File) {}

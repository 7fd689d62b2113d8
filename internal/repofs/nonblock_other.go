//go:build !unix

package repofs

// oNonblock is 0 where FIFOs cannot be named in the file system.
const oNonblock = 0

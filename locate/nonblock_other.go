//go:build !unix

package locate

const oNonblock = 0

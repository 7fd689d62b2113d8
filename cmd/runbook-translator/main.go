// Command runbook-translator turns scanner and policy-check output into
// findings that carry the platform team's runbook, and reports them in the
// terminal, in machine formats and as pull/merge request comments.
package main

import "os"

func main() {
	delayFirstGC(os.Getenv) // here, not in Main: tests run Main in-process
	widenPipe(os.Stdout)
	os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

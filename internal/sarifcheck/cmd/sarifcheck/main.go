// Command sarifcheck checks SARIF files against GitHub code scanning's
// documented ingestion rules (package sarifcheck): one line per file, "ok"
// or each problem; exit status 1 when any file has a problem, 2 when one
// cannot be read.
//
//	go run ./internal/sarifcheck/cmd/sarifcheck FILE...
package main

import (
	"fmt"
	"os"

	"github.com/runbook-translator/runbook-translator/internal/sarifcheck"
)

func main() {
	status := 0
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "sarifcheck:", err)
			status = 2
			continue
		}
		ps, err := sarifcheck.Check(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "sarifcheck: %s: %v\n", name, err)
			status = 2
			continue
		}
		if len(ps) == 0 {
			fmt.Printf("%s: ok\n", name)
			continue
		}
		if status == 0 {
			status = 1
		}
		for _, p := range ps {
			fmt.Printf("%s: %s\n", name, p)
		}
	}
	os.Exit(status)
}

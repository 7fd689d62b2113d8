package runbooks

import (
	"errors"
	"strings"
	"testing"
	"time"

	translator "github.com/runbook-translator/runbook-translator"
)

// Issue 8 item 8: catalog bodies whose cost has no bound are refused at
// load time, with the file and entry named.
func TestUnboundedBodiesRefused(t *testing.T) {
	for name, body := range map[string]string{
		"range literal":   `{{range 100000000}}{{end}}`,
		"range line":      `{{range .Line}}{{end}}`,
		"string doubling": `{{$s := "x"}}{{range 30}}{{$s = printf "%s%s" $s $s}}{{end}}{{$s}}`,
		"recursion":       `{{define "a"}}{{template "a" .}}{{template "a" .}}{{end}}{{template "a" .}}`,
		"deep ranges":     `{{range .Aliases}}{{range $.Aliases}}{{range $.Aliases}}x{{end}}{{end}}{{end}}`,
		"template call":   `{{template "x"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			cat := "entries:\n  - id: bad\n    title: t\n    match: [{tool: t, codes: [C]}]\n    body: '" + strings.ReplaceAll(body, "'", "''") + "'\n"
			l := &Layer{Name: "x"}
			err := l.add("x.yaml", []byte(cat))
			if err == nil || !strings.Contains(err.Error(), "x.yaml") || !strings.Contains(err.Error(), `"bad"`) {
				t.Fatalf("load = %v, want an error naming x.yaml and the entry", err)
			}
		})
	}
}

// Bodies that pass the load check stay cheap at run time: a huge printf
// width and an exploding replace chain fail the render, which keeps the
// finding with its raw message and a note.
func TestBoundedFunctions(t *testing.T) {
	for name, body := range map[string]string{
		"printf width": `{{printf "%999999999d" 1}}`,
		"printf star":  `{{printf "%*d" 999999999 1}}`,
		"replace":      `{{$s := "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{$s := replace "x" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" $s}}{{len $s}}`,
	} {
		t.Run(name, func(t *testing.T) {
			cat := "entries:\n  - id: bad\n    title: t\n    match: [{tool: t, codes: [C]}]\n    body: '" + strings.ReplaceAll(body, "'", "''") + "'\n"
			l := &Layer{Name: "x"}
			if err := l.add("x.yaml", []byte(cat)); err != nil {
				t.Fatal(err)
			}
			c := Merge(l)
			f := &translator.Finding{Tool: "t", Code: "C", Message: "raw message"}
			p := translator.Pipeline{Stages: []translator.Stage{c.Stage()}}
			if _, err := p.Run(t.Context(), translator.Findings{f}); err != nil {
				t.Fatal(err)
			}
			if f.Runbook == nil || f.Runbook.Error == "" || !strings.Contains(f.Runbook.Body, "raw message") {
				t.Fatalf("runbook = %+v, want the raw message and an error note", f.Runbook)
			}
		})
	}
}

// hostileCatalog loads one entry with body for tool t, code C.
func hostileCatalog(t *testing.T, body string) *Catalog {
	t.Helper()
	cat := "entries:\n  - id: bad\n    title: t\n    match: [{tool: t, codes: [C]}]\n    body: '" + strings.ReplaceAll(body, "'", "''") + "'\n"
	l := &Layer{Name: "x"}
	if err := l.add("x.yaml", []byte(cat)); err != nil {
		t.Fatalf("load: %v", err)
	}
	return Merge(l)
}

// Issue 8 item 8: bodies that pass the load check but cost without bound
// together (nested ranges over hostile finding values, growth without a
// range) fail their render with a note and the raw message; the entry is
// then off for the rest of the run, and a body within its budget renders.
func TestRenderBudget(t *testing.T) {
	aliases := make([]string, 2000)
	for i := range aliases {
		aliases[i] = "A"
	}
	extra := map[string]string{}
	for i := 0; i < 2000; i++ {
		extra[strings.Repeat("k", i%50)+string(rune('a'+i%26))+strings.Repeat("z", i/26)] = "v"
	}
	for name, body := range map[string]string{
		"nested aliases": `{{range .Aliases}}{{range $.Aliases}}{{end}}{{end}}`,
		"nested extra":   `{{range $k, $v := .Extra}}{{range $.Extra}}{{end}}{{end}}`,
		"nested literal": `{{range 1000}}{{range 1000}}{{end}}{{end}}`,
		"print growth": `{{$a := printf "%1000s" "x"}}{{$a := print $a $a $a $a $a $a $a $a}}` +
			`{{$a := print $a $a $a $a $a $a $a $a}}{{$a := print $a $a $a $a $a $a $a $a}}` +
			`{{$a := print $a $a $a $a $a $a $a $a}}{{$a := print $a $a $a $a $a $a $a $a}}{{len $a}}`,
		"calls in ranges": `{{range .Aliases}}{{range $.Aliases}}{{$x := code "x"}}{{end}}{{end}}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := hostileCatalog(t, body)
			for i := 0; i < 2; i++ {
				f := &translator.Finding{Tool: "t", Code: "C", Message: "raw message", Aliases: aliases, Extra: extra}
				c.Apply(f)
				if f.Runbook == nil || !strings.Contains(f.Runbook.Body, "raw message") || !strings.Contains(f.Runbook.Body, "failed to render") {
					t.Fatalf("render %d: body = %.200q, want the raw message and a note", i, f.Runbook.Body)
				}
				want := "budget"
				if i == 1 {
					want = "disabled for the rest of the run"
				}
				if !strings.Contains(f.Runbook.Error, want) {
					t.Fatalf("render %d: error = %q, want %q", i, f.Runbook.Error, want)
				}
			}
		})
	}
	t.Run("within budget", func(t *testing.T) {
		c := hostileCatalog(t, `{{range .Aliases}}{{range $.Aliases}}x{{end}}{{end}}`)
		f := &translator.Finding{Tool: "t", Code: "C", Message: "m", Aliases: []string{"a", "b", "c"}}
		c.Apply(f)
		if f.Runbook.Error != "" || f.Runbook.Body != "xxxxxxxxx" {
			t.Fatalf("runbook = %+v, want 9 x", f.Runbook)
		}
	})
}

// A body within its per-render budget that the run repeats trips once the
// entry has spent the run's budget.
func TestRunBudget(t *testing.T) {
	defer func(n int64) { maxEntryTicks = n }(maxEntryTicks)
	maxEntryTicks = -500 * entryTicksPerRender
	c := hostileCatalog(t, `{{range .Aliases}}{{end}}`)
	var errs []string
	for i := 0; i < 10; i++ {
		f := &translator.Finding{Tool: "t", Code: "C", Message: "raw message", Aliases: make([]string, 100)}
		c.Apply(f)
		errs = append(errs, f.Runbook.Error)
	}
	if errs[0] != "" || !strings.Contains(errs[9], "disabled for the rest of the run") {
		t.Fatalf("errors = %q, want the first render fine and the last one tripped", errs)
	}
}

// A zero budget (the fast path's) starts its clock at its first tickClock
// steps and keeps the deadline from then on.
func TestBudgetClockStartsLate(t *testing.T) {
	var b budget
	if err := b.tick(tickClock - 1); err != nil || !b.start.IsZero() {
		t.Fatalf("after %d steps: err %v, start %v; want no error and no clock", tickClock-1, err, b.start)
	}
	if err := b.tick(1); err != nil || b.start.IsZero() || !b.deadline.Equal(b.start.Add(maxRenderTime)) {
		t.Fatalf("after %d steps: err %v, start %v, deadline %v; want the clock started", tickClock, err, b.start, b.deadline)
	}
	b.deadline = b.start.Add(-time.Nanosecond) // as if the render had run past it
	if err := b.tick(tickClock); !errors.Is(err, errRenderTime) {
		t.Fatalf("past the deadline: err %v, want %v", err, errRenderTime)
	}
}

// A fast-path render under tickClock steps leaves the entry's account
// alone; one with more steps is counted.
func TestSmallRendersNotAccounted(t *testing.T) {
	c := hostileCatalog(t, `{{.Code}} {{range .Aliases}}{{.}}{{end}}`)
	ce := c.byID["bad"]
	if ce.prepare(); ce.fast == nil {
		t.Fatal("the body did not compile to the fast path")
	}
	c.Apply(&translator.Finding{Tool: "t", Code: "C", Aliases: []string{"a"}})
	if n := ce.run.renders.Load(); n != 0 {
		t.Fatalf("a small render counted: renders %d, want 0", n)
	}
	f := &translator.Finding{Tool: "t", Code: "C", Aliases: make([]string, 2*tickClock)}
	c.Apply(f)
	if f.Runbook.Error != "" {
		t.Fatal(f.Runbook.Error)
	}
	if n, ticks := ce.run.renders.Load(), ce.run.ticks.Load(); n != 1 || ticks < 2*tickClock {
		t.Fatalf("a render of %d steps: renders %d, ticks %d; want it counted", 2*tickClock, n, ticks)
	}
}

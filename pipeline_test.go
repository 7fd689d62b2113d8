package translator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A stage is written once, per finding, and added in one place: the
// pipeline's stage list. The same list serves a collected run (Run) and a
// streamed one (Start, Send, Close), sequential or parallel, and the
// findings come out in the order they went in.
func TestPipelineOneStageList(t *testing.T) {
	var order []string
	tag := func(name string) Stage {
		return MapStage{StageName: name, Fn: func(_ context.Context, f *Finding) error {
			f.Message += "," + name
			return nil
		}}
	}
	stages := []Stage{tag("locate"), tag("ignore"), tag("runbooks")}
	for _, workers := range []int{1, 4} {
		var log strings.Builder
		p := &Pipeline{Stages: stages, Workers: workers, Log: &log}
		order = order[:0]
		s := p.Start(context.Background(), func(f *Finding) { order = append(order, f.Code) })
		for i := 0; i < 3*BatchSize+7; i++ {
			if err := s.Send(&Finding{Code: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		for i, c := range order {
			if c != fmt.Sprint(i) {
				t.Fatalf("%d workers: finding %d came out as %s: input order lost", workers, i, c)
			}
		}
		if len(order) != 3*BatchSize+7 {
			t.Fatalf("%d workers: %d findings out", workers, len(order))
		}
		if want := fmt.Sprintf("stage runbooks: %d findings in, %d out\n", len(order), len(order)); !strings.HasSuffix(log.String(), want) {
			t.Errorf("%d workers: log %q", workers, log.String())
		}
	}
	fs := Findings{{Message: "m"}}
	if _, err := (&Pipeline{Stages: stages}).Run(context.Background(), fs); err != nil || fs[0].Message != "m,locate,ignore,runbooks" {
		t.Fatalf("Run: %q, %v: stages not applied once each, in order", fs[0].Message, err)
	}
}

// A failing stage stops the pipeline: Send says so (the parser stops
// reading), nothing after the failing batch is written, and Close names the
// stage.
func TestPipelineStageError(t *testing.T) {
	boom := errors.New("boom")
	for _, workers := range []int{1, 3} {
		p := &Pipeline{Workers: workers, Stages: []Stage{MapStage{StageName: "owners", Fn: func(_ context.Context, f *Finding) error {
			if f.Line == 10 {
				return boom
			}
			return nil
		}}}}
		written := 0
		s := p.Start(context.Background(), func(*Finding) { written++ })
		stopped := false
		for i := 1; i <= 5*BatchSize && !stopped; i++ {
			stopped = errors.Is(s.Send(&Finding{Location: Location{Line: i}}), ErrStopped)
		}
		err := s.Close()
		if !errors.Is(err, boom) || !strings.Contains(err.Error(), "stage owners") {
			t.Fatalf("%d workers: Close = %v", workers, err)
		}
		if workers == 1 && (!stopped || written != 9) {
			t.Errorf("inline: stopped %v, %d written, want the 9 before the failure", stopped, written)
		}
		if written >= 10 {
			t.Errorf("%d workers: %d written: findings after the failure went on", workers, written)
		}
	}
}

// An ordered stage sees every finding after the parallel stages, one at a
// time, in send order, however many workers run the others (the fix stage
// reads what it gave the earlier findings of an object).
func TestOrderedStagesRunInSendOrder(t *testing.T) {
	var seen []int
	par := MapStage{StageName: "par", Fn: func(_ context.Context, f *Finding) error {
		f.Line = f.Column * 2
		return nil
	}}
	ord := MapStage{StageName: "ord", Fn: func(_ context.Context, f *Finding) error {
		if f.Line != f.Column*2 {
			t.Errorf("finding %d reached the ordered stage before the parallel one", f.Column)
		}
		seen = append(seen, f.Column) // no lock: one goroutine
		return nil
	}}
	for _, workers := range []int{1, 2, 4} {
		seen = seen[:0]
		p := &Pipeline{Stages: []Stage{par}, Ordered: []Stage{ord}, Workers: workers}
		var written []int
		s := p.Start(context.Background(), func(f *Finding) { written = append(written, f.Column) })
		const n = 5*BatchSize + 7
		for i := 0; i < n; i++ {
			if err := s.Send(&Finding{Location: Location{Column: i}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if len(seen) != n || len(written) != n {
			t.Fatalf("workers %d: ordered stage saw %d, write got %d of %d", workers, len(seen), len(written), n)
		}
		for i := range seen {
			if seen[i] != i || written[i] != i {
				t.Fatalf("workers %d: position %d: ordered stage saw %d, write got %d", workers, i, seen[i], written[i])
			}
		}
	}
}

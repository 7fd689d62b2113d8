package translator

import (
	"context"
	"fmt"
	"io"
)

// Stage transforms the findings of a run: locate, ignore, runbooks, diff
// filter. A stage marks findings rather than dropping them when a later
// reporter must still account for them.
type Stage interface {
	Name() string
	Process(ctx context.Context, fs Findings) (Findings, error)
}

// Mapper is a Stage that can also work on one finding at a time, which lets
// the pipeline stream large inputs without holding every finding.
type Mapper interface {
	Stage
	Map(ctx context.Context, f *Finding) error
}

// Pipeline runs stages in order, logging counts in and out.
type Pipeline struct {
	Stages []Stage
	// Log receives one line per stage; nil discards.
	Log io.Writer
}

// Run applies every stage in order.
func (p *Pipeline) Run(ctx context.Context, fs Findings) (Findings, error) {
	for _, s := range p.Stages {
		in := len(fs)
		out, err := s.Process(ctx, fs)
		if err != nil {
			return fs, fmt.Errorf("stage %s: %w", s.Name(), err)
		}
		fs = out
		if p.Log != nil {
			fmt.Fprintf(p.Log, "stage %s: %d findings in, %d out\n", s.Name(), in, len(fs))
		}
	}
	return fs, nil
}

// MapStage adapts a per-finding function into a Mapper.
type MapStage struct {
	StageName string
	Fn        func(ctx context.Context, f *Finding) error
}

// Name implements Stage.
func (m MapStage) Name() string { return m.StageName }

// Map implements Mapper.
func (m MapStage) Map(ctx context.Context, f *Finding) error { return m.Fn(ctx, f) }

// Process implements Stage.
func (m MapStage) Process(ctx context.Context, fs Findings) (Findings, error) {
	for _, f := range fs {
		if err := m.Fn(ctx, f); err != nil {
			return fs, err
		}
	}
	return fs, nil
}

var _ Mapper = MapStage{}

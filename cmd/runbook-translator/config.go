package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/runbook-translator/runbook-translator/ignore"
)

// DefaultConfigFile is read from the working directory when -c is not given.
const DefaultConfigFile = ".runbook-translator.yaml"

// Config is the schema of .runbook-translator.yaml. Flags override it.
type Config struct {
	// FailLevel: none|info|warning|error.
	FailLevel      string `yaml:"fail_level"`
	RequireRunbook bool   `yaml:"require_runbook"`
	// Runbooks are catalog files or directories, merged over the built-in
	// catalog in order (organisation first, then repository).
	Runbooks  []string `yaml:"runbooks"`
	NoBuiltin bool     `yaml:"no_builtin"`
	// Lang is the language of runbooks and reports (en, ja).
	Lang string `yaml:"lang"`
	// CodePattern extracts rule codes from messages of formats without a
	// code field (conftest, gator, errorformat); it needs a (?P<code>...) group.
	CodePattern string `yaml:"code_pattern"`
	// BaseDir is the repository root; absolute paths under it become relative.
	BaseDir string `yaml:"base_dir"`
	// Inputs are read when no FILE is given on the command line.
	Inputs []InputConfig `yaml:"inputs"`
	// Reporters are used when no -r is given.
	Reporters []ReporterConfig `yaml:"reporters"`
	// FilterMode: added|diff_context|file|nofilter.
	FilterMode string        `yaml:"filter_mode"`
	Ignore     []ignore.Rule `yaml:"ignore"`
	// Mentions lets owner @handles ping in PR/MR comments (off: escaped).
	Mentions bool `yaml:"mentions"`

	// path is where the config was read from ("" when none).
	path string
}

// InputConfig is one tool output to read.
type InputConfig struct {
	Path   string   `yaml:"path"`
	Format string   `yaml:"format"`
	EFM    []string `yaml:"efm"`
	Tool   string   `yaml:"tool"`
	// Prefix goes before the relative paths the tool reports (the folder
	// it scanned, for trivy and shellcheck).
	Prefix string `yaml:"prefix"`
}

// ReporterConfig is one reporter and where it writes.
type ReporterConfig struct {
	Name string `yaml:"name"`
	Path string `yaml:"path"`
}

// loadConfig reads the config file: the explicit path (an error if missing),
// or DefaultConfigFile in dir when present.
func loadConfig(explicit, dir string) (*Config, error) {
	p := explicit
	if p == "" {
		p = filepath.Join(dir, DefaultConfigFile)
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return &Config{}, nil
		}
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, usageError("read config: %v", err)
	}
	cfg := &Config{path: p}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, usageError("config %s: %v", p, err)
	}
	var errs []error
	for i, r := range cfg.Ignore {
		if err := r.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("ignore[%d]: %w", i, err))
		}
	}
	for i, in := range cfg.Inputs {
		if in.Path == "" {
			errs = append(errs, fmt.Errorf("inputs[%d]: path is required", i))
		}
	}
	if len(errs) > 0 {
		return nil, usageError("config %s: %w", p, errors.Join(errs...))
	}
	// Relative catalog and input paths are relative to the config file.
	base := filepath.Dir(p)
	for i, r := range cfg.Runbooks {
		if !filepath.IsAbs(r) {
			cfg.Runbooks[i] = filepath.Join(base, r)
		}
	}
	return cfg, nil
}

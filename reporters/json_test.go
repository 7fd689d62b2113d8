package reporters

import (
	"bufio"
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"

	translator "github.com/runbook-translator/runbook-translator"
)

var (
	jsonRequired = []string{"tool", "code", "severity", "tool_severity", "message", "path", "line", "column",
		"end_line", "end_column", "resource", "url", "fingerprint", "runbook"}
	jsonOptional = []string{"title", "remediation", "aliases", "extra", "suppressed", "located", "outside_diff", "baseline", "fixes", "fix_note"}
)

func TestJSONLinesKeys(t *testing.T) {
	run := fixtureRun()
	out := render(t, "json", Options{}, run)
	allowed := map[string]bool{}
	for _, k := range append(append([]string{}, jsonRequired...), jsonOptional...) {
		allowed[k] = true
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n, suppressed := 0, 0
	for sc.Scan() {
		n++
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %d is not a JSON object: %v", n, err)
		}
		for _, k := range jsonRequired {
			if _, ok := obj[k]; !ok {
				t.Errorf("line %d lacks required key %q", n, k)
			}
		}
		var keys []string
		for k := range obj {
			if !allowed[k] {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		if len(keys) > 0 {
			t.Errorf("line %d has unexpected keys %v", n, keys)
		}
		var sev string
		json.Unmarshal(obj["severity"], &sev)
		if sev != "critical" && sev != "error" && sev != "warning" && sev != "info" {
			t.Errorf("line %d: severity %q", n, sev)
		}
		var rb map[string]json.RawMessage
		if err := json.Unmarshal(obj["runbook"], &rb); err != nil {
			t.Errorf("line %d: runbook: %v", n, err)
		}
		for _, k := range []string{"id", "title", "body"} {
			if _, ok := rb[k]; !ok {
				t.Errorf("line %d: runbook lacks %q", n, k)
			}
		}
		if _, ok := obj["suppressed"]; ok {
			suppressed++
		}
		// A line decodes back into a finding with the same values.
		var f translator.Finding
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Errorf("line %d does not decode into a Finding: %v", n, err)
		}
	}
	if n != len(run.Findings) {
		t.Errorf("%d lines for %d findings", n, len(run.Findings))
	}
	// The ignored finding and the one whose exception expired.
	if suppressed != 2 {
		t.Errorf("%d lines with suppressed, want 2", suppressed)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	run := fixtureRun()
	out := render(t, "json", Options{}, run)
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	for i, l := range lines {
		var f translator.Finding
		if err := json.Unmarshal([]byte(l), &f); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(run.Findings[i])
		got, _ := json.Marshal(&f)
		if !bytes.Equal(want, got) {
			t.Errorf("line %d round trip:\nwant %s\ngot  %s", i+1, want, got)
		}
	}
	if strings.Contains(string(out), "<script") {
		t.Errorf("HTML escaping is documented as on, but raw <script appears")
	}
}

func TestJSONStreamingMatchesReport(t *testing.T) {
	run := fixtureRun()
	var buf bytes.Buffer
	j := NewJSON(&buf)
	if err := j.Begin(run); err != nil {
		t.Fatal(err)
	}
	for _, f := range run.Findings {
		if err := j.Write(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.End(run); err != nil {
		t.Fatal(err)
	}
	if want := render(t, "json", Options{}, run); !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("streamed output differs from Report for sorted input")
	}
}

func TestJSONEmptyRun(t *testing.T) {
	if out := render(t, "json", Options{}, &translator.Run{}); len(out) != 0 {
		t.Errorf("empty run wrote %q", out)
	}
}

func TestStreamersRefuseWriteBeforeBegin(t *testing.T) {
	f := fixtureRun().Findings[0]
	for name, s := range map[string]Streamer{"json": NewJSON(&bytes.Buffer{}), "local": NewText(Options{Out: &bytes.Buffer{}})} {
		if err := s.Write(f); err == nil || !strings.Contains(err.Error(), "before Begin") {
			t.Errorf("%s: Write before Begin: %v", name, err)
		}
	}
}

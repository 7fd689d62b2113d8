package parsers

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDetectGitleaks(t *testing.T) { testDetect(t, "gitleaks") }

// TestGitleaksNeverLeaksSecrets parses the unredacted report and checks that
// no 6-character piece of any Secret or Match value appears anywhere in the
// JSON of the findings.
func TestGitleaksNeverLeaksSecrets(t *testing.T) {
	data := readFile(t, "../testdata/gitleaks/secrets.json")
	var leaks []struct{ Secret, Match string }
	if err := json.Unmarshal(data, &leaks); err != nil {
		t.Fatal(err)
	}
	fs, err := parseBytes(t, "gitleaks", data, Options{})
	if err != nil || len(fs) != len(leaks) {
		t.Fatalf("%d findings, %v", len(fs), err)
	}
	out, err := json.Marshal(fs)
	if err != nil {
		t.Fatal(err)
	}
	const window = 6
	checked := 0
	for _, l := range leaks {
		for _, v := range []string{l.Secret, l.Match} {
			for i := 0; i+window <= len(v); i++ {
				piece := v[i : i+window]
				// Skip pieces that are plain words of the surrounding
				// syntax rather than secret material.
				if strings.Trim(piece, "abcdefghijklmnopqrstuvwxyz-_:/. ") == "" {
					continue
				}
				checked++
				if strings.Contains(string(out), piece) {
					t.Errorf("a piece of a secret (offset %d) appears in the findings", i)
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("only %d pieces checked; fixture changed?", checked)
	}
}

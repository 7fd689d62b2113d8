package parsers

import (
	"os"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// fastAgrees checks fastResult against json v2 with encoding/json's
// semantics on the JSON of one result: when fastResult decodes it, json v2
// decodes it without error to the same value. It returns whether
// fastResult decoded it.
func fastAgrees(t testing.TB, b []byte) bool {
	t.Helper()
	var got sarifResult
	if !fastResult(b, &got) {
		return false
	}
	var want sarifResult
	if err := jsonv2.Unmarshal(b, &want, sarifJSONOptions); err != nil {
		t.Fatalf("fastResult decoded %s, json v2 fails: %v", b, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fastResult on %s:\n%#v\njson v2:\n%#v", b, got, want)
	}
	return true
}

// TestFastResultFixtures: every result of every SARIF file in testdata
// decodes to what json v2 gives, and nearly all take the fast path (the
// test would pass trivially if fastResult always gave up).
func TestFastResultFixtures(t *testing.T) {
	total, fast := 0, 0
	for _, file := range sarifTestFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Results []jsontext.Value `json:"results"`
			} `json:"runs"`
		}
		if jsonv2.Unmarshal(data, &log) != nil {
			continue // the bad-input fixtures
		}
		for _, run := range log.Runs {
			for _, r := range run.Results {
				total++
				if fastAgrees(t, r) {
					fast++
				}
			}
		}
	}
	t.Logf("%d of %d fixture results took the fast path", fast, total)
	if total < 500 || fast*100 < total*95 {
		t.Errorf("%d of %d fixture results took the fast path", fast, total)
	}
}

func TestFastResultCases(t *testing.T) {
	cases := []struct {
		in   string
		fast bool
	}{
		{`{"ruleId":"R1","ruleIndex":0,"level":"error","message":{"text":"a\nb \"q\" \\ \/ \u00e9 \u2028 \t"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a b.tf","uriBaseId":"ROOT","index":3},"region":{"startLine":1,"startColumn":2,"endLine":-3,"endColumn":40}}}]}`, true},
		{`{"ruleId":null,"ruleIndex":null,"rule":{"id":"x","index":2,"toolComponent":{"name":"ext","guid":"g","index":null}},"message":null}`, true},
		{` { "message" : { "text" : "é日本", "id":"m", "arguments" : [ "1" , "two" ] } , "x-unknown": {"a":[1,2.5e3,true,false,null,{"b":"\""}]} } `, true},
		{`{"locations":[],"suppressions":[{"kind":"inSource","status":"accepted","justification":"j"}],"properties":{"tags":["a"]}}`, true},
		{`{"locations":null,"suppressions":null,"fixes":null}`, true},
		{`{"locations":[{"logicalLocations":[{"name":"n","fullyQualifiedName":"a::n","kind":"function"}],"message":{"text":"x"}}]}`, true},
		{`{"fixes":[{"description":{"text":"d"},"artifactChanges":[{"artifactLocation":{"uri":"a"},"replacements":[{"deletedRegion":{"startLine":1},"insertedContent":{"text":"x"}}]}]}]}`, true},
		{`{"locations":[{"physicalLocation":{"region":null,"contextRegion":{"startLine":5}}}]}`, true},
		// encoding/json's rules, left to json v2:
		{`{"RuleId":"R1"}`, false},      // another spelling of a field
		{`{"rule_id":"R1"}`, false},     // v2 folds '_'
		{`{"ru\u006ceId":"R1"}`, false}, // an escaped name
		{`{"ruleİd":"R1"}`, false},      // a non-ASCII name
		{`{"level":1}`, false},          // a type error
		{`{"locations":[{"physicalLocation":{"region":{"startLine":"3"}}}]}`, false},
		{`{"locations":[{"physicalLocation":{"region":{"startLine":1.0}}}]}`, false},
		{`{"locations":[{"physicalLocation":{"region":{"startLine":1e2}}}]}`, false},
		{`{"ruleIndex":1234567890123456789}`, false},
		{`{"message":{"text":"\ud83d\ude00"}}`, false}, // a surrogate pair
		{"{\"message\":{\"text\":\"\xff\"}}", false},   // invalid UTF-8
		{`{"locations":[null]}`, false},
		{`{"message":{"arguments":["a",null]}}`, false},
		{`{"ruleId":"R1"} x`, false},
		{`{"ruleId":"R1"`, false},
		{`[]`, false},
	}
	for _, c := range cases {
		if got := fastAgrees(t, []byte(c.in)); got != c.fast {
			t.Errorf("fast path on %s: %v, want %v", c.in, got, c.fast)
		}
	}
}

// FuzzFastResult: on any valid JSON, fastResult either gives up or agrees
// with json v2.
func FuzzFastResult(f *testing.F) {
	f.Add([]byte(`{"ruleId":"R1","ruleIndex":0,"level":"error","message":{"text":"a\nb"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.tf","uriBaseId":"ROOT"},"region":{"startLine":1}}}]}`))
	f.Add([]byte(`{"rule":{"toolComponent":{"index":1}},"message":{"id":"m","arguments":["x"]},"suppressions":[{"status":"rejected"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !jsontext.Value(b).IsValid() {
			return // the tokenizer refuses it before fastResult sees it
		}
		fastAgrees(t, b)
	})
}

// trivyFieldIndex and trivyFieldKeys name the same keys in the same order.
func TestTrivyFieldKeys(t *testing.T) {
	for i, k := range trivyFieldKeys {
		if got := trivyFieldIndex(k); got != i {
			t.Errorf("trivyFieldIndex(%q) = %d, want %d", k, got, i)
		}
	}
	f := trivyMessageFields("Artifact: a.yaml\nType: kubernetes\nMessage: first\nMessage: second\nSeverity:  HIGH \nno colon\nPackage: p")
	if f.get("Message") != "first" || f.get("Type") != "kubernetes" || f.get("Severity") != "HIGH" || f.get("Package") != "p" || f.get("Artifact") != "" || f.get("Fixed Version") != "" {
		t.Errorf("fields %q", f)
	}
}

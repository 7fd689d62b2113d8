package lazyre

import (
	"sync"
	"testing"
)

func TestNewCompilesOnceOnFirstUse(t *testing.T) {
	re := New(`^a(b+)$`)
	var wg sync.WaitGroup
	got := make([]any, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = re()
		}()
	}
	wg.Wait()
	for i := range got {
		if got[i] != got[0] {
			t.Fatalf("call %d returned another *Regexp", i)
		}
	}
	if m := re().FindStringSubmatch("abbb"); len(m) != 2 || m[1] != "bbb" {
		t.Fatalf("FindStringSubmatch = %q", m)
	}
}

func TestAllReportsBadExpression(t *testing.T) {
	if e, err := All(); err != nil {
		t.Fatalf("before: %q: %v", e, err)
	}
	bad := New(`(unclosed`)
	e, err := All()
	if err == nil || e != `(unclosed` {
		t.Fatalf("All() = %q, %v; want the bad expression and an error", e, err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("first use of a bad expression did not panic")
		}
	}()
	bad()
}

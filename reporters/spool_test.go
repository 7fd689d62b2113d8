package reporters

import (
	"bytes"
	"fmt"
	"testing"
)

// A spool written as a stream gives back every byte in order, whether it
// stayed in memory, moved to a file midway, or has bytes still pending.
func TestSpoolStream(t *testing.T) {
	defer func(n, io int) { spoolLimit, spoolIO = n, io }(spoolLimit, spoolIO)
	for _, c := range []struct{ limit, io int }{{1 << 20, 1 << 10}, {100, 64}, {0, 7}, {1000, 1 << 20}} {
		spoolLimit, spoolIO = c.limit, c.io
		var sp spool
		var want bytes.Buffer
		for i := range 200 {
			p := []byte(fmt.Sprintf("chunk %d %s|", i, bytes.Repeat([]byte{'x'}, i%37)))
			want.Write(p)
			if n, err := sp.Write(p); n != len(p) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		var got bytes.Buffer
		if err := sp.writeTo(&got); err != nil {
			t.Fatal(err)
		}
		if inFile := sp.f != nil; inFile != (c.limit < want.Len()) {
			t.Errorf("limit %d: in a file %v, want %v", c.limit, inFile, c.limit < want.Len())
		}
		sp.close()
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("limit %d, io %d: got %d bytes, want %d; differ", c.limit, c.io, got.Len(), want.Len())
		}
	}
}

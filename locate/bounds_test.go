package locate

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Issue 8 item 7: a FIFO under a finding's path does not hang the stage,
// and the stage's reads are capped in total, not only per file.
func TestReadFileFIFOAndBudget(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a.yaml"), make([]byte, 600), 0o644)
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.yaml"))
	s, err := New(Options{Root: dir, MaxTotal: 1000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan error, 1)
	go func() { _, err := s.readFile("fifo.yaml"); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a FIFO was read")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("readFile blocked on a FIFO")
	}
	if _, err := s.readFile("zero.yaml"); err == nil {
		t.Fatal("a symlink to /dev/zero was read")
	}
	if _, err := s.readFile("a.yaml"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.readFile("a.yaml"); !errors.Is(err, errBudget) {
		t.Fatalf("second read: %v, want the run budget spent", err)
	}
}

package repofs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func setup(t *testing.T) (*Root, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.yaml"), []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "big.yaml"), make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "zero"))
	os.Symlink("/etc/passwd", filepath.Join(dir, "passwd"))
	os.Symlink("ok.yaml", filepath.Join(dir, "inside"))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := New(dir, 1024, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, dir
}

func TestReadFileRefusesWhatLeavesOrIsNotAFile(t *testing.T) {
	r, dir := setup(t)
	for _, c := range []struct {
		name string
		want error
	}{
		{"zero", ErrOutside},
		{"passwd", ErrOutside},
		{"/etc/passwd", ErrOutside},
		{"../../../../etc/passwd", ErrOutside},
		{"/proc/self/environ", ErrOutside},
		{"fifo", ErrNotRegular},
		{".", ErrNotRegular},
		{"big.yaml", ErrTooLarge},
	} {
		done := make(chan error, 1)
		go func() { _, err := r.ReadFile(c.name); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, c.want) {
				t.Errorf("ReadFile(%q) = %v, want %v", c.name, err, c.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("ReadFile(%q) blocked", c.name)
		}
	}
	for _, name := range []string{"ok.yaml", "inside", filepath.Join(dir, "ok.yaml")} {
		data, err := r.ReadFile(name)
		if err != nil || string(data) != "a: 1\n" {
			t.Errorf("ReadFile(%q) = %q, %v", name, data, err)
		}
	}
}

func TestBudget(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), make([]byte, 600), 0o644)
	r, err := New(dir, 1024, 1000)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.ReadFile("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadFile("a"); !errors.Is(err, ErrBudget) {
		t.Fatalf("second read: %v, want ErrBudget", err)
	}
}

func TestCreateStaysInside(t *testing.T) {
	r, dir := setup(t)
	outside := t.TempDir()
	os.Symlink(filepath.Join(outside, "x"), filepath.Join(dir, "out-link"))
	for _, name := range []string{"out-link", "../x", filepath.Join(outside, "y"), "fifo"} {
		if f, err := r.Create(name); err == nil {
			f.Close()
			t.Errorf("Create(%q) succeeded", name)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("files written outside: %v", entries)
	}
	f, err := r.Create("report.sarif")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestFS(t *testing.T) {
	r, _ := setup(t)
	fsys := r.FS()
	if _, err := fsys.Open("zero"); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("FS open zero: %v", err)
	}
	if _, err := fsys.Open("fifo"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("FS open fifo: %v", err)
	}
	if f, err := fsys.Open("."); err != nil {
		t.Errorf("FS open dir: %v", err)
	} else {
		f.Close()
	}
}

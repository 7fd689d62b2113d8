package fakeforge

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestFaultsTakeSkipTimes(t *testing.T) {
	var q Faults
	q.Inject(Fault{Method: "POST", Path: `/reviews$`, Skip: 1, Times: 2, Status: 502})
	var got []bool
	for _, req := range []struct{ m, p string }{{"GET", "/x/reviews"}, {"POST", "/x/reviews"}, {"POST", "/x/reviews"}, {"POST", "/x/comments"}, {"POST", "/x/reviews"}, {"POST", "/x/reviews"}} {
		got = append(got, q.Take(req.m, req.p) != nil)
	}
	want := []bool{false, false, true, false, true, false}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("faults taken %v, want %v", got, want)
		}
	}
}

func TestPagingGitHubAndGitLab(t *testing.T) {
	r := httptest.NewRequest("GET", "http://fake/repos/o/r/pulls/1/comments?page=2&per_page=2", nil)
	h := http.Header{}
	lo, hi, pg := Paging{DefaultPerPage: 30}.Page(h, r, 5)
	if lo != 2 || hi != 4 || pg != 2 {
		t.Errorf("github page bounds %d:%d page %d", lo, hi, pg)
	}
	link := h.Get("Link")
	for _, rel := range []string{`page=3&per_page=2>; rel="next"`, `rel="last"`, `rel="first"`, `rel="prev"`} {
		if !strings.Contains(link, rel) {
			t.Errorf("github Link %q lacks %s", link, rel)
		}
	}
	if h.Get("X-Next-Page") != "" {
		t.Error("github sends no X-Next-Page")
	}
	h = http.Header{}
	r = httptest.NewRequest("GET", "http://fake/api/v4/projects/1/merge_requests/7/discussions", nil)
	lo, hi, _ = Paging{DefaultPerPage: 20, GitLab: true}.Page(h, r, 25)
	if lo != 0 || hi != 20 || h.Get("X-Next-Page") != "2" || h.Get("X-Total") != "25" || !strings.Contains(h.Get("Link"), `rel="last"`) {
		t.Errorf("gitlab page %d:%d headers %v", lo, hi, h)
	}
}

func TestPlayerAfterApplyThenFail(t *testing.T) {
	applied := false
	p := Player{T: t, Name: "test", WriteFault: func(w http.ResponseWriter, _ *http.Request, f *Fault) { w.WriteHeader(f.Status) }}
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/x", nil)
	f, done := p.Before(w, r, &Fault{AfterApply: true, Status: 502})
	if done || f == nil {
		t.Fatal("an AfterApply fault acted before the request")
	}
	p.After(w, r, f, func(w http.ResponseWriter) { applied = true; w.WriteHeader(201) })
	if !applied || w.Code != 502 {
		t.Errorf("applied %t, status %d", applied, w.Code)
	}
}

func TestRequests(t *testing.T) {
	var q Requests
	q.Add("GET", "/a", false)
	q.Add("POST", "/b", true)
	q.Count("POST")
	reads, writes, by := q.Counts()
	if reads != 1 || writes != 1 || by["POST"] != 1 || len(q.Log()) != 2 {
		t.Errorf("counts %d %d %v log %v", reads, writes, by, q.Log())
	}
	q.Reset()
	if r, w, by := q.Counts(); r+w != 0 || len(by) != 0 || len(q.Log()) != 0 {
		t.Error("Reset kept counts")
	}
}

func TestWalkPatchNumbersBothSides(t *testing.T) {
	// A hunk in the shape `git diff` prints it: a removed, an added and
	// context lines, a no-newline marker, and text before the header.
	patch := "diff --git a/f b/f\n@@ -3,3 +3,3 @@ func f()\n a\n-b\n+c\n d\n\\ No newline at end of file"
	var got []PatchLine
	WalkPatch(patch, func(l PatchLine) { got = append(got, l) })
	want := []PatchLine{{' ', 3, 3, "a"}, {'-', 4, 4, "b"}, {'+', 5, 4, "c"}, {' ', 5, 5, "d"}}
	if len(got) != len(want) {
		t.Fatalf("walked %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestRemoveAndSelect(t *testing.T) {
	list := []int{1, 2, 3, 2}
	if !Remove(&list, func(x int) bool { return x == 2 }) || len(list) != 3 || list[0] != 1 || list[1] != 3 || list[2] != 2 {
		t.Errorf("after removing the first 2: %v", list)
	}
	if Remove(&list, func(x int) bool { return x == 9 }) || len(list) != 3 {
		t.Errorf("removing what is not there changed %v", list)
	}
	even := Select(list, func(x int) bool { return x%2 == 0 }, func(x int) string { return strconv.Itoa(x) })
	if len(even) != 1 || even[0] != "2" {
		t.Errorf("selected %v, want [2]", even)
	}
	if none := Select(list, func(int) bool { return false }, func(x int) int { return x }); none != nil {
		t.Errorf("nothing selected gave %v, want nil", none)
	}
}

func TestFirst(t *testing.T) {
	a, b := &struct{ id int }{1}, &struct{ id int }{2}
	list := []*struct{ id int }{a, b}
	if x, ok := First(list, func(x *struct{ id int }) bool { return x.id == 2 }); !ok || x != b {
		t.Errorf("First id 2 = %v, %v", x, ok)
	}
	if x, ok := First(list, func(x *struct{ id int }) bool { return x.id == 3 }); ok || x != nil {
		t.Errorf("First id 3 = %v, %v; want nil, false", x, ok)
	}
}

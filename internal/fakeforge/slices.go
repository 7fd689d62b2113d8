package fakeforge

import "sync"

// First returns the first element of list that match reports (the zero
// T, such as nil, where none does) and whether there was one.
func First[T any](list []T, match func(T) bool) (T, bool) {
	for _, x := range list {
		if match(x) {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// Remove deletes the first element of *list that match reports, keeping
// the order of the others, and reports whether there was one. The fakes
// delete comments, notes and discussions with it.
func Remove[T any](list *[]T, match func(T) bool) bool {
	for i, x := range *list {
		if match(x) {
			*list = append((*list)[:i], (*list)[i+1:]...)
			return true
		}
	}
	return false
}

// RemoveLocked is Remove with mu held: a fake's Delete* helpers, called
// by tests while the fake serves requests.
func RemoveLocked[T any](mu *sync.Mutex, list *[]T, match func(T) bool) bool {
	mu.Lock()
	defer mu.Unlock()
	return Remove(list, match)
}

// Select returns conv of each element of list that match reports, in
// order; nil where none does (the fakes' pages send nil as []).
func Select[T, U any](list []T, match func(T) bool, conv func(T) U) []U {
	var out []U
	for _, x := range list {
		if match(x) {
			out = append(out, conv(x))
		}
	}
	return out
}

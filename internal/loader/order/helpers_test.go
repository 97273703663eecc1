package order

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// sliceIter yields entries, and errAt[i] just before entry i (once).
type sliceIter struct {
	entries []Entry
	i       int
	errAt   map[int]error
}

func (s *sliceIter) Next() (Entry, error) {
	if err, ok := s.errAt[s.i]; ok {
		delete(s.errAt, s.i)
		return Entry{}, err
	}
	if s.i == len(s.entries) {
		return Entry{}, io.EOF
	}
	s.i++
	return s.entries[s.i-1], nil
}

// entries builds one entry per partition name; Rec.Pos.Record is the 1-based input index.
func entries(partitions ...string) []Entry {
	out := make([]Entry, len(partitions))
	for i, p := range partitions {
		out[i] = Entry{Rec: record.Record{Pos: record.Position{File: "in", Record: i + 1}}, Key: keys.Key{Partition: "S:" + p, Sort: fmt.Sprintf("N:%d", i)}, Size: 100, WCU: 1}
	}
	return out
}

// sorted returns keys × perKey entries grouped by key, as a sorted file would give them.
func sorted(keyCount, perKey int) []Entry {
	var ps []string
	for k := range keyCount {
		for range perKey {
			ps = append(ps, fmt.Sprintf("k%04d", k))
		}
	}
	return entries(ps...)
}

func drain(t *testing.T, it Iterator) []Entry {
	t.Helper()
	var out []Entry
	for {
		e, err := it.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next after %d entries: %v", len(out), err)
		}
		out = append(out, e)
	}
}

// records is the input indexes of entries, to compare orders.
func records(es []Entry) []int {
	out := make([]int, len(es))
	for i := range es {
		out[i] = es[i].Rec.Pos.Record
	}
	return out
}

// checkPermutation fails unless out holds each of the n input entries exactly once.
func checkPermutation(t *testing.T, n int, out []Entry) {
	t.Helper()
	if len(out) != n {
		t.Fatalf("got %d entries, want %d", len(out), n)
	}
	seen := make([]bool, n+1)
	for _, r := range records(out) {
		if r < 1 || r > n || seen[r] {
			t.Fatalf("entry %d missing, duplicated or invented", r)
		}
		seen[r] = true
	}
}

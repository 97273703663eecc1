package ledger

import (
	"slices"
	"testing"
)

func TestCompare(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		old, next        *Ledger
		want             Diff
		removed, changed []string
	}{
		{"both empty", build(), build(), Diff{}, nil, nil},
		{"nil ledgers are empty", nil, nil, Diff{}, nil, nil},
		{"first load: nothing before", nil, build(Entry{"a", 1}, Entry{"b", 2}), Diff{Added: 2}, nil, nil},
		{"destroy: nothing after", build(Entry{"a", 1}, Entry{"b", 2}), nil, Diff{Removed: 2}, []string{"a", "b"}, nil},
		{
			"identical",
			build(Entry{"a", 1}, Entry{"b", 2}), build(Entry{"b", 2}, Entry{"a", 1}),
			Diff{Unchanged: 2}, nil, nil,
		},
		{
			"every kind, interleaved",
			build(Entry{"a", 1}, Entry{"b", 2}, Entry{"c", 3}, Entry{"e", 5}, Entry{"g", 7}, Entry{"h", 8}),
			build(Entry{"b", 2}, Entry{"c", 30}, Entry{"d", 4}, Entry{"e", 5}, Entry{"f", 6}, Entry{"h", 80}, Entry{"i", 9}),
			Diff{Removed: 2, Added: 3, Changed: 2, Unchanged: 2}, []string{"a", "g"}, []string{"c", "h"},
		},
		{
			"prefixes are different keys",
			build(Entry{"3:S:a", 1}, Entry{"4:S:ab", 2}),
			build(Entry{"4:S:ab", 3}, Entry{"5:S:abc", 4}),
			Diff{Removed: 1, Added: 1, Changed: 1}, []string{"3:S:a"}, []string{"4:S:ab"},
		},
		{
			"disjoint",
			build(Entry{"a", 1}, Entry{"c", 1}), build(Entry{"b", 1}, Entry{"d", 1}),
			Diff{Removed: 2, Added: 2}, []string{"a", "c"}, nil,
		},
	} {
		var removed, changed []string
		got := Compare(tc.old, tc.next,
			func(k string) { removed = append(removed, k) },
			func(k string) { changed = append(changed, k) })
		if got != tc.want {
			t.Errorf("%s: Compare = %+v, want %+v", tc.name, got, tc.want)
		}
		if !slices.Equal(removed, tc.removed) || !slices.Equal(changed, tc.changed) {
			t.Errorf("%s: removed %q, changed %q; want %q, %q", tc.name, removed, changed, tc.removed, tc.changed)
		}
		if got.Removed+got.Changed+got.Unchanged != tc.old.Len() || got.Added+got.Changed+got.Unchanged != tc.next.Len() {
			t.Errorf("%s: %+v does not add up to the ledgers' lengths %d and %d", tc.name, got, tc.old.Len(), tc.next.Len())
		}
		if nilCallbacks := Compare(tc.old, tc.next, nil, nil); nilCallbacks != tc.want {
			t.Errorf("%s: Compare with nil callbacks = %+v, want %+v", tc.name, nilCallbacks, tc.want)
		}
	}
}

package ledger

import (
	"slices"

	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
)

// Sample returns n entries chosen deterministically (all of them if the ledger has fewer), in
// KeyID order: the n with the smallest hashing.String(KeyID) (FNV-1a 64, SplitMix64
// finaliser), a bottom-k sample. The provider reads them back from the table to detect drift without reading the whole table.
//
// Why bottom-k: an entry's rank depends on its own KeyID alone, never on the ledger's size or
// on other entries, so the same ledger gives the same sample on every machine, and a few
// added or removed items move only the sampled keys they displace or were: most of the sample
// survives a small update, and drift checks before and after it look at the same items. A
// changed item keeps its key, so it stays sampled and the sample carries its new hash.
func (l *Ledger) Sample(n int) []Entry {
	if n <= 0 || l.Len() == 0 {
		return nil
	}
	if n >= l.Len() {
		return slices.Collect(l.All())
	}
	// A max-heap of the n lowest ranks seen so far: the root is the one to evict.
	h := make([]ranked, 0, n)
	for i := range l.Len() {
		r := ranked{score: hashing.String(l.key(i)), index: i}
		switch {
		case len(h) < n:
			h = append(h, r)
			siftUp(h, len(h)-1)
		case r.less(h[0]):
			h[0] = r
			siftDown(h, 0)
		}
	}
	slices.SortFunc(h, func(a, b ranked) int { return a.index - b.index })
	out := make([]Entry, len(h))
	for k, r := range h {
		out[k] = l.entry(r.index)
	}
	return out
}

// ranked is an entry's rank in the sample: its score, then (for equal scores) its position,
// which is KeyID order, so ties break the same way everywhere.
type ranked struct {
	score uint64
	index int
}

func (r ranked) less(o ranked) bool {
	return r.score < o.score || (r.score == o.score && r.index < o.index)
}

func siftUp(h []ranked, i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h[parent].less(h[i]) {
			return
		}
		h[parent], h[i] = h[i], h[parent]
		i = parent
	}
}

func siftDown(h []ranked, i int) {
	for {
		largest := i
		for _, c := range [2]int{2*i + 1, 2*i + 2} {
			if c < len(h) && h[largest].less(h[c]) {
				largest = c
			}
		}
		if largest == i {
			return
		}
		h[i], h[largest] = h[largest], h[i]
		i = largest
	}
}

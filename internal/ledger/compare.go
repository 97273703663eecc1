package ledger

import "strings"

// Diff counts how the entries of the next ledger relate to the old one's. Removed + Changed +
// Unchanged is the old ledger's Len; Added + Changed + Unchanged is the next one's.
type Diff struct {
	Removed   int // in old, not in next: to delete
	Added     int // in next, not in old: to write
	Changed   int // in both, with different hashes: to write
	Unchanged int // in both, with equal hashes: to skip
}

// Compare walks both ledgers once, in KeyID order, and calls removed for each key of old that
// next lacks and changed for each key in both whose hash differs, in KeyID order. Added keys
// are only counted: the new dataset, not the ledger, holds what to write. A nil callback is
// skipped; a nil ledger is empty (a first load compares against nil).
func Compare(old, next *Ledger, removed, changed func(keyID string)) Diff {
	var d Diff
	i, j := 0, 0
	for i < old.Len() && j < next.Len() {
		switch c := strings.Compare(old.key(i), next.key(j)); {
		case c < 0:
			d.Removed++
			call(removed, old.key(i))
			i++
		case c > 0:
			d.Added++
			j++
		default:
			if old.hashes[i] == next.hashes[j] {
				d.Unchanged++
			} else {
				d.Changed++
				call(changed, next.key(j))
			}
			i++
			j++
		}
	}
	for ; i < old.Len(); i++ {
		d.Removed++
		call(removed, old.key(i))
	}
	d.Added += next.Len() - j
	return d
}

func call(f func(string), keyID string) {
	if f != nil {
		f(keyID)
	}
}

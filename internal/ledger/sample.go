package ledger

import (
	"cmp"
	"slices"

	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
)

// SampleBlocks returns blocks (positions in Blocks, in increasing order) chosen
// deterministically to hold at least n entries (all known blocks if they hold fewer): the
// known blocks of lowest rank, a bottom-k sample. The provider reads their items back from the
// table to detect drift without reading the whole table.
//
// Why bottom-k: a block's rank depends on its first key alone, never on the ledger's size or
// on other blocks, so the same ledger gives the same sample on every machine, and a small
// update moves only the blocks it changes: most of the sample survives it, and drift checks
// before and after it look at the same items. Blocks whose content the ledger does not know
// (after a stopped load) cannot be checked and are never chosen.
func (l *Ledger) SampleBlocks(n int) []int {
	if n <= 0 {
		return nil
	}
	bs := l.Blocks()
	order := make([]ranked, 0, len(bs))
	for b, bl := range bs {
		if bl.Known {
			order = append(order, ranked{score: blockRank(l.key(bl.Lo)), index: b})
		}
	}
	slices.SortFunc(order, func(a, b ranked) int { return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(a.index, b.index)) })
	var out []int
	for _, r := range order {
		if n <= 0 {
			break
		}
		out = append(out, r.index)
		n -= bs[r.index].Hi - bs[r.index].Lo
	}
	slices.Sort(out)
	return out
}

// blockRank is a block's rank in the sample, from its first key. The mix differs from
// startsBlock's hash, whose blocks' first keys all share their low bits.
func blockRank(firstKey string) uint64 {
	return hashing.Mix64(hashing.String(firstKey) ^ 0x6a09e667f3bcc908)
}

// ranked is a block's rank in the sample: its score, then (for equal scores) its position.
type ranked struct {
	score uint64
	index int
}

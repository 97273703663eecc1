package converge

import (
	"context"
	"fmt"

	"github.com/ddbload/terraform-provider-ddbload/internal/drift"
	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// MaxReadBack is the most items a plan or apply reads back from the table to tell which items
// of the changed blocks changed. Past it, every item of the changed blocks is written: it
// bounds the time a plan spends reading for a change spread over most of a large dataset.
const MaxReadBack = 100_000

// readBackLimit is MaxReadBack, which a test may lower.
var readBackLimit = MaxReadBack

// ReadBackError is a failure to read back the items of the changed blocks: nothing was
// written.
type ReadBackError struct {
	Items int // how many were to be read
	Err   error
}

func (e *ReadBackError) Error() string {
	return fmt.Sprintf("reading back the %d items of the changed blocks: %v", e.Items, e.Err)
}

func (e *ReadBackError) Unwrap() error { return e.Err }

// verdict is what the prior state says of the dataset's records: which are in place, which
// prior keys the dataset lacks, and what the table holds of each prior entry, where known.
type verdict struct {
	unchanged *loader.Bitmap // records in place: not written
	gone      []string       // prior keys (ledger, then unconfirmed) the dataset lacks
	// heldHash[j] is the content hash the table holds for prior ledger entry j, where
	// heldKnown says it is known: a stopped load records it for the entries it did not replace.
	heldHash  []uint32
	heldKnown []bool
	// at[i] is the prior ledger entry with record i's key, or -1: the next ledger keeps the
	// prior's order for those.
	at []int32
}

// judge compares the dataset's records with the prior ledger block by block. A block whose
// items all have a record, and whose sum the records' content hashes reproduce, is in place
// as a whole. The records of other blocks are read back from the table (with reader, if not
// nil, up to MaxReadBack of them) and are in place when the table holds the same content; the
// others, and new keys, are written.
func judge(ctx context.Context, reader drift.API, p Params, validated *loader.Validated, seen *records) (*verdict, error) {
	prior := p.Prior
	led := prior.Ledger
	v := &verdict{unchanged: &loader.Bitmap{}, heldHash: make([]uint32, led.Len()), heldKnown: make([]bool, led.Len())}
	m := newMarks(prior)
	pos := make([]int32, seen.len()) // the record's entry in the prior ledger, or -1
	blk := make([]int32, seen.len()) // and that entry's block
	blocks := led.Blocks()
	sums := make([]uint32, len(blocks))
	present := make([]int32, len(blocks))
	unsure := make([]bool, len(blocks)) // a record of the block whose key is also unconfirmed
	var unsureRecord loader.Bitmap
	v.at = make([]int32, seen.len())
	led.FindEach(seen.len(), seen.key, v.at)
	for i := range seen.len() {
		pos[i] = -1
		if validated.Dropped(uint64(i)) {
			v.at[i] = -1
			continue
		}
		id, j := seen.key(i), int(v.at[i])
		uncertain := m.mark(id, j)
		if j < 0 || prior.Drifted {
			continue
		}
		b := led.BlockOf(j)
		pos[i], blk[i] = int32(j), int32(b)
		sums[b] += ledger.ItemSum(id, seen.hash(i))
		present[b]++
		if uncertain {
			unsure[b] = true
			unsureRecord.Set(uint64(i))
		}
	}
	v.gone = m.removed()

	inPlace := make([]bool, len(blocks))
	for b, bl := range blocks {
		inPlace[b] = bl.Known && !unsure[b] && int(present[b]) == bl.Hi-bl.Lo && sums[b] == bl.Sum
	}
	var candidates []int // records of changed blocks
	for i, j := range pos {
		switch {
		case j < 0 || unsureRecord.Has(uint64(i)): // written
		case inPlace[blk[i]]:
			v.unchanged.Set(uint64(i))
			v.heldHash[j], v.heldKnown[j] = seen.hash(i), true
		default:
			candidates = append(candidates, i)
		}
	}
	if reader == nil || len(candidates) == 0 || len(candidates) > readBackLimit {
		return v, nil
	}
	ids := make([]string, len(candidates))
	for k, i := range candidates {
		ids[k] = seen.id(i)
	}
	held, err := drift.Read(ctx, reader, p.Table, p.Schema, ids)
	if err != nil {
		return nil, &ReadBackError{Items: len(ids), Err: err}
	}
	for k, i := range candidates {
		h, ok := held[ids[k]]
		if !ok {
			continue // not in the table: written, and nothing known to record
		}
		j := pos[i]
		v.heldHash[j], v.heldKnown[j] = h, true
		if h == seen.hash(i) {
			v.unchanged.Set(uint64(i))
		}
	}
	return v, nil
}

// held is prior ledger entry j with the content the table holds for it: as this apply found
// it, else as the ledger knows it (which a ledger decoded from block sums does not).
func (v *verdict) held(led *ledger.Ledger, j int) ledger.Entry {
	e := led.At(j)
	if v.heldKnown[j] {
		e.Hash, e.Known = v.heldHash[j], true
	}
	return e
}

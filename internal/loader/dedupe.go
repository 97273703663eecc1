package loader

import (
	"fmt"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// DuplicatePolicy says what happens when two records end up with the same primary key.
type DuplicatePolicy string

const (
	// DuplicateError fails the load (before anything is written), naming both records.
	DuplicateError DuplicatePolicy = "error"
	// DuplicateLastWins keeps the record read last.
	DuplicateLastWins DuplicatePolicy = "last_wins"
	// DuplicateFirstWins keeps the record read first.
	DuplicateFirstWins DuplicatePolicy = "first_wins"
)

// dedupe finds records that share a primary key. It keeps a 64-bit hash of each key and
// where it was seen (16 bytes a key plus map overhead), and marks the losing records in a
// bitmap that the load pass skips, so the order stage may reorder freely. Two different keys
// with the same 64-bit hash are possible in theory (about 1 in 10^7 for 3 million keys).
type dedupe struct {
	policy DuplicatePolicy
	files  fileTable
	seen   map[uint64]seenAt
	losers Bitmap
	// Dropped counts records that lost to a duplicate.
	dropped int64
}

type seenAt struct {
	seq       uint64
	line, rec uint32
	file      uint16
}

func newDedupe(p DuplicatePolicy) *dedupe {
	if p == "" {
		p = DuplicateError
	}
	return &dedupe{policy: p, seen: map[uint64]seenAt{}}
}

// observe records that the record at seq and pos has the key keyID. It returns an
// *record.InputError under DuplicateError when the key was seen before.
func (d *dedupe) observe(seq uint64, pos record.Position, keyID, keyText string) error {
	h := mix64(fnv64(keyID))
	here := seenAt{seq: seq, line: clampU32(pos.Line), rec: clampU32(pos.Record), file: d.files.index(pos.File)}
	first, dup := d.seen[h]
	if !dup {
		d.seen[h] = here
		return nil
	}
	switch d.policy {
	case DuplicateLastWins:
		d.losers.Set(first.seq)
		d.seen[h] = here
	case DuplicateFirstWins:
		d.losers.Set(seq)
	default:
		firstPos := record.Position{File: d.files.name(first.file), Line: int(first.line), Record: int(first.rec)}
		return &record.InputError{Pos: pos, Reason: fmt.Sprintf(
			"duplicate primary key %s, already used by %s; remove one of them, or choose the last_wins or first_wins duplicate policy",
			keyText, firstPos)}
	}
	d.dropped++
	return nil
}

func clampU32(n int) uint32 {
	if n < 0 {
		return 0
	}
	if n > 1<<32-1 {
		return 1<<32 - 1
	}
	return uint32(n)
}

// fileTable interns file names so each remembered position costs two bytes for its file.
type fileTable struct {
	names []string
	ids   map[string]uint16
}

func (f *fileTable) index(name string) uint16 {
	if id, ok := f.ids[name]; ok {
		return id
	}
	if f.ids == nil {
		f.ids = map[string]uint16{}
	}
	if len(f.names) >= 1<<16-1 {
		return uint16(len(f.names) - 1) // absurdly many files: positions stay approximate
	}
	id := uint16(len(f.names))
	f.names = append(f.names, name)
	f.ids[name] = id
	return id
}

func (f *fileTable) name(id uint16) string {
	if int(id) < len(f.names) {
		return f.names[id]
	}
	return "?"
}

package loader

import (
	"fmt"

	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
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

// Finding duplicate keys takes two steps, so memory never grows with the dataset:
//  1. every key's 64-bit hash goes through an external sort (hashRuns), which yields the
//     suspect hashes that occur more than once (usually none);
//  2. only if there are suspects, a second reading compares the full keys of the suspect
//     records (dedupe), which also rules out hash collisions, applies the policy, and marks
//     the losing records in a bitmap that the write pass skips, so the order stage may
//     reorder freely.

// keyHash is the hash hashRuns sorts.
func keyHash(keyID string) uint64 { return hashing.String(keyID) }

// dedupe applies the duplicate policy to the records whose key hash is a suspect.
type dedupe struct {
	policy   DuplicatePolicy
	suspects map[uint64]struct{} // nil: every key is a suspect
	files    fileTable
	seen     map[string]seenAt // by key ID
	losers   Bitmap
	// Dropped counts records that lost to a duplicate.
	dropped int64
}

type seenAt struct {
	seq       uint64
	line, rec uint32
	file      uint16
}

func newDedupe(p DuplicatePolicy, suspects map[uint64]struct{}) *dedupe {
	if p == "" {
		p = DuplicateError
	}
	return &dedupe{policy: p, suspects: suspects, seen: map[string]seenAt{}}
}

// observe records that the record at seq and pos has the key keyID. It returns an
// *record.InputError under DuplicateError when the key was seen before.
func (d *dedupe) observe(seq uint64, pos record.Position, keyID, keyText string) error {
	if d.suspects != nil {
		if _, ok := d.suspects[keyHash(keyID)]; !ok {
			return nil
		}
	}
	here := seenAt{seq: seq, line: clampU32(pos.Line), rec: clampU32(pos.Record), file: d.files.index(pos.File)}
	first, dup := d.seen[keyID]
	if !dup {
		d.seen[keyID] = here
		return nil
	}
	switch d.policy {
	case DuplicateLastWins:
		d.losers.Set(first.seq)
		d.seen[keyID] = here
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

package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"iter"
	"slices"
	"strings"
	"sync"
)

// Entry is one item a load wrote: its primary key (keys.Key.ID()) and the hash of its content
// (ContentHash of its canonical encoding), if known: Known is false for an item a stopped load
// may or may not have replaced, and for every entry of a ledger decoded from block sums.
type Entry struct {
	KeyID string
	Hash  uint32
	Known bool
}

// ContentHash is the first 4 bytes (big-endian) of the SHA-256 of an item's canonical encoding
// (loader.CanonicalBytes).
//
// Hashes are only ever compared for the same key (old item against new item), never across
// keys, so the birthday bound does not apply: a changed item goes unnoticed only if its new
// hash equals its old one, with probability 2^-32 (about 2.3e-10) per changed item, or about
// 1 in 4,300 for an update that changes a million items. Such an item keeps its old content
// until the next change to it. Four bytes are also the floor of the encoded size: they do not
// compress. The hash detects accidents, not adversaries.
func ContentHash(canonical []byte) uint32 {
	return SumHash(sha256.Sum256(canonical))
}

// SumHash is ContentHash for an item whose canonical encoding's SHA-256 is already known (the
// loader computes it once per item for the content digest and hands it to the ledger).
func SumHash(sum [sha256.Size]byte) uint32 {
	return binary.BigEndian.Uint32(sum[:4])
}

// Builder collects entries in any order. The zero value is ready to use.
type Builder struct {
	entries []builderEntry
	seq     int
}

// builderEntry remembers the order of Add calls, so Build can keep the last of duplicates
// while sorting with the faster unstable sort.
type builderEntry struct {
	key     string
	hash    uint32
	unknown bool
	seq     int
}

// Grow makes room for n more entries, to avoid regrowing while adding a million.
func (b *Builder) Grow(n int) { b.entries = slices.Grow(b.entries, n) }

// Add records the entry for keyID. Adding a key again replaces its hash (the last Add wins),
// as the last write of a key wins in DynamoDB.
//
// A keyID longer than MaxKeyIDLen bytes cannot come from a key DynamoDB accepts; it is kept,
// but Decode rejects an encoding that holds one.
func (b *Builder) Add(keyID string, hash uint32) {
	b.entries = append(b.entries, builderEntry{key: keyID, hash: hash, seq: b.seq})
	b.seq++
}

// AddUnknown records keyID with content not known (a stopped load may or may not have
// replaced the item); it replaces an earlier Add of the key as Add does.
func (b *Builder) AddUnknown(keyID string) {
	b.entries = append(b.entries, builderEntry{key: keyID, unknown: true, seq: b.seq})
	b.seq++
}

// AddEntry is Add or AddUnknown, as e.Known says.
func (b *Builder) AddEntry(e Entry) {
	if e.Known {
		b.Add(e.KeyID, e.Hash)
	} else {
		b.AddUnknown(e.KeyID)
	}
}

// Build returns the ledger of the entries added so far, sorted by KeyID (bytewise). The
// Builder stays usable: later Adds go into the next Build.
func (b *Builder) Build() *Ledger {
	slices.SortFunc(b.entries, func(x, y builderEntry) int {
		if c := strings.Compare(x.key, y.key); c != 0 {
			return c
		}
		return x.seq - y.seq
	})
	// Keep the last entry of each run of equal keys; the builder keeps only the survivors.
	kept := b.entries[:0]
	total := 0
	for i, e := range b.entries {
		if i+1 < len(b.entries) && b.entries[i+1].key == e.key {
			continue
		}
		kept = append(kept, e)
		total += len(e.key)
	}
	clear(b.entries[len(kept):]) // let dropped duplicates' strings go
	b.entries = kept

	l := &Ledger{offsets: make([]int, 1, len(kept)+1), hashes: make([]uint32, 0, len(kept))}
	var keys strings.Builder
	keys.Grow(total)
	for i, e := range kept {
		keys.WriteString(e.key)
		l.offsets = append(l.offsets, keys.Len())
		l.hashes = append(l.hashes, e.hash)
		if e.unknown {
			l.unknown.set(i)
		}
	}
	l.keys = keys.String()
	return l
}

// Ledger is an immutable set of entries sorted by KeyID, with unique keys. All KeyIDs live in
// one string and are returned as substrings of it: an Entry costs len(KeyID) + 12 bytes of
// memory, and no allocation to read. A nil *Ledger is an empty ledger.
type Ledger struct {
	keys    string   // every KeyID, concatenated in order
	offsets []int    // KeyID i is keys[offsets[i]:offsets[i+1]]; len = Len()+1
	hashes  []uint32 // hashes[i] belongs to KeyID i; nil when decoded from block sums
	unknown bitset   // the entries whose hashes are not known

	blocksOnce sync.Once
	blocks     []Block // decoded, or summed from the hashes on first use

	indexOnce sync.Once
	idx       *index // built by the first Lookup

	encodeOnce sync.Once
	encoded    []byte // Encode's result, once asked
}

// Len is the number of entries.
func (l *Ledger) Len() int {
	if l == nil {
		return 0
	}
	return max(0, len(l.offsets)-1)
}

// KeyBytes is the length of all its KeyIDs together.
func (l *Ledger) KeyBytes() int {
	if l == nil {
		return 0
	}
	return len(l.keys)
}

// key is KeyID i. It shares memory with the ledger: strings.Clone it to keep one key of a
// large ledger without keeping the whole ledger alive.
func (l *Ledger) key(i int) string { return l.keys[l.offsets[i]:l.offsets[i+1]] }

func (l *Ledger) entry(i int) Entry {
	h, ok := l.Hash(i)
	return Entry{KeyID: l.key(i), Hash: h, Known: ok}
}

// At is entry i in KeyID order (a position Find returned).
func (l *Ledger) At(i int) Entry { return l.entry(i) }

// All yields every entry in KeyID order.
func (l *Ledger) All() iter.Seq[Entry] {
	return func(yield func(Entry) bool) {
		for i := range l.Len() {
			if !yield(l.entry(i)) {
				return
			}
		}
	}
}

// Find returns the position of keyID's entry in KeyID order (as All yields them), or -1.
func (l *Ledger) Find(keyID string) int {
	if l.Len() == 0 {
		return -1
	}
	l.indexOnce.Do(func() { l.idx = newIndex(l) })
	return l.idx.find(l, keyID)
}

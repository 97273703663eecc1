package loader

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// digestVersion changes only if the canonical encoding changes; it is part of every digest so
// an old digest can never match a new encoding by accident.
const digestVersion = "ddbload-content-v1"

// Digest accumulates an order-independent digest of a multiset of items: each item's SHA-256
// (of its canonical encoding) is added lane-wise into four 64-bit sums. Reordering the input
// (interleave, shuffle) does not change it; adding, removing or changing any item does. Memory
// is constant, whatever the dataset's size.
type Digest struct {
	lanes [4]uint64
	count uint64
}

// Add adds one item, given by its canonical encoding.
func (d *Digest) Add(canonical []byte) { d.AddSum(sha256.Sum256(canonical)) }

// AddSum adds one item, given by the SHA-256 of its canonical encoding.
func (d *Digest) AddSum(h [sha256.Size]byte) {
	for i := range d.lanes {
		d.lanes[i] += binary.BigEndian.Uint64(h[i*8:])
	}
	d.count++
}

// Sum returns the hex digest, mixed with context (e.g. the key options and table key schema)
// so a change there changes the digest too.
func (d *Digest) Sum(context string) string {
	h := sha256.New()
	h.Write([]byte(digestVersion))
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], d.count)
	h.Write(buf[:])
	for _, l := range d.lanes {
		binary.BigEndian.PutUint64(buf[:], l)
		h.Write(buf[:])
	}
	h.Write([]byte(context))
	return hex.EncodeToString(h.Sum(nil))
}

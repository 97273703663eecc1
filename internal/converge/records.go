package converge

import (
	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
)

// records are what validation saw of each record, by sequence number: its key ID, content hash
// and write units. They live in flat arrays without pointers: a million records take about
// 50 MB, and the garbage collector has nothing in them to scan while the load runs.
type records struct {
	ids    []byte // every key ID, concatenated
	ends   []int  // record i's key ID is ids[ends[i-1]:ends[i]]
	hashes []uint32
	wcus   []uint32
}

// reserve makes room for n records whose key IDs take idBytes, when a validation can tell
// them beforehand: growing a million records' arrays copies them several times over.
func (r *records) reserve(n, idBytes int) {
	r.ids = doubled(r.ids, max(idBytes, 0))
	r.ends = doubled(r.ends, max(n, 0))
	r.hashes = doubled(r.hashes, max(n, 0))
	r.wcus = doubled(r.wcus, max(n, 0))
}

func (r *records) add(k keys.Key, hash uint32, wcu int64) {
	r.ids = k.AppendID(doubled(r.ids, len(k.Partition)+len(k.Sort)+20))
	r.ends = append(doubled(r.ends, 1), len(r.ids))
	r.hashes = append(doubled(r.hashes, 1), hash)
	r.wcus = append(doubled(r.wcus, 1), uint32(min(wcu, 1<<32-1))) // an item has at most 400 WCU
}

// doubled is s with room for n more elements, doubling its capacity when it grows: append
// grows large slices by a quarter at a time, which copies a million records' key IDs several
// times over.
func doubled[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	t := make([]T, len(s), max(2*cap(s), len(s)+n))
	copy(t, s)
	return t
}

func (r *records) len() int { return len(r.ends) }

// key is record i's key ID, in place: valid while the records are.
func (r *records) key(i int) []byte {
	start := 0
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.ids[start:r.ends[i]]
}

// id is record i's key ID, as a new string.
func (r *records) id(i int) string {
	start := 0
	if i > 0 {
		start = r.ends[i-1]
	}
	return string(r.ids[start:r.ends[i]])
}

func (r *records) hash(i int) uint32 { return r.hashes[i] }

func (r *records) wcu(i int) int64 { return int64(r.wcus[i]) }

// keySums are the records' key IDs hashed as keySum hashes a key, by sequence number. The
// write pass asks about its records in the order of its stripes, hundreds of places in the
// files at once: comparing their keys in place misses the cache for most records, a sum each
// for one record in eight.
func (r *records) keySums() []uint64 {
	sums := make([]uint64, r.len())
	for i := range sums {
		sums[i] = hashing.FNV1a64(r.key(i))
	}
	return sums
}

// keySum is the 64-bit FNV-1a hash of k's key ID, without building it as a string.
func keySum(k keys.Key) uint64 {
	var buf [96]byte
	return hashing.FNV1a64(k.AppendID(buf[:0]))
}

// expected is loader.Options.Expect over the records' keySums: the index of the first of
// seqs whose key is not ks', or -1. The sums of a batch are loaded before any is compared, so
// that their cache misses overlap.
func expected(sums, seqs []uint64, ks []keys.Key) int {
	var at [32]uint64
	for base := 0; base < len(seqs); base += len(at) {
		chunk := seqs[base:min(base+len(at), len(seqs))]
		past := len(chunk) // the first place past the records
		for j, seq := range chunk {
			if seq >= uint64(len(sums)) {
				past = j
				break
			}
			at[j] = sums[seq]
		}
		for j := range past {
			if at[j] != keySum(ks[base+j]) {
				return base + j
			}
		}
		if past < len(chunk) {
			return base + past
		}
	}
	return -1
}

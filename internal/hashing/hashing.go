// Package hashing holds the fast, machine-independent 64-bit hash the engine uses for
// sampling, sketches and duplicate detection: FNV-1a 64 followed by the SplitMix64 finaliser.
// FNV-1a 64 alone is also the write-shard hash (keys.Shard). Results are part of reproducible
// behaviour (the drift sample, the key statistics) and of the provider's contract (shard
// suffixes), so neither function may ever change.
package hashing

// FNV1a64 is FNV-1a 64 (as hash/fnv.New64a) of s, without allocating.
func FNV1a64[T ~string | ~[]byte](s T) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Mix64 is the SplitMix64 finaliser. FNV-1a ends with a single multiply, so keys that differ
// only in their last byte get arithmetically related hashes; the finaliser spreads every input
// bit over the whole word, which sketches and bottom-k sampling need.
func Mix64(z uint64) uint64 {
	z ^= z >> 30
	z *= 0xbf58476d1ce4e5b9
	z ^= z >> 27
	z *= 0x94d049bb133111eb
	z ^= z >> 31
	return z
}

// String is Mix64(FNV1a64(s)).
func String(s string) uint64 { return Mix64(FNV1a64(s)) }

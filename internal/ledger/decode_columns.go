package ledger

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// decodeColumns parses the body of a version 2 payload (after the version byte, before the
// checksum) and the hashes that follow the compressed stream. It reads the length columns
// first, so that it checks every length and sizes the keys' memory once before copying a byte.
func decodeColumns(buf, hashes []byte) (*Ledger, error) {
	fail := func(entry int, format string, args ...any) error {
		return &DecodeError{Entry: entry, Reason: fmt.Sprintf(format, args...)}
	}
	count, size := binary.Uvarint(buf)
	switch {
	case size == 0:
		return nil, fail(-1, "truncated: the data ends inside the entry count")
	case size < 0:
		return nil, fail(-1, "the entry count overflows 64 bits")
	}
	buf = buf[size:]
	// Checking the count against the hashes first keeps a corrupted count from allocating.
	if count != uint64(len(hashes)/4) || len(hashes)%4 != 0 {
		return nil, fail(-1, "the header counts %d entries, but %d bytes of hashes follow the compressed data", count, len(hashes))
	}
	n := int(count)
	if n > len(buf)/2 { // two lengths of at least a byte each
		return nil, fail(-1, "the header counts %d entries, but %d bytes of key data hold at most %d", n, len(buf), len(buf)/2)
	}
	l := &Ledger{offsets: make([]int, n+1), hashes: make([]uint32, n)}
	for i := range n {
		l.hashes[i] = binary.BigEndian.Uint32(hashes[4*i:])
	}

	// lens holds each entry's shared length, then its suffix length.
	lens := make([]uint32, 2*n)
	for c, what := range [2]string{"shared prefix length", "suffix length"} {
		for i := range n {
			v, size := binary.Uvarint(buf)
			switch {
			case size == 0:
				return nil, fail(i, "truncated: the data ends inside the %s", what)
			case size < 0:
				return nil, fail(i, "the %s overflows 64 bits", what)
			case v > MaxKeyIDLen:
				return nil, fail(i, "a %s of %d bytes, longer than the %d-byte maximum key ID", what, v, MaxKeyIDLen)
			}
			lens[2*i+c] = uint32(v)
			buf = buf[size:]
		}
	}
	var total, suffixes uint64
	prevLen := uint64(0)
	for i := range n {
		shared, suffix := uint64(lens[2*i]), uint64(lens[2*i+1])
		switch {
		case shared > prevLen:
			return nil, fail(i, "shares %d bytes with a previous key of %d bytes", shared, prevLen)
		case shared+suffix > MaxKeyIDLen:
			return nil, fail(i, "a %d-byte key ID, longer than the %d-byte maximum", shared+suffix, MaxKeyIDLen)
		}
		prevLen = shared + suffix
		total += prevLen
		suffixes += suffix
		if total > maxKeyBytes {
			return nil, fail(i, "the key IDs exceed %d bytes in total", maxKeyBytes)
		}
	}
	if suffixes != uint64(len(buf)) {
		return nil, fail(-1, "the suffix lengths add up to %d bytes, but %d bytes remain", suffixes, len(buf))
	}

	keys := make([]byte, 0, total)
	prev := 0 // where the previous key starts in keys
	for i := range n {
		shared, suffix := int(lens[2*i]), int(lens[2*i+1])
		start := len(keys)
		keys = append(keys, keys[prev:prev+shared]...)
		keys = append(keys, buf[:suffix]...)
		buf = buf[suffix:]
		if i > 0 && bytes.Compare(keys[start:], keys[prev:start]) <= 0 {
			return nil, fail(i, "key %q is not after the previous key %q: entries must be sorted and unique", keys[start:], keys[prev:start])
		}
		l.offsets[i+1] = len(keys)
		prev = start
	}
	l.keys = string(keys)
	return l, nil
}

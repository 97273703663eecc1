package ledger

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// decodeColumns parses the body of a version 2 to 5 payload (after the version byte, before
// the checksum) and what follows the compressed stream: the items' hashes (versions 2 and 3)
// or the blocks' sums (versions 4 and 5), after version 5's Rice-coded steps if it has them.
// Versions 3 to 5 have numeric entries and their steps; versions 4 and 5, the list of unknown
// blocks after them. It reads the length columns first, so that it checks every length before
// copying a byte.
func decodeColumns(buf, tail []byte, version byte) (*Ledger, error) {
	numeric, sums := version >= 3, version >= 4
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
	var rice *riceReader // version 5's Rice-coded steps; nil when they are uvarints in buf
	if version >= 5 {
		var err error
		if rice, buf, tail, err = stepsHeader(buf, tail); err != nil {
			return nil, err
		}
	}
	// Checking the count against the tail first keeps a corrupted count from allocating.
	switch {
	case sums && (len(tail)%4 != 0 || uint64(len(tail)/4) > count || (count > 0) != (len(tail) > 0)):
		return nil, fail(-1, "the header counts %d entries, but %d bytes of block sums follow the compressed data", count, len(tail))
	case !sums && (count != uint64(len(tail)/4) || len(tail)%4 != 0):
		return nil, fail(-1, "the header counts %d entries, but %d bytes of hashes follow the compressed data", count, len(tail))
	}
	n := int(count)
	if n > len(buf)/2 { // two lengths of at least a byte each
		return nil, fail(-1, "the header counts %d entries, but %d bytes of key data hold at most %d", n, len(buf), len(buf)/2)
	}
	l := &Ledger{offsets: make([]int, n+1)}
	if !sums {
		l.hashes = make([]uint32, n)
		for i := range n {
			l.hashes[i] = binary.BigEndian.Uint32(tail[4*i:])
		}
	}

	// lens holds each entry's start (doubled, plus 1 for a numeric entry from version 3 on), then
	// its rest's length.
	lens := make([]uint32, 2*n)
	what := [2]string{"shared prefix length", "suffix length"}
	for c := range what {
		for i := range n {
			v, size := binary.Uvarint(buf)
			length := v
			if numeric && c == 0 {
				length = v / 2
			}
			switch {
			case size == 0:
				return nil, fail(i, "truncated: the data ends inside the %s", what[c])
			case size < 0:
				return nil, fail(i, "the %s overflows 64 bits", what[c])
			case length > MaxKeyIDLen:
				return nil, fail(i, "a %s of %d bytes, longer than the %d-byte maximum key ID", what[c], length, MaxKeyIDLen)
			}
			lens[2*i+c] = uint32(v)
			buf = buf[size:]
		}
	}
	// Before copying a byte: every start within the previous key (whose length a numeric
	// entry knows only to within maxDigits), and the keys' total within bounds.
	numerics := 0
	if numeric {
		for i := range n {
			numerics += int(lens[2*i] & 1)
		}
	}
	deltas := make([]uint64, 0, numerics)
	var rests, total uint64
	prevMax := uint64(0)
	for i := range n {
		start, rest := uint64(lens[2*i]), uint64(lens[2*i+1])
		digits := uint64(0)
		if numeric {
			if start&1 == 1 {
				v, size, reason := nextStep(rice, buf)
				if reason != "" {
					return nil, fail(i, "%s", reason)
				}
				deltas = append(deltas, v)
				buf = buf[size:]
				digits = maxDigits
			}
			start /= 2
		}
		if start > prevMax {
			return nil, fail(i, "shares %d bytes with a previous key of %d bytes", start, prevMax)
		}
		prevMax = start + digits + rest
		rests += rest
		total += start + rest
		if total > maxKeyBytes {
			return nil, fail(i, "the key IDs exceed %d bytes in total", maxKeyBytes)
		}
	}
	if rice != nil {
		if err := riceEnd(rice); err != nil {
			return nil, err
		}
	}
	var unknown []int // the unknown blocks from version 4 on, in increasing order
	if sums {
		var err error
		if unknown, buf, err = unknownBlocks(buf, len(tail)/4); err != nil {
			return nil, err
		}
	}
	if rests != uint64(len(buf)) {
		return nil, fail(-1, "the suffix lengths add up to %d bytes, but %d bytes remain", rests, len(buf))
	}

	// The keys are written straight into the string the ledger keeps, which a []byte would
	// copy once more at the end.
	var keys strings.Builder
	// A numeric entry adds at most maxDigits digits to what total counts: room for them all
	// spares the copies of a growing string (of about 30 MB at a million keys), and the room
	// not used is never touched.
	keys.Grow(int(total) + maxDigits*len(deltas))
	prev := 0 // where the previous key starts in keys
	for i := range n {
		start, rest := int(lens[2*i]), int(lens[2*i+1])
		isNum := false
		if numeric {
			start, isNum = start/2, start&1 == 1
		}
		begin := keys.Len()
		last := keys.String()[prev:begin]
		if start > len(last) {
			return nil, fail(i, "shares %d bytes with a previous key of %d bytes", start, len(last))
		}
		keys.WriteString(last[:start])
		if isNum {
			end := digitsEnd(last, start)
			width := end - start
			switch {
			case width == 0:
				return nil, fail(i, "a numeric entry at byte %d, where the previous key has no digit", start)
			case width > maxDigits:
				return nil, fail(i, "a numeric entry in a run of %d digits, more than the %d a step may span", width, maxDigits)
			}
			v, step := digitsValue(last[start:end]), deltas[0]
			deltas = deltas[1:]
			if step >= pow10[width]-v {
				return nil, fail(i, "a numeric step past the %d digits of the previous key's number", width)
			}
			var digits [maxDigits]byte
			keys.Write(padded(digits[:width], v+step))
		}
		keys.Write(buf[:rest])
		buf = buf[rest:]
		key := keys.String()[begin:]
		switch {
		case len(key) > MaxKeyIDLen:
			return nil, fail(i, "a %d-byte key ID, longer than the %d-byte maximum", len(key), MaxKeyIDLen)
		case uint64(keys.Len()) > maxKeyBytes:
			return nil, fail(i, "the key IDs exceed %d bytes in total", maxKeyBytes)
		case i > 0 && key <= last:
			return nil, fail(i, "key %q is not after the previous key %q: entries must be sorted and unique", key, last)
		}
		l.offsets[i+1] = keys.Len()
		prev = begin
	}
	l.keys = keys.String()
	if sums {
		starts := l.blockStarts()
		if len(starts) != len(tail)/4 {
			return nil, fail(-1, "the keys make %d blocks, but %d block sums follow the compressed data", len(starts), len(tail)/4)
		}
		l.blocks = make([]Block, len(starts))
		for b, lo := range starts {
			hi := n
			if b+1 < len(starts) {
				hi = starts[b+1]
			}
			l.blocks[b] = Block{Lo: lo, Hi: hi, Sum: binary.BigEndian.Uint32(tail[4*b:]), Known: true}
		}
		for _, b := range unknown {
			l.blocks[b] = Block{Lo: l.blocks[b].Lo, Hi: l.blocks[b].Hi}
		}
	}
	return l, nil
}

// unknownBlocks reads the list of unknown blocks (from version 4 on) from the start of buf:
// their count, then each one's distance from the one before (the first's from -1). It returns
// the blocks and the rest of buf; there are at most blocks of them, each below it.
func unknownBlocks(buf []byte, blocks int) ([]int, []byte, error) {
	fail := func(format string, args ...any) error {
		return &DecodeError{Entry: -1, Reason: fmt.Sprintf(format, args...)}
	}
	count, size := binary.Uvarint(buf)
	switch {
	case size <= 0:
		return nil, nil, fail("truncated or overflowing count of unknown blocks")
	case count > uint64(blocks):
		return nil, nil, fail("%d unknown blocks, but only %d block sums", count, blocks)
	}
	buf = buf[size:]
	unknown := make([]int, 0, count)
	last := -1
	for range count {
		d, size := binary.Uvarint(buf)
		switch {
		case size <= 0:
			return nil, nil, fail("truncated or overflowing list of unknown blocks")
		case d == 0 || d > uint64(blocks-1-last):
			return nil, nil, fail("unknown block %d after %d, beyond the %d blocks or out of order", uint64(last)+d, last, blocks)
		}
		last += int(d)
		unknown = append(unknown, last)
		buf = buf[size:]
	}
	return unknown, buf, nil
}

// pow10[i] is 10 to the i.
var pow10 = func() (p [maxDigits + 1]uint64) {
	p[0] = 1
	for i := 1; i <= maxDigits; i++ {
		p[i] = 10 * p[i-1]
	}
	return p
}()

// padded writes v in decimal into digits, zero-padded to fill it (v < 10^len(digits)).
func padded(digits []byte, v uint64) []byte {
	for i := len(digits) - 1; i >= 0; i-- {
		digits[i] = byte('0' + v%10)
		v /= 10
	}
	return digits
}

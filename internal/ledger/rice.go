package ledger

import (
	"encoding/binary"
	"errors"
	"math"
	"math/bits"
)

// A Rice code with parameter k writes a value v as v>>k in unary (that many 0 bits, then a 1
// bit) followed by v's low k bits, least significant first. Bits fill each byte from its
// least significant bit on, as in DEFLATE, and the last byte is padded with 0 bits. For steps
// spread roughly geometrically, as the order numbers of one customer are, it comes close to
// their entropy, which DEFLATE over uvarints does not reach.

// maxRiceK is the largest Rice parameter: the low bits of a value fit in a uint64.
const maxRiceK = 63

// riceCost gathers what best needs to find the cheapest parameter for a column of values
// in one pass: how many values there are and how many have each bit set.
type riceCost struct {
	n      uint64
	setBit [64]uint64 // setBit[j] counts the values with bit j set
}

func (c *riceCost) add(v uint64) {
	c.n++
	for ; v != 0; v &= v - 1 {
		c.setBit[bits.TrailingZeros64(v)]++
	}
}

// best is the parameter that codes the values in the fewest bits, and that number of bits.
// Value v costs (v>>k) + 1 + k bits, and the sum of v>>k over the values is the sum over bits
// j >= k of setBit[j] << (j-k), so each parameter's exact cost takes 64 steps however many
// values there are. Costs beyond a uint64 saturate: they are never the least.
func (c *riceCost) best() (k uint, size uint64) {
	size = math.MaxUint64
	for p := range uint(maxRiceK + 1) {
		cost := satMul(c.n, uint64(p)+1)
		for j := p; j < 64; j++ {
			cost = satAdd(cost, satShl(c.setBit[j], j-p))
		}
		if cost < size {
			k, size = p, cost
		}
	}
	return k, size
}

func satAdd(a, b uint64) uint64 {
	if s, carry := bits.Add64(a, b, 0); carry == 0 {
		return s
	}
	return math.MaxUint64
}

func satMul(a, b uint64) uint64 {
	if hi, lo := bits.Mul64(a, b); hi == 0 {
		return lo
	}
	return math.MaxUint64
}

func satShl(a uint64, s uint) uint64 {
	if a == 0 {
		return 0
	}
	if uint(bits.LeadingZeros64(a)) < s {
		return math.MaxUint64
	}
	return a << s
}

// riceWriter appends Rice-coded values to buf.
type riceWriter struct {
	buf []byte
	acc uint64 // pending bits, the oldest in the least significant position
	n   uint   // how many bits acc holds: fewer than 32 between calls
}

// bits writes the low n bits of v (n <= 32, v < 1<<n).
func (w *riceWriter) bits(v uint64, n uint) {
	w.acc |= v << w.n
	w.n += n
	if w.n >= 32 {
		w.buf = binary.LittleEndian.AppendUint32(w.buf, uint32(w.acc))
		w.acc >>= 32
		w.n -= 32
	}
}

// write appends v with parameter k.
func (w *riceWriter) write(v uint64, k uint) {
	for q := v >> k; ; q -= 31 {
		if q < 31 {
			w.bits(1<<q, uint(q)+1)
			break
		}
		w.bits(0, 31)
	}
	low := v & (1<<k - 1)
	if k > 32 {
		w.bits(low&math.MaxUint32, 32)
		low, k = low>>32, k-32
	}
	w.bits(low, k)
}

// flush writes the pending bits, padded to a whole byte, and returns the code.
func (w *riceWriter) flush() []byte {
	for ; w.n > 0; w.n -= min(w.n, 8) {
		w.buf = append(w.buf, byte(w.acc))
		w.acc >>= 8
	}
	return w.buf
}

// riceReader reads values a riceWriter wrote. Every run of bits it reads is bounded by the
// code's length, so corrupted input costs at most one pass over it.
type riceReader struct {
	buf []byte // bytes not yet in acc
	acc uint64 // bits read from buf but not consumed, the next in the least significant position
	n   uint   // how many bits acc holds
	k   uint
}

func (r *riceReader) refill() {
	for r.n <= 56 && len(r.buf) > 0 {
		r.acc |= uint64(r.buf[0]) << r.n
		r.buf = r.buf[1:]
		r.n += 8
	}
}

var (
	errRiceTruncated = errors.New("the code ends inside a value")
	errRiceOverflow  = errors.New("a value exceeds 64 bits")
)

// next reads a value, or fails with errRiceTruncated or errRiceOverflow.
func (r *riceReader) next() (uint64, error) {
	var q uint64
	for {
		r.refill()
		if r.acc != 0 {
			z := uint(bits.TrailingZeros64(r.acc))
			q += uint64(z)
			r.acc >>= z + 1
			r.n -= z + 1
			break
		}
		if r.n == 0 {
			return 0, errRiceTruncated
		}
		q += uint64(r.n)
		r.n = 0
	}
	if r.k > 0 && q>>(64-r.k) != 0 {
		return 0, errRiceOverflow
	}
	low, ok := r.bits(min(r.k, 32))
	if r.k > 32 {
		high, okHigh := r.bits(r.k - 32)
		low, ok = low|high<<32, ok && okHigh
	}
	if !ok {
		return 0, errRiceTruncated
	}
	return q<<r.k | low, nil
}

// bits reads n bits (n <= 32).
func (r *riceReader) bits(n uint) (uint64, bool) {
	if r.n < n {
		r.refill()
		if r.n < n {
			return 0, false
		}
	}
	v := r.acc & (1<<n - 1)
	r.acc >>= n
	r.n -= n
	return v, true
}

// leftover is how many bits remain after the values read, and whether any of them is set: a
// complete code leaves fewer than 8, all 0.
func (r *riceReader) leftover() (uint64, bool) {
	set := r.acc != 0
	for _, b := range r.buf {
		set = set || b != 0
	}
	return uint64(r.n) + 8*uint64(len(r.buf)), set
}

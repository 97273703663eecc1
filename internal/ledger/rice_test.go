package ledger

import (
	"bytes"
	"errors"
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// riceBrute is the cost of coding vs with parameter k, term by term, saturating.
func riceBrute(vs []uint64, k uint) uint64 {
	var cost uint64
	for _, v := range vs {
		cost = satAdd(cost, satAdd(v>>k, uint64(k)+1))
	}
	return cost
}

// TestRiceRoundTrip codes columns of values of many spreads with the parameter best chooses:
// its cost must be the least of every parameter's, the code that many bits, and the values
// must read back, leaving only zero padding.
func TestRiceRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	columns := [][]uint64{
		nil,
		{0},
		{math.MaxUint64},
		{0, math.MaxUint64, 1 << 63, 1<<63 - 1},
		{1000, 0, 31, 32, 62, 63, 64, 1 << 20},
	}
	for range 200 {
		vs := make([]uint64, 1+r.IntN(300))
		mean := uint64(1) << r.IntN(64)
		for i := range vs {
			switch r.IntN(3) {
			case 0: // geometric-like
				vs[i] = uint64(r.ExpFloat64() * float64(mean))
			case 1:
				vs[i] = r.Uint64N(mean)
			default:
				vs[i] = r.Uint64() >> r.IntN(64)
			}
		}
		columns = append(columns, vs)
	}
	for _, vs := range columns {
		var c riceCost
		for _, v := range vs {
			c.add(v)
		}
		k, size := c.best()
		for p := range uint(maxRiceK + 1) {
			if cost := riceBrute(vs, p); cost < size || p == k && cost != size {
				t.Fatalf("%v: best = k %d, %d bits; k %d costs %d", vs, k, size, p, cost)
			}
		}
		var w riceWriter
		for _, v := range vs {
			w.write(v, k)
		}
		code := w.flush()
		if want := (size + 7) / 8; uint64(len(code)) != want {
			t.Fatalf("%v: %d bytes of code, want %d (%d bits)", vs, len(code), want, size)
		}
		rd := riceReader{buf: code, k: k}
		for i, want := range vs {
			if got, err := rd.next(); err != nil || got != want {
				t.Fatalf("value %d of %v (k %d): read %d, %v", i, vs, k, got, err)
			}
		}
		if left, set := rd.leftover(); left >= 8 || set {
			t.Fatalf("%v: %d bits left after the values (set: %v)", vs, left, set)
		}
	}
}

// TestRiceEveryParameter writes the same values with every parameter, not just the best.
func TestRiceEveryParameter(t *testing.T) {
	t.Parallel()
	vs := []uint64{0, 1, 2, 3, 100, 1 << 40, math.MaxUint64 >> 1}
	for k := range uint(maxRiceK + 1) {
		var w riceWriter
		n := 0
		for _, v := range vs {
			if bits.Len64(v>>k) > 16 {
				continue // a unary run too long to test
			}
			w.write(v, k)
			n++
		}
		rd := riceReader{buf: w.flush(), k: k}
		for _, want := range vs {
			if bits.Len64(want>>k) > 16 {
				continue
			}
			if got, err := rd.next(); err != nil || got != want {
				t.Fatalf("k %d: read %d, %v; want %d", k, got, err, want)
			}
		}
		if left, set := rd.leftover(); left >= 8 || set {
			t.Fatalf("k %d: %d bits left (set: %v)", k, left, set)
		}
	}
}

// TestRiceLayout spells out the bit order: 4 and 7 with k = 2 are 0 1 00 (quotient 1, low bits
// 00) and 0 1 11, filling a byte from its least significant bit.
func TestRiceLayout(t *testing.T) {
	t.Parallel()
	var w riceWriter
	w.write(4, 2)
	w.write(7, 2)
	if got := w.flush(); !bytes.Equal(got, []byte{0b1110_0010}) {
		t.Errorf("code = %08b, want [11100010]", got)
	}
	w = riceWriter{}
	w.write(9, 0) // nine 0 bits, then a 1
	if got := w.flush(); !bytes.Equal(got, []byte{0, 0b10}) {
		t.Errorf("code = %08b, want [00000000 00000010]", got)
	}
}

func TestRiceReaderErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		code []byte
		k    uint
		want error
	}{
		{"empty", nil, 0, errRiceTruncated},
		{"unary run to the end", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, errRiceTruncated},
		{"low bits cut short", []byte{0b1}, 8, errRiceTruncated},
		{"high low bits cut short", []byte{1, 0, 0, 0, 0, 0}, 63, errRiceTruncated},
		{"quotient overflows", []byte{0b100}, 63, errRiceOverflow},
		{"quotient overflows across bytes", []byte{0, 0, 1}, 60, errRiceOverflow}, // 16 << 60
	} {
		rd := riceReader{buf: tc.code, k: tc.k}
		if v, err := rd.next(); !errors.Is(err, tc.want) {
			t.Errorf("%s: next = %d, %v; want %v", tc.name, v, err, tc.want)
		}
	}
}

package order

import (
	"errors"
	"io"
	"math/bits"
	"math/rand/v2"
)

var _ Iterator = (*shuffle)(nil)

// pcgStream is PCG's second seed word. Changing it changes every seeded order.
const pcgStream = 0x6464626c6f6164 // "ddbload"

// shuffle is a windowed shuffle: it fills a window of entries, emits one chosen uniformly at
// random, and refills from the input. It is not a uniform permutation of the whole input: with
// a window of W entries, an entry can come out at most W-1 positions earlier than it went in
// (the input is only read that far ahead), while it may come out much later (it stays behind
// with probability 1-1/W at each step). A window that holds every entry makes a full shuffle.
type shuffle struct {
	in     Iterator
	limits limits
	heldB  int // heldBytes of the entries in buf
	buf    []Entry
	eof    bool
	src    *rand.PCG
}

func newShuffle(in Iterator, l limits, seed int64) *shuffle {
	return &shuffle{in: in, limits: l, src: rand.NewPCG(uint64(seed), pcgStream)}
}

func (s *shuffle) Next() (Entry, error) {
	for !s.eof && s.limits.room(len(s.buf), s.heldB) {
		e, err := s.in.Next()
		if errors.Is(err, io.EOF) {
			s.eof = true
			break
		}
		if err != nil {
			return Entry{}, err
		}
		s.buf = append(s.buf, e)
		s.heldB += heldBytes(&e)
	}
	if len(s.buf) == 0 {
		return Entry{}, io.EOF
	}
	i := s.pick(len(s.buf))
	e := s.buf[i]
	s.heldB -= heldBytes(&e)
	last := len(s.buf) - 1
	s.buf[i] = s.buf[last]
	s.buf[last] = Entry{}
	s.buf = s.buf[:last]
	return e, nil
}

// pick returns a uniform index in [0, n) by Lemire's multiply-and-reject method on PCG's
// 64-bit output. It is spelled out rather than using rand.Rand.IntN, whose reduction differs
// on 32-bit platforms, so a seed gives the same order on every machine.
func (s *shuffle) pick(n int) int {
	un := uint64(n)
	hi, lo := bits.Mul64(s.src.Uint64(), un)
	if lo < un {
		threshold := -un % un
		for lo < threshold {
			hi, lo = bits.Mul64(s.src.Uint64(), un)
		}
	}
	return int(hi)
}

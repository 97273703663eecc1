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
// random, and refills from the input. It is not a uniform permutation of the whole input: an
// entry can come out at most Window-1 positions earlier than it went in (the input is only
// read that far ahead), while it may come out much later (it stays behind with probability
// 1-1/Window at each step). With Window ≥ the number of entries it is a full shuffle.
type shuffle struct {
	in     Iterator
	window int
	buf    []Entry
	eof    bool
	src    *rand.PCG
}

func newShuffle(in Iterator, window int, seed int64) *shuffle {
	return &shuffle{in: in, window: window, src: rand.NewPCG(uint64(seed), pcgStream)}
}

func (s *shuffle) Next() (Entry, error) {
	for !s.eof && len(s.buf) < s.window {
		e, err := s.in.Next()
		if errors.Is(err, io.EOF) {
			s.eof = true
			break
		}
		if err != nil {
			return Entry{}, err
		}
		s.buf = append(s.buf, e)
	}
	if len(s.buf) == 0 {
		return Entry{}, io.EOF
	}
	i := s.pick(len(s.buf))
	e := s.buf[i]
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

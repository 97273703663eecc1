package ledger

import (
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
)

// stepCoding is how an encoding writes the numeric entries' steps (the byte after the entry
// count in a version 5 payload).
type stepCoding byte

const (
	stepsUvarint stepCoding = iota // uvarints in the payload, after the lengths
	stepsRice                      // a Rice code after the compressed payload
	stepsAuto                      // Encode's choice: whichever is smaller
)

// chooseSteps is the smaller coding of a ledger's steps: the Rice code of riceBits bits, or the
// uvarints in deltas compressed with the rest of the payload. Compressing the uvarints alone at
// the fastest level estimates what they add to the payload closely, in a fraction of the time
// the payload takes; neither coding wins every ledger (DEFLATE writes a constant step in next
// to nothing, where the Rice code takes a bit).
func chooseSteps(deltas []byte, riceBits uint64) stepCoding {
	riceBytes := (riceBits + 7) / 8
	if riceBytes >= uint64(len(deltas)) { // DEFLATE hardly ever expands data
		return stepsUvarint
	}
	var c byteCounter
	// NewWriter fails only for an invalid level, and byteCounter never fails.
	w, _ := flate.NewWriter(&c, flate.BestSpeed)
	_, _ = w.Write(deltas)
	_ = w.Close()
	if riceBytes < uint64(c) {
		return stepsRice
	}
	return stepsUvarint
}

// byteCounter is an io.Writer that counts what it is given.
type byteCounter uint64

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}

// riceCode is the Rice code with parameter k, of size bits, of the steps less 1 in deltas (a
// column of uvarints).
func riceCode(deltas []byte, k uint, size uint64) []byte {
	w := riceWriter{buf: make([]byte, 0, size/8+8)}
	for len(deltas) > 0 {
		d, n := binary.Uvarint(deltas)
		w.write(d-1, k)
		deltas = deltas[n:]
	}
	return w.flush()
}

// stepsHeader reads a version 5 payload's step coding from the start of buf and, for a Rice
// code, takes the code from the start of tail (what follows the compressed payload). It returns
// the Rice code's reader (nil for uvarints), and the rest of buf and tail.
func stepsHeader(buf, tail []byte) (*riceReader, []byte, []byte, error) {
	fail := func(format string, args ...any) error {
		return &DecodeError{Entry: -1, Reason: fmt.Sprintf(format, args...)}
	}
	switch {
	case len(buf) == 0:
		return nil, nil, nil, fail("truncated: the data ends inside the step coding")
	case stepCoding(buf[0]) == stepsUvarint:
		return nil, buf[1:], tail, nil
	case stepCoding(buf[0]) != stepsRice:
		return nil, nil, nil, fail("step coding %d, but only 0 (uvarints) and 1 (Rice) exist", buf[0])
	case len(buf) < 2:
		return nil, nil, nil, fail("truncated: the data ends inside the Rice parameter")
	case buf[1] > maxRiceK:
		return nil, nil, nil, fail("a Rice parameter of %d, more than %d", buf[1], maxRiceK)
	}
	k := uint(buf[1])
	size, n := binary.Uvarint(buf[2:])
	switch {
	case n <= 0:
		return nil, nil, nil, fail("truncated or overflowing length of the Rice-coded steps")
	case size > uint64(len(tail)):
		return nil, nil, nil, fail("%d bytes of Rice-coded steps, but %d bytes follow the compressed data", size, len(tail))
	}
	return &riceReader{buf: tail[:size], k: k}, buf[2+n:], tail[size:], nil
}

// nextStep reads a numeric entry's step: from the Rice code if there is one, else the uvarint
// at the start of buf. It returns the step and how many bytes of buf it took, or why it cannot.
func nextStep(rice *riceReader, buf []byte) (step uint64, size int, reason string) {
	if rice == nil {
		v, size := binary.Uvarint(buf)
		switch {
		case size == 0:
			return 0, 0, "truncated: the data ends inside the numeric step"
		case size < 0 || v == 0:
			return 0, 0, "a numeric step that is 0 or overflows 64 bits"
		}
		return v, size, ""
	}
	v, err := rice.next()
	switch {
	case errors.Is(err, errRiceTruncated):
		return 0, 0, "truncated: the Rice-coded steps end inside the numeric step"
	case err != nil || v+1 == 0:
		return 0, 0, "a Rice-coded numeric step that overflows 64 bits"
	}
	return v + 1, 0, ""
}

// riceEnd checks that the steps read took the whole Rice code: what remains is padding, fewer
// than 8 bits, all 0.
func riceEnd(rice *riceReader) error {
	left, set := rice.leftover()
	switch {
	case left >= 8:
		return &DecodeError{Entry: -1, Reason: fmt.Sprintf("%d bits of the Rice-coded steps are left after the last step", left)}
	case set:
		return &DecodeError{Entry: -1, Reason: "the Rice-coded steps' padding bits are not 0"}
	}
	return nil
}

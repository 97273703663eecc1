package loader

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"fmt"
	"io"
	"math/bits"
)

// Bitmap is a set of record sequence numbers (0-based, in reading order), one bit each: a
// million records take 125 KB, and far less once compressed. It records which records lose a
// duplicate-key contest and which records a load has acknowledged, so an interrupted load can
// resume without writing those again.
type Bitmap struct {
	words []uint64
}

// Set adds seq.
func (b *Bitmap) Set(seq uint64) {
	w := int(seq / 64)
	if w >= len(b.words) {
		b.words = append(b.words, make([]uint64, w+1-len(b.words))...)
	}
	b.words[w] |= 1 << (seq % 64)
}

// Has reports whether seq is in the set. A nil Bitmap is empty.
func (b *Bitmap) Has(seq uint64) bool {
	if b == nil {
		return false
	}
	w := int(seq / 64)
	return w < len(b.words) && b.words[w]&(1<<(seq%64)) != 0
}

// Len is the number of members.
func (b *Bitmap) Len() int {
	n := 0
	for _, w := range b.words {
		n += bits.OnesCount64(w)
	}
	return n
}

// Encode returns a compact text form (DEFLATE, then base64), for storing in state.
func (b *Bitmap) Encode() string {
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression) // the level is valid
	raw := make([]byte, 8)
	for _, w := range b.words {
		for i := range 8 {
			raw[i] = byte(w >> (8 * i))
		}
		_, _ = zw.Write(raw)
	}
	_ = zw.Close()
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// DecodeBitmap parses Encode's output.
func DecodeBitmap(s string) (*Bitmap, error) {
	if s == "" {
		return &Bitmap{}, nil
	}
	z, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("decoding bitmap: %w", err)
	}
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
	if err != nil {
		return nil, fmt.Errorf("decoding bitmap: %w", err)
	}
	if len(raw)%8 != 0 {
		return nil, fmt.Errorf("decoding bitmap: %d bytes is not a whole number of words", len(raw))
	}
	b := &Bitmap{words: make([]uint64, len(raw)/8)}
	for i := range b.words {
		for j := range 8 {
			b.words[i] |= uint64(raw[i*8+j]) << (8 * j)
		}
	}
	return b, nil
}

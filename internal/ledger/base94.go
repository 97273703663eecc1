package ledger

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Base 94 writes bytes as text that a JSON string holds as it stands and that is as dense as
// such text can be: its alphabet is every character a JSON string takes unescaped and that
// stays one byte in UTF-8, the 96 from ' ' (0x20) to DEL (0x7f), less '"' and '\' (RFC 8259
// allows DEL and the space unescaped, and encoding/json reads them so). The digits are those
// characters in increasing order, so '~' (0x7e) is 92 and DEL is 93.
//
// Each group of 9 bytes, a big-endian 72-bit number, becomes 11 digits, most significant first
// (94^11 is about 5.06e21, 2^72 about 4.72e21): 11/9 ≈ 1.222 characters a byte, where ASCII85
// takes 1.25 and base64 1.333. A last group of r < 9 bytes becomes the fewest digits c whose
// 94^c reaches 2^(8r) (base94Tail). A group's value must fit its bytes, so a text reads back
// to one byte string only, and that encodes to the same text.
const base94Alphabet = " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~\x7f"

const (
	base94GroupBytes = 9
	base94GroupChars = 11
	// base94Pow5 is 94^5. A group's 72-bit value divided by it leaves a quotient below 94^6 and
	// a remainder below 94^5, both uint64s, and its top 8 bits are below it, as bits.Div64
	// needs.
	base94Pow5 = 94 * 94 * 94 * 94 * 94
	base94Pow3 = 94 * 94 * 94
)

// base94Tail is the number of digits of a last group of r bytes, for r from 0 to 8: the
// fewest c with 94^c >= 2^(8r).
var base94Tail = [base94GroupBytes]int{0, 2, 3, 4, 5, 7, 8, 9, 10}

// base94TailBytes is base94Tail inverted: the bytes of a last group of c digits, or -1 when no
// byte count takes c digits (1 and 6).
var base94TailBytes = func() (t [base94GroupChars]int) {
	for c := range t {
		t[c] = -1
	}
	for r, c := range base94Tail {
		t[c] = r
	}
	return t
}()

// base94Digit is the value of each byte as a digit, or 0xff when it is not one.
var base94Digit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for d := range len(base94Alphabet) {
		t[base94Alphabet[d]] = byte(d)
	}
	return t
}()

// base94EncodedLen is the length of n bytes in base 94.
func base94EncodedLen(n int) int {
	return n/base94GroupBytes*base94GroupChars + base94Tail[n%base94GroupBytes]
}

// appendBase94 appends src in base 94 to dst.
func appendBase94(dst, src []byte) []byte {
	n := len(dst)
	dst = append(dst, make([]byte, base94EncodedLen(len(src)))...)
	out := dst[n:]
	for len(src) >= base94GroupBytes {
		q, r := bits.Div64(uint64(src[0]), binary.BigEndian.Uint64(src[1:base94GroupBytes]), base94Pow5)
		// Four independent runs of digits, in 32-bit arithmetic, are faster than one of 11.
		g := out[:base94GroupChars:base94GroupChars]
		put3Base94(g[0:3], uint32(q/base94Pow3))
		put3Base94(g[3:6], uint32(q%base94Pow3))
		put3Base94(g[6:9], uint32(r/(94*94)))
		d := uint32(r % (94 * 94))
		g[9], g[10] = base94Alphabet[d/94], base94Alphabet[d%94]
		src, out = src[base94GroupBytes:], out[base94GroupChars:]
	}
	if len(src) > 0 {
		var v uint64
		for _, b := range src {
			v = v<<8 | uint64(b)
		}
		putBase94(out, v)
	}
	return dst
}

// put3Base94 writes v, below 94^3, as 3 digits.
func put3Base94(d []byte, v uint32) {
	_ = d[2]
	d[2] = base94Alphabet[v%94]
	v /= 94
	d[1] = base94Alphabet[v%94]
	d[0] = base94Alphabet[v/94]
}

// putBase94 writes v as len(d) digits, most significant first; v must be below 94^len(d).
func putBase94(d []byte, v uint64) {
	for i := len(d) - 1; i >= 0; i-- {
		d[i] = base94Alphabet[v%94]
		v /= 94
	}
}

// decodeBase94 reads s[start:], text written by appendBase94. It fails with a *DecodeError
// naming the offset in s of a character that is not a digit or of a group whose value does not
// fit its bytes, or when the last group has a number of digits no byte count takes (1 or 6).
func decodeBase94(s string, start int) ([]byte, error) {
	text := s[start:]
	full, tail := len(text)/base94GroupChars, len(text)%base94GroupChars
	r := base94TailBytes[tail]
	if r < 0 {
		return nil, base94Error("its %d characters end in a group of %d, which no byte count takes", len(text), tail)
	}
	out := make([]byte, 0, full*base94GroupBytes+r)
	for g := 0; g < len(text); g += base94GroupChars {
		group := text[g:min(g+base94GroupChars, len(text))]
		hi, lo, bad := base94Value(group)
		switch {
		case bad >= 0:
			return nil, base94Error("offset %d holds byte 0x%02x, which is not a digit", start+g+bad, group[bad])
		case len(group) == base94GroupChars:
			if hi > 0xff {
				return nil, base94Error("the group at offset %d exceeds 2^72-1, the most 9 bytes hold", start+g)
			}
			out = append(out, byte(hi))
			out = binary.BigEndian.AppendUint64(out, lo)
		case hi != 0 || (r < 8 && lo>>(8*r) != 0):
			return nil, base94Error("the last group, at offset %d, exceeds 2^%d-1, the most its %d bytes hold", start+g, 8*r, r)
		default:
			for i := r - 1; i >= 0; i-- {
				out = append(out, byte(lo>>(8*i)))
			}
		}
	}
	return out, nil
}

func base94Error(format string, args ...any) error {
	return &DecodeError{Entry: -1, Reason: "not valid base 94: " + fmt.Sprintf(format, args...)}
}

// base94Value is the 128-bit value (hi, lo) of a group of at most 11 digits, or the index in
// group of its first character that is not a digit (bad is -1 when there is none).
func base94Value(group string) (hi, lo uint64, bad int) {
	// The digits before the last five (at most 6, so below 94^6) times 94^5, plus the last
	// five.
	split := max(len(group)-5, 0)
	var q, r uint64
	for i := range split {
		d := base94Digit[group[i]]
		if d == 0xff {
			return 0, 0, i
		}
		q = q*94 + uint64(d)
	}
	for i := split; i < len(group); i++ {
		d := base94Digit[group[i]]
		if d == 0xff {
			return 0, 0, i
		}
		r = r*94 + uint64(d)
	}
	hi, lo = bits.Mul64(q, base94Pow5)
	lo, carry := bits.Add64(lo, r, 0)
	return hi + carry, lo, -1
}

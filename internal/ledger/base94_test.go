package ledger

import (
	"bytes"
	"encoding/ascii85"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestBase94Alphabet checks that the alphabet is the 94 characters from 0x20 to 0x7f less '"'
// and '\', in increasing order, and that a JSON string holds each as it stands.
func TestBase94Alphabet(t *testing.T) {
	t.Parallel()
	var want []byte
	for c := byte(0x20); c <= 0x7f; c++ {
		if c != '"' && c != '\\' {
			want = append(want, c)
		}
	}
	if base94Alphabet != string(want) {
		t.Fatalf("alphabet %q, want %q", base94Alphabet, want)
	}
	checkJSONString(t, base94Alphabet)
}

// checkJSONString checks that s in double quotes is valid JSON and reads back as s.
func checkJSONString(t *testing.T, s string) {
	t.Helper()
	quoted := []byte(`"` + s + `"`)
	var got string
	if !json.Valid(quoted) {
		t.Fatalf("%.60q… in quotes is not valid JSON", s)
	}
	if err := json.Unmarshal(quoted, &got); err != nil || got != s {
		t.Fatalf("%.60q… in quotes reads back as %.60q…, %v", s, got, err)
	}
}

// TestBase94Tail checks base94Tail against its definition, the fewest c with 94^c >= 2^(8r),
// and that 11 digits hold 9 bytes.
func TestBase94Tail(t *testing.T) {
	t.Parallel()
	fewest := func(r int) int {
		limit := new(big.Int).Lsh(big.NewInt(1), uint(8*r))
		p := big.NewInt(1)
		c := 0
		for p.Cmp(limit) < 0 {
			p.Mul(p, big.NewInt(94))
			c++
		}
		return c
	}
	for r, c := range base94Tail {
		if want := fewest(r); c != want {
			t.Errorf("base94Tail[%d] = %d, want %d", r, c, want)
		}
	}
	if got := fewest(base94GroupBytes); got != base94GroupChars {
		t.Errorf("9 bytes take %d digits, want %d", got, base94GroupChars)
	}
	for c, r := range base94TailBytes {
		if r >= 0 && base94Tail[r] != c || r < 0 && slices.Contains(base94Tail[:], c) {
			t.Errorf("base94TailBytes[%d] = %d", c, r)
		}
	}
}

// TestBase94RoundTrip encodes random bytes of every length to 200 and some long ones, and
// all-zero and all-0xff bytes: the text has the length the scheme gives, holds only digits,
// is a JSON string as it stands and reads back.
func TestBase94RoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(9, 4))
	var inputs [][]byte
	for n := range 201 {
		inputs = append(inputs, randomBytes(r, n), make([]byte, n), bytes.Repeat([]byte{0xff}, n))
	}
	for _, n := range []int{1000, 4095, 65536, 1 << 20} {
		inputs = append(inputs, randomBytes(r, n))
	}
	for _, in := range inputs {
		s := encodeString(in)
		n := len(in)
		if want := 4 + 11*(n/9) + []int{0, 2, 3, 4, 5, 7, 8, 9, 10}[n%9]; len(s) != want {
			t.Fatalf("%d bytes: %d characters, want %d", n, len(s), want)
		}
		if !strings.HasPrefix(s, "b94:") || strings.ContainsFunc(s[4:], func(c rune) bool { return !strings.ContainsRune(base94Alphabet, c) }) {
			t.Fatalf("%d bytes: %.60q… is not \"b94:\" and digits", n, s)
		}
		checkJSONString(t, s)
		got, err := decodeString(s)
		if err != nil || !bytes.Equal(got, in) {
			t.Fatalf("%d bytes: decodeString(%.60q…) = %x, %v; want %x", n, s, got, err, in)
		}
	}
}

// TestBase94Extremes checks the texts of the smallest and largest values of each group size.
func TestBase94Extremes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   []byte
		want string
	}{
		{nil, ""},
		{[]byte{0}, "  "},
		{[]byte{0xff}, "#e"}, // 255 = 2*94 + 67, and 67 is 0x5d + 8
		{make([]byte, 9), strings.Repeat(" ", 11)}, // zero
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0, 93}, "          \x7f"},
		{[]byte{0, 0, 0, 0, 0, 0, 0, 0, 94}, "         ! "},
		{bytes.Repeat([]byte{0xff}, 9), base94Text(new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 72), big.NewInt(1)), 11)},
		{bytes.Repeat([]byte{0xff}, 8), base94Text(new(big.Int).SetUint64(1<<64-1), 10)},
	}
	for _, tc := range cases {
		if got := encodeString(tc.in); got != "b94:"+tc.want {
			t.Errorf("%x: %q, want %q", tc.in, got, "b94:"+tc.want)
		}
	}
}

// base94Text is v in c base-94 digits, computed with math/big.
func base94Text(v *big.Int, c int) string {
	d := make([]byte, c)
	v = new(big.Int).Set(v)
	m := new(big.Int)
	for i := c - 1; i >= 0; i-- {
		v.DivMod(v, big.NewInt(94), m)
		d[i] = base94Alphabet[m.Int64()]
	}
	return string(d)
}

// TestBase94Rejects checks that decodeString refuses a character outside the alphabet, a last
// group of 1 or 6 digits, and a group whose value does not fit its bytes, with a *DecodeError
// naming the offset.
func TestBase94Rejects(t *testing.T) {
	t.Parallel()
	max72 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 72), big.NewInt(1))
	over := func(r int) string { // 2^(8r), one more than r bytes hold, in base94Tail[r] digits
		return base94Text(new(big.Int).Lsh(big.NewInt(1), uint(8*r)), base94Tail[r])
	}
	full := strings.Repeat("a", 11)
	cases := []struct{ in, want string }{
		{"b94:" + full + `ab"`, `offset 17 holds byte 0x22`},
		{"b94:" + `\` + full[1:], `offset 4 holds byte 0x5c`},
		{"b94:" + full + "\x19a", `offset 15 holds byte 0x19`},
		{"b94:é" + full[2:], `offset 4 holds byte 0xc3`},
		{"b94:\x80\x80", `offset 4 holds byte 0x80`},
		{"b94:a", `1 characters end in a group of 1`},
		{"b94:" + full + "aaaaaa", `17 characters end in a group of 6`},
		{"b94:" + full + strings.Repeat("\x7f", 11), `group at offset 15 exceeds 2^72-1`},
		{"b94:" + base94Text(new(big.Int).Add(max72, big.NewInt(1)), 11), `group at offset 4 exceeds 2^72-1`},
		{"b94:" + full + strings.Repeat("\x7f", 10), `last group, at offset 15, exceeds 2^64-1, the most its 8 bytes hold`},
	}
	for r := 1; r < 9; r++ {
		cases = append(cases, struct{ in, want string }{"b94:" + full + over(r), "last group, at offset 15, exceeds 2^" + strconv.Itoa(8*r) + "-1"})
	}
	for _, tc := range cases {
		got, err := decodeString(tc.in)
		var de *DecodeError
		if !errors.As(err, &de) || de.Entry != -1 || got != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("decodeString(%q) = %x, %v; want a *DecodeError with %q", tc.in, got, err, tc.want)
		}
		if l, err := DecodeString(tc.in); l != nil || !errors.As(err, &de) {
			t.Errorf("DecodeString(%q) = %v, %v; want a *DecodeError", tc.in, l, err)
		}
	}
	// The largest values that fit read back.
	for r := 1; r < 9; r++ {
		in := bytes.Repeat([]byte{0xff}, 9+r)
		if got, err := decodeString(encodeString(in)); err != nil || !bytes.Equal(got, in) {
			t.Errorf("%x: %x, %v", in, got, err)
		}
	}
	if got, err := decodeString("b94:" + base94Text(max72, 11)); err != nil || !bytes.Equal(got, bytes.Repeat([]byte{0xff}, 9)) {
		t.Errorf("2^72-1: %x, %v", got, err)
	}
}

// TestDecodeStringOlderForms checks that the "ascii85:" and base64 strings of earlier
// providers still read back to the same bytes.
func TestDecodeStringOlderForms(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 60 {
		in := randomBytes(r, n)
		for _, s := range []string{encodeASCII85(in), base64.StdEncoding.EncodeToString(in)} {
			if got, err := decodeString(s); err != nil || !bytes.Equal(got, in) {
				t.Fatalf("decodeString(%q) = %x, %v; want %x", s, got, err, in)
			}
		}
	}
}

// encodeASCII85 is the string providers wrote before base 94: "ascii85:" and ASCII85 with '"'
// and '\' swapped for 'v' and 'w'.
func encodeASCII85(b []byte) string {
	out := make([]byte, ascii85.MaxEncodedLen(len(b)))
	out = out[:ascii85.Encode(out, b)]
	return ascii85Prefix + strings.NewReplacer(`"`, "v", `\`, "w").Replace(string(out))
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// benchStringBytes are about 2.5 MB of random bytes, more than the encoding of a million
// structured entries (2.2 MB).
func benchStringBytes() []byte { return randomBytes(rand.New(rand.NewPCG(1, 1)), 2_500_000) }

func BenchmarkEncodeString(b *testing.B) {
	in := benchStringBytes()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		encodeString(in)
	}
}

func BenchmarkDecodeString(b *testing.B) {
	in := benchStringBytes()
	s := encodeString(in)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		if _, err := decodeString(s); err != nil {
			b.Fatal(err)
		}
	}
}

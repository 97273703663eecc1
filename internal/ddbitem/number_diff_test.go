package ddbitem

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// numberSeeds are texts around every branch of the parser and of the canonical fast path.
var numberSeeds = []string{
	"", "0", "-0", "+0", "00", "0.", ".0", ".", "-", "+", "-.", "0.0", "0.000", "+0.000", "-0.0e5",
	"1", "-1", "+1", "007", "-007", "10", "100", "1.0", "1.50", "1.05", "15E-1", "1e3", "1E+3", "1e-3",
	"1.25E+2", "-12.3400e+2", ".5", "5.", "-.5", "-5.", "0.1", "0.01", "0.10", "-0.001e3", "1e", "1e+",
	"1e-", "1e+-5", "1e--5", "1ee5", "1e5.5", "1.2.3", "0x10", "1_000", " 1", "1 ", "+ 1", "--1", "+-1",
	"NaN", "nan", "-NaN", "+-NaN", "Inf", "-inf", "+Infinity", "infinity", "INF", "nAn", "NaNa",
	"1e125", "1e126", "9.9e125", "-1E-130", "1E-130", "1E-131", "0.1E-129", "0.01E-129", "1e999",
	"1e9999999", "1e-9999999", "1e-99999999999999999999999", "1e99999999999999999999999", "1e0", "1e00",
	"1e-0", "0e5", "0e999999999999999999", "1E+0125",
	"99999999999999999999999999999999999999", "999999999999999999999999999999999999999",
	"123456789012345678901234567890123456789", "1234567890123456789012345678901234567.8",
	"12345678901234567890123456789012345678.9", "0.12345678901234567890123456789012345678",
	"0.123456789012345678901234567890123456789", "-0." + strings.Repeat("0", 129) + "1",
	"0." + strings.Repeat("0", 130) + "1", "1" + strings.Repeat("0", 125), "1" + strings.Repeat("0", 126),
	"1" + strings.Repeat("0", 50), strings.Repeat("0", 200) + "1", "1." + strings.Repeat("0", 200),
	"9" + strings.Repeat("0", 37) + "1", "1" + strings.Repeat("0", 40) + "1", "1.2345e-128",
	"-" + strings.Repeat("9", 38) + "e87", "1é", "١", "\x00", "1\x00", "İnf", "-İNF", "ınf", "NAN", "+nan",
	// strconv.Atoi reports a range error before it sees a bad byte after an overflow, and the
	// parser accepts range errors: these pass as huge exponents, not as syntax errors.
	"1e99999999999999999999999x", "1e-18446744073709551616x", "1e9223372036854775808x", "1e1844674407370955161x",
	"1e+0000000000000000000000000000005", "1e00000000000000000000000000000000000009x",
}

// checkNumber fails if CanonicalNumber or NumberSize differ from the reference on s, in
// result, error message or error type.
func checkNumber(t *testing.T, s string) {
	t.Helper()
	got, gotErr := CanonicalNumber(s)
	want, wantErr := refCanonicalNumber(s)
	if got != want || fmt.Sprintf("%T %v", gotErr, gotErr) != fmt.Sprintf("%T %v", wantErr, wantErr) {
		t.Fatalf("CanonicalNumber(%q) = %q, %v; reference %q, %v", s, got, gotErr, want, wantErr)
	}
	var ne *NumberError
	if gotErr != nil && (!errors.As(gotErr, &ne) || ne.Text != s) {
		t.Fatalf("CanonicalNumber(%q): error %#v", s, gotErr)
	}
	// The fast path must catch every canonical text: it comes back as is, not as a copy.
	if gotErr == nil && got == s && unsafe.StringData(got) != unsafe.StringData(s) {
		t.Fatalf("CanonicalNumber(%q) returned a copy of canonical text", s)
	}
	if g, w := NumberSize(s), refNumberSize(s); g != w {
		t.Fatalf("NumberSize(%q) = %d; reference %d", s, g, w)
	}
}

func TestNumberMatchesReference(t *testing.T) {
	t.Parallel()
	for _, s := range numberSeeds {
		checkNumber(t, s)
	}
	// Random texts over the parser's alphabet, and random numbers in canonical form.
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0000011223456789.-+eE"
	for range 150_000 {
		b := make([]byte, rng.IntN(50))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		checkNumber(t, string(b))
	}
	for range 50_000 {
		var sb strings.Builder
		if rng.IntN(2) == 0 {
			sb.WriteByte('-')
		}
		fmt.Fprint(&sb, rng.Uint64()>>rng.IntN(64))
		if rng.IntN(2) == 0 {
			sb.WriteString(strings.Repeat("0", rng.IntN(140)))
		}
		if rng.IntN(2) == 0 {
			sb.WriteByte('.')
			sb.WriteString(strings.Repeat("0", rng.IntN(140)))
			fmt.Fprint(&sb, rng.Uint64()>>rng.IntN(64))
		}
		checkNumber(t, sb.String())
	}
}

func FuzzNumberMatchesReference(f *testing.F) {
	for _, s := range numberSeeds {
		f.Add(s)
	}
	f.Fuzz(checkNumber)
}

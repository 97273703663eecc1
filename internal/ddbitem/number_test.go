package ddbitem

import (
	"errors"
	"strings"
	"testing"
)

func TestCanonicalNumber(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"0":                                      "0",
		"-0":                                     "0",
		"+0.000":                                 "0",
		"0.1":                                    "0.1",
		"1.50":                                   "1.5",
		"15E-1":                                  "1.5",
		"007":                                    "7",
		"-42":                                    "-42",
		"1e3":                                    "1000",
		"1.25E+2":                                "125",
		"12345678901234567890.123456":            "12345678901234567890.123456",
		"0.000001":                               "0.000001",
		"-1E-130":                                "-0." + strings.Repeat("0", 129) + "1",
		"99999999999999999999999999999999999999": "99999999999999999999999999999999999999",
		"1" + strings.Repeat("0", 50):            "1" + strings.Repeat("0", 50), // 1 significant digit
	} {
		got, err := CanonicalNumber(in)
		if err != nil || got != want {
			t.Errorf("CanonicalNumber(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestCanonicalNumberRejects(t *testing.T) {
	t.Parallel()
	for in, reason := range map[string]string{
		"":                           "empty",
		"NaN":                        "NaN and Infinity",
		"-Infinity":                  "NaN and Infinity",
		"inf":                        "NaN and Infinity",
		"1.2.3":                      "expected decimal digits",
		"0x10":                       "expected decimal digits",
		"+ 1":                        "expected decimal digits",
		"1e":                         "expected decimal digits",
		".":                          "expected decimal digits",
		"1_000":                      "expected decimal digits",
		"1e9999999":                  "exceeds DynamoDB's maximum",
		"1e-99999999999999999999999": "below DynamoDB's minimum",
		"1e+-5":                      "expected decimal digits",
		"123456789012345678901234567890123456789": "39 significant digits",
		"1E126":  "exceeds DynamoDB's maximum",
		"1E-131": "below DynamoDB's minimum",
	} {
		_, err := CanonicalNumber(in)
		var ne *NumberError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), reason) {
			t.Errorf("CanonicalNumber(%q) error = %v; want one mentioning %q", in, err, reason)
		}
	}
}

func FuzzCanonicalNumber(f *testing.F) {
	for _, s := range []string{"0", "-1.5e3", "1E126", "0.0001", "NaN", "99999999999999999999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := CanonicalNumber(s)
		if err != nil {
			return
		}
		// Canonical text is a fixed point and still a valid number.
		again, err := CanonicalNumber(c)
		if err != nil || again != c {
			t.Fatalf("CanonicalNumber(%q) = %q, re-canonicalised to %q, %v", s, c, again, err)
		}
	})
}

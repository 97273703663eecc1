package ddbitem

import (
	"testing"
	"unsafe"
)

var (
	canonicalTexts    = []string{"0", "42", "-7", "845.45", "47.3769", "-0.001", "123456789012345678901234567890", "1000"}
	nonCanonicalTexts = []string{"1.50", "15E-1", "-0", "007", "+3", "1e3", "0.000", "1.25E+2"}
)

// TestCanonicalNumberFastPath: canonical text comes back as the same string, without
// allocating; numbers never allocate to be sized.
func TestCanonicalNumberFastPath(t *testing.T) {
	for _, s := range canonicalTexts {
		if c, err := CanonicalNumber(s); err != nil || unsafe.StringData(c) != unsafe.StringData(s) {
			t.Errorf("CanonicalNumber(%q) = %q, %v; want the input itself", s, c, err)
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = CanonicalNumber(s) }); n != 0 {
			t.Errorf("CanonicalNumber(%q): %v allocs; want 0", s, n)
		}
	}
	for _, s := range append(canonicalTexts, nonCanonicalTexts...) {
		if n := testing.AllocsPerRun(100, func() { _ = NumberSize(s) }); n != 0 {
			t.Errorf("NumberSize(%q): %v allocs; want 0", s, n)
		}
	}
}

func BenchmarkCanonicalNumber(b *testing.B) {
	for name, texts := range map[string][]string{"canonical": canonicalTexts, "non-canonical": nonCanonicalTexts} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range texts {
					_, _ = CanonicalNumber(s)
				}
			}
		})
	}
}

func BenchmarkNumberSize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range canonicalTexts {
			_ = NumberSize(s)
		}
	}
}

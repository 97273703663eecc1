package hashing

import (
	"hash/fnv"
	"testing"
)

func TestFNV1a64MatchesTheStandardLibrary(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "a", "foobar", "user-000123", "日本語"} {
		h := fnv.New64a()
		_, _ = h.Write([]byte(s))
		if got, want := FNV1a64(s), h.Sum64(); got != want {
			t.Errorf("FNV1a64(%q) = %x, want %x", s, got, want)
		}
	}
}

// TestStringIsPinned pins the mixed hash: the drift sample and key statistics depend on it.
func TestStringIsPinned(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]uint64{
		"":       0xf52a15e9a9b5e89b,
		"a":      0x2c0bdbf481420f8,
		"foobar": 0x404da9e3b74078c2,
	} {
		if got := String(s); got != want {
			t.Errorf("String(%q) = %#x, want %#x", s, got, want)
		}
	}
}

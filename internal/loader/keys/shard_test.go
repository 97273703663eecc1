package keys

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// shardVectors pin Shard forever: users recompute suffixes in their own code, so a change
// here is a breaking change, never a test to update.
var shardVectors = []struct {
	value string
	count int
	want  int
}{
	{"", 2, 2},
	{"", 10, 8},
	{"a", 2, 1},
	{"user-1", 10, 9},
	{"user-2", 10, 2},
	{"tenant#42", 100, 57},
	{"2024-01-15", 90, 57},
	{"héllo", 10, 7},
	{"日本語", 1000, 912},
	{"🙂", 100, 48},
	{"12345", 1000, 705},
	{"order:000001", 90, 35},
	{"The quick brown fox jumps over the lazy dog", 1000, 369},
	{"x", 1, 1},
	{"user-1", 100000, 70709},
	{"1.5", 10, 8},
	{"alice@example.com", 2, 1},
	{"foobar", 90, 79},
}

func TestShardGolden(t *testing.T) {
	t.Parallel()
	for _, v := range shardVectors {
		if got := Shard(v.value, v.count); got != v.want {
			t.Errorf("Shard(%q, %d) = %d, want %d", v.value, v.count, got, v.want)
		}
	}
}

// fnv1a64 is FNV-1a written out from the published algorithm, independent of hash/fnv.
func fnv1a64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func TestShardMatchesIndependentFNV1a(t *testing.T) {
	t.Parallel()
	// Published FNV-1a 64 test vectors (Fowler/Noll/Vo reference suite).
	for s, want := range map[string]uint64{"": 0xcbf29ce484222325, "a": 0xaf63dc4c8601ec8c, "foobar": 0x85944171f73967e8} {
		if got := fnv1a64(s); got != want {
			t.Fatalf("hand-written FNV-1a(%q) = %#x, want %#x", s, got, want)
		}
	}
	for _, v := range shardVectors {
		want := int(fnv1a64(v.value)%uint64(v.count)) + 1
		if v.want != want {
			t.Errorf("vector (%q, %d) = %d, but FNV-1a by hand gives %d", v.value, v.count, v.want, want)
		}
	}
}

func TestShardPanicsOnCountBelowOne(t *testing.T) {
	t.Parallel()
	for _, count := range []int{0, -1} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "count must be at least 1") {
					t.Errorf("Shard(x, %d) recovered %v; want a panic about the count", count, r)
				}
			}()
			Shard("x", count)
		}()
	}
}

func TestShardOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		v     types.AttributeValue
		count int
		want  int
		err   string
	}{
		{"string hashes its text", &types.AttributeValueMemberS{Value: "user-1"}, 10, 9, ""},
		{"number hashes its canonical text", &types.AttributeValueMemberN{Value: "1.50"}, 10, 8, ""},
		{"number with exponent", &types.AttributeValueMemberN{Value: "15E-1"}, 10, 8, ""},
		{"binary hashes its bytes", &types.AttributeValueMemberB{Value: []byte("foobar")}, 90, 79, ""},
		{"invalid number", &types.AttributeValueMemberN{Value: "1.2.3"}, 10, 0, "not a valid DynamoDB number"},
		{"list", &types.AttributeValueMemberL{}, 10, 0, "cannot shard on a list (L)"},
		{"bool", &types.AttributeValueMemberBOOL{Value: true}, 10, 0, "cannot shard on a boolean (BOOL)"},
		{"nil", nil, 10, 0, "no value to shard on"},
		{"zero count", &types.AttributeValueMemberS{Value: "a"}, 0, 0, "shard count must be at least 1, got 0"},
		{"negative count", &types.AttributeValueMemberS{Value: "a"}, -3, 0, "shard count must be at least 1, got -3"},
	} {
		got, err := ShardOf(tc.v, tc.count)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: ShardOf = %d, %v; want %d", tc.name, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: ShardOf error = %v; want one containing %q", tc.name, err, tc.err)
		}
	}
}

func TestShardSpreadsKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		format string
		count  int
		ids    int
	}{
		{"user-%d", 10, 10000},
		{"%d", 10, 10000},
		{"order#%08d", 90, 90000},
		{"tenant-%d", 2, 10000},
	} {
		seen := make([]int, tc.count+1)
		for i := range tc.ids {
			s := Shard(fmt.Sprintf(tc.format, i), tc.count)
			if s < 1 || s > tc.count {
				t.Fatalf("Shard = %d, outside 1..%d", s, tc.count)
			}
			seen[s]++
		}
		limit := float64(tc.ids) / float64(tc.count) * 1.5 // 15% share at 10 shards
		for s := 1; s <= tc.count; s++ {
			if seen[s] == 0 || float64(seen[s]) > limit {
				t.Errorf("%q over %d shards: suffix %d got %d of %d ids; want 1..%.0f", tc.format, tc.count, s, seen[s], tc.ids, limit)
			}
		}
	}
}

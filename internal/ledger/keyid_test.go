package ledger

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

func sv(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func nv(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
func bv(v string) types.AttributeValue { return &types.AttributeValueMemberB{Value: []byte(v)} }

func schema(pkType, skType string) keys.Schema {
	s := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: pkType}}
	if skType != "" {
		s.SortKey = &keys.Attr{Name: "sk", Type: skType}
	}
	return s
}

// TestKeyIDRoundTrip goes item -> Key -> ID -> ParseKeyID -> KeyItem and back, for every key
// type with and without a sort key.
func TestKeyIDRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		schema keys.Schema
		item   record.Item
	}{
		{"S", schema("S", ""), record.Item{"pk": sv("user-1"), "data": sv("x")}},
		{"N", schema("N", ""), record.Item{"pk": nv("-12.5")}},
		{"B", schema("B", ""), record.Item{"pk": bv("\x00\xff:")}},
		{"S with S", schema("S", "S"), record.Item{"pk": sv("7#tenant-42"), "sk": sv("order-00000042")}},
		{"S with N", schema("S", "N"), record.Item{"pk": sv("user-000123"), "sk": nv("1700000000123")}},
		{"N with B", schema("N", "B"), record.Item{"pk": nv("1E+3"), "sk": bv("\x01")}},
		{"B with S", schema("B", "S"), record.Item{"pk": bv("3:S:"), "sk": sv("S:x")}},
		{"key text that looks like an ID", schema("S", "S"), record.Item{"pk": sv("12:S:"), "sk": sv("3:N:1")}},
		{"unicode", schema("S", "S"), record.Item{"pk": sv("日本語"), "sk": sv("🙂")}},
	} {
		k := tc.schema.Key(tc.item)
		got, err := ParseKeyID(k.ID())
		if err != nil || got != k {
			t.Errorf("%s: ParseKeyID(%q) = %q, %v; want %q", tc.name, k.ID(), got, err, k)
			continue
		}
		item, err := KeyItem(got, tc.schema)
		if err != nil {
			t.Errorf("%s: KeyItem(%q): %v", tc.name, got, err)
			continue
		}
		if again := tc.schema.Key(item); again != k {
			t.Errorf("%s: the key item's key is %q, want %q", tc.name, again, k)
		}
		want := keys.KeyItem(tc.item, tc.schema)
		if tc.name == "N with B" {
			want["pk"] = nv("1000") // canonical text: DynamoDB stores the same number
		}
		if !reflect.DeepEqual(item, want) {
			t.Errorf("%s: KeyItem = %#v, want %#v", tc.name, item, want)
		}
	}
}

func TestParseKeyIDErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		id, want string
	}{
		{"", `no ":"`},
		{"S:a", `length "S" is not a plain decimal number`},
		{":S:a", `length "" is not a plain decimal number`},
		{"03:S:a", `length "03" is not a plain decimal number`},
		{"+3:S:a", `length "+3" is not a plain decimal number`},
		{"-3:S:a", `length "-3" is not a plain decimal number`},
		{"1234567890:S:a", `length "1234567890" is not a plain decimal number`},
		{"4:S:a", "the partition part's length is 4, but only 3 bytes follow"},
		{"0:", "the partition part does not start with a type tag"},
		{"3:X:a", "the partition part does not start with a type tag"},
		{"1:S", "the partition part does not start with a type tag"},
		{"3:s:a", "the partition part does not start with a type tag"},
		{"3:S:aS", "the sort part does not start with a type tag"},
		{"3:S:aBOOL:1", "the sort part does not start with a type tag"},
	} {
		k, err := ParseKeyID(tc.id)
		var ke *KeyError
		if !errors.As(err, &ke) || ke.KeyID != tc.id || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseKeyID(%q) = %q, %v; want a *KeyError containing %q", tc.id, k, err, tc.want)
		}
	}
}

func TestKeyItemErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		key    keys.Key
		schema keys.Schema
		want   string
	}{
		{"partition type mismatch", keys.Key{Partition: "N:1"}, schema("S", ""), "the partition part is tagged N, but the partition key is pk (S)"},
		{"sort type mismatch", keys.Key{Partition: "S:a", Sort: "S:1"}, schema("S", "N"), "the sort part is tagged S, but the sort key is sk (N)"},
		{"sort part without a sort key", keys.Key{Partition: "S:a", Sort: "S:b"}, schema("S", ""), "the table has no sort key"},
		{"sort key without a sort part", keys.Key{Partition: "S:a"}, schema("S", "S"), "the key has no sort part, but the table has the sort key sk (S)"},
		{"untagged partition", keys.Key{Partition: "a"}, schema("S", ""), "the partition part does not start with a type tag"},
		{"untagged sort", keys.Key{Partition: "S:a", Sort: "b"}, schema("S", "S"), "the sort part does not start with a type tag"},
		{"invalid number", keys.Key{Partition: "N:1e999"}, schema("N", ""), "the partition part: \"1e999\" is not a valid DynamoDB number"},
		{"not a number", keys.Key{Partition: "S:a", Sort: "N:x"}, schema("S", "N"), "the sort part: \"x\" is not a valid DynamoDB number"},
		{"empty string", keys.Key{Partition: "S:"}, schema("S", ""), "empty string"},
		{"empty binary", keys.Key{Partition: "S:a", Sort: "B:"}, schema("S", "B"), "empty binary"},
		{"schema type not a key type", keys.Key{Partition: "S:a"}, schema("BOOL", ""), "is not of type S, N or B"},
		{"schema without a name", keys.Key{Partition: "S:a"}, keys.Schema{PartitionKey: keys.Attr{Type: "S"}}, "the schema's partition key has no name"},
		{
			"one name for both keys", keys.Key{Partition: "S:a", Sort: "S:b"},
			keys.Schema{PartitionKey: keys.Attr{Name: "k", Type: "S"}, SortKey: &keys.Attr{Name: "k", Type: "S"}},
			`names "k" as both partition and sort key`,
		},
	} {
		item, err := KeyItem(tc.key, tc.schema)
		var ke *KeyError
		if !errors.As(err, &ke) || ke.KeyID != tc.key.ID() || !strings.Contains(err.Error(), tc.want) || item != nil {
			t.Errorf("%s: KeyItem = %v, %v; want nil and a *KeyError containing %q", tc.name, item, err, tc.want)
		}
	}
}

// FuzzParseKeyID checks that ParseKeyID never panics and inverts keys.Key.ID exactly, and
// that KeyItem never panics on what it returns.
func FuzzParseKeyID(f *testing.F) {
	for _, seed := range []struct{ id, partition, sort string }{
		{"3:S:a", "S:a", ""},
		{"14:S:user-000123N:1700000000123", "S:7#tenant-42", "S:order-1"},
		{"4:B:\x00\xffB:", "B:\x00", "B:\xff"},
		{"0:", "N:1", "N:-1.5"},
		{"01:S:a", "S:", "S:"},
		{"99999999999:S", "S:日本語", "N:1e5"},
		{"3:X:aS:b", "X:a", "S"},
	} {
		f.Add(seed.id, seed.partition, seed.sort)
	}
	f.Fuzz(func(t *testing.T, id, partition, sort string) {
		if k, err := ParseKeyID(id); err == nil {
			if k.ID() != id {
				t.Fatalf("ParseKeyID(%q) = %q, whose ID is %q", id, k, k.ID())
			}
			for _, s := range []keys.Schema{schema(tag(k.Partition), ""), schema(tag(k.Partition), "S"), schema("S", "N")} {
				if item, err := KeyItem(k, s); err == nil && len(item) == 0 {
					t.Fatalf("KeyItem(%q, %+v) returned no attributes and no error", k, s)
				}
			}
		}
		// Any key with tagged parts must come back whole.
		k := keys.Key{Partition: partition, Sort: sort}
		if tag(partition) == "" || (sort != "" && tag(sort) == "") {
			return
		}
		if got, err := ParseKeyID(k.ID()); err != nil || got != k {
			t.Fatalf("ParseKeyID(%q) = %q, %v; want %q", k.ID(), got, err, k)
		}
	})
}

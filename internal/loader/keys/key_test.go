package keys

import (
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

func TestKeyCanonical(t *testing.T) {
	t.Parallel()
	numbers := Schema{PartitionKey: Attr{Name: "k", Type: "N"}}
	for _, tc := range []struct {
		name  string
		s     Schema
		a, b  record.Item
		equal bool
	}{
		{"equal numbers in different text", numbers, record.Item{"k": n("1.0")}, record.Item{"k": n("1")}, true},
		{"exponent and plain", numbers, record.Item{"k": n("15E-1")}, record.Item{"k": n("1.50")}, true},
		{"minus zero", numbers, record.Item{"k": n("-0")}, record.Item{"k": n("0")}, true},
		{"different numbers", numbers, record.Item{"k": n("1")}, record.Item{"k": n("10")}, false},
		{"string and number with one text", numbers, record.Item{"k": s("1")}, record.Item{"k": n("1")}, false},
		{"string and binary with one text", pkOnly, record.Item{"pk": s("ab")}, record.Item{"pk": b([]byte("ab"))}, false},
		{"same string", pkOnly, record.Item{"pk": s("a"), "x": s("1")}, record.Item{"pk": s("a"), "x": s("2")}, true},
		{"sort key differs", pkSK, record.Item{"pk": s("a"), "sk": s("1")}, record.Item{"pk": s("a"), "sk": s("2")}, false},
		{"strings are compared exactly", pkOnly, record.Item{"pk": s("A")}, record.Item{"pk": s("a")}, false},
	} {
		ka, kb := tc.s.Key(tc.a), tc.s.Key(tc.b)
		if (ka == kb) != tc.equal || (ka.ID() == kb.ID()) != tc.equal {
			t.Errorf("%s: keys %q and %q (IDs %q, %q): equal = %v, want %v", tc.name, ka, kb, ka.ID(), kb.ID(), ka == kb, tc.equal)
		}
	}
}

func TestKeyEncoding(t *testing.T) {
	t.Parallel()
	if got, want := pkSK.Key(record.Item{"pk": s("u#1"), "sk": s("2024")}), (Key{Partition: "S:u#1", Sort: "S:2024"}); got != want {
		t.Errorf("Key = %q, want %q", got, want)
	}
	if got, want := pkOnly.Key(record.Item{"pk": s("u#1"), "sk": s("ignored")}), (Key{Partition: "S:u#1"}); got != want {
		t.Errorf("Key without sort key = %q, want %q", got, want)
	}
}

func TestKeyIDIsUnambiguous(t *testing.T) {
	t.Parallel()
	// Pairs whose parts concatenate to the same text must still differ.
	for _, pair := range [][2]Key{
		{{Partition: "S:a", Sort: "S:bS:c"}, {Partition: "S:aS:b", Sort: "S:c"}},
		{{Partition: "S:ab"}, {Partition: "S:a", Sort: "b"}},
		{{Partition: "S:1", Sort: "2:S:x"}, {Partition: "S:12:S:x"}},
	} {
		if pair[0].ID() == pair[1].ID() {
			t.Errorf("%q and %q share the ID %q", pair[0], pair[1], pair[0].ID())
		}
	}
	if got, want := (Key{Partition: "S:ab", Sort: "N:1"}).ID(), "4:S:abN:1"; got != want {
		t.Errorf("ID = %q, want %q", got, want)
	}
	// AppendID appends the same bytes, after what dst holds.
	for _, k := range []Key{{}, {Partition: "S:ab", Sort: "N:1"}, {Partition: "B:" + strings.Repeat("x", 2046)}, {Partition: "S:é", Sort: "S:"}} {
		if got := string(k.AppendID([]byte("prefix"))); got != "prefix"+k.ID() {
			t.Errorf("AppendID(%q) = %q, want %q", k, got, "prefix"+k.ID())
		}
	}
}

func TestKeyItem(t *testing.T) {
	t.Parallel()
	item := record.Item{"pk": s("a"), "sk": s("b"), "data": s("c")}
	for _, tc := range []struct {
		name   string
		schema Schema
		item   record.Item
		want   []string
	}{
		{"partition and sort key", pkSK, item, []string{"pk", "sk"}},
		{"partition key only", pkOnly, item, []string{"pk"}},
		{"missing attributes are not invented", pkSK, record.Item{"data": s("c")}, nil},
	} {
		got := KeyItem(tc.item, tc.schema)
		if len(got) != len(tc.want) {
			t.Errorf("%s: KeyItem = %v, want attributes %v", tc.name, got, tc.want)
			continue
		}
		for _, k := range tc.want {
			if got[k] != tc.item[k] {
				t.Errorf("%s: KeyItem[%q] = %v, want %v", tc.name, k, got[k], tc.item[k])
			}
		}
	}
}

func TestSchemaFromTable(t *testing.T) {
	t.Parallel()
	got := SchemaFromTable(&tableinfo.Table{PartitionKey: tableinfo.Key{Name: "pk", Type: "S"}, SortKey: &tableinfo.Key{Name: "ts", Type: "N"}})
	if got.PartitionKey != (Attr{Name: "pk", Type: "S"}) || got.SortKey == nil || *got.SortKey != (Attr{Name: "ts", Type: "N"}) {
		t.Errorf("SchemaFromTable = %+v", got)
	}
	if got := SchemaFromTable(&tableinfo.Table{PartitionKey: tableinfo.Key{Name: "id", Type: "B"}}); got.SortKey != nil || got.PartitionKey.Type != "B" {
		t.Errorf("SchemaFromTable without sort key = %+v", got)
	}
}

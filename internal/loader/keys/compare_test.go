package keys

import (
	"strings"
	"testing"
)

func TestDifferences(t *testing.T) {
	t.Parallel()
	table := Schema{
		PartitionKey: Attr{"pk", "S"}, SortKey: &Attr{"sk", "N"},
		IndexKeys: []IndexKey{
			{Attr: Attr{"sk", "N"}, Index: "by_sk", Kind: LSI, Sort: true},
			{Attr: Attr{"status", "S"}, Index: "by_status", Kind: GSI},
			{Attr: Attr{"created", "N"}, Index: "by_status", Kind: GSI, Sort: true},
		},
	}
	same := table
	same.IndexKeys = []IndexKey{table.IndexKeys[2], table.IndexKeys[0], table.IndexKeys[1]} // another order
	if d := same.Differences(table); len(d) != 0 {
		t.Fatalf("same schema in another order: %v", d)
	}
	for _, tc := range []struct {
		name   string
		change func(s *Schema)
		want   string
	}{
		{"partition key type", func(s *Schema) { s.PartitionKey.Type = "N" }, "the table's partition key is pk (S), not pk (N)"},
		{"sort key missing", func(s *Schema) { s.SortKey = nil }, "the table has a sort key, sk (N), which the declaration leaves out"},
		{"sort key name", func(s *Schema) { s.SortKey = &Attr{"ts", "N"} }, "the table's sort key is sk (N), not ts (N)"},
		{"index left out", func(s *Schema) { s.IndexKeys = s.IndexKeys[:1] }, `the table has GSI "by_status" partition key status (S), which the declaration leaves out`},
		{"index type", func(s *Schema) {
			s.IndexKeys = append([]IndexKey(nil), s.IndexKeys...)
			s.IndexKeys[2].Attr.Type = "S"
		}, `the declaration names GSI "by_status" sort key created (S), which the table does not have`},
	} {
		d := table
		tc.change(&d)
		got := strings.Join(d.Differences(table), "; ")
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q does not say %q", tc.name, got, tc.want)
		}
	}
	noSort := Schema{PartitionKey: Attr{"pk", "S"}}
	if got := strings.Join(table.Differences(noSort), "; "); !strings.Contains(got, "the table has no sort key, but the declaration names sk (N)") {
		t.Errorf("declared sort key on a table without one: %q", got)
	}
}

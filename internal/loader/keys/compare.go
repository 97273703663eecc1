package keys

import (
	"fmt"
	"slices"
	"strings"
)

// Differences lists how the declared schema d differs from the table's t, one sentence each
// ("the table's sort key is sk (S), not sk (N)"); none if they agree. Index keys are compared
// as a set: their order does not matter.
func (d Schema) Differences(t Schema) []string {
	var out []string
	if d.PartitionKey != t.PartitionKey {
		out = append(out, fmt.Sprintf("the table's partition key is %s, not %s", t.PartitionKey, d.PartitionKey))
	}
	switch {
	case d.SortKey == nil && t.SortKey != nil:
		out = append(out, fmt.Sprintf("the table has a sort key, %s, which the declaration leaves out", t.SortKey))
	case d.SortKey != nil && t.SortKey == nil:
		out = append(out, fmt.Sprintf("the table has no sort key, but the declaration names %s", d.SortKey))
	case d.SortKey != nil && *d.SortKey != *t.SortKey:
		out = append(out, fmt.Sprintf("the table's sort key is %s, not %s", t.SortKey, d.SortKey))
	}
	declared, actual := indexKeyTexts(d.IndexKeys), indexKeyTexts(t.IndexKeys)
	for _, k := range actual {
		if !slices.Contains(declared, k) {
			out = append(out, "the table has "+k+", which the declaration leaves out")
		}
	}
	for _, k := range declared {
		if !slices.Contains(actual, k) {
			out = append(out, "the declaration names "+k+", which the table does not have")
		}
	}
	return out
}

// indexKeyTexts describes each index key as in messages, sorted.
func indexKeyTexts(ks []IndexKey) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		role := "partition key"
		if k.Sort {
			role = "sort key"
		}
		out[i] = fmt.Sprintf("%s %q %s %s", k.Kind, k.Index, role, k.Attr)
	}
	slices.SortFunc(out, strings.Compare)
	return out
}

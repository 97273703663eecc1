package converge

import (
	"context"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// Destroy deletes every item st says the table may hold from the dataset: the ledger's and
// the unconfirmed ones. It returns how many it deleted of how many.
func Destroy(ctx context.Context, api write.API, table string, schema keys.Schema, st State, wo write.Options) (deleted int64, total int, err error) {
	ids := append(keyIDs(st.Ledger, nil), keyIDs(minus(st.Unconfirmed, st.Ledger), nil)...)
	if len(ids) == 0 {
		return 0, 0, nil
	}
	stats, err := loader.Delete(ctx, api, table, keyItems(ids, schema), wo)
	return stats.Deletes, len(ids), err
}

// deleteRemoved deletes the keys of removed (removedKeys).
func deleteRemoved(ctx context.Context, api write.API, table string, schema keys.Schema, removed []string, wo write.Options) (int64, error) {
	if len(removed) == 0 {
		return 0, nil
	}
	st, err := loader.Delete(ctx, api, table, keyItems(removed, schema), wo)
	return st.Deletes, err
}

// removedKeys are the keys the prior state says the table may hold that the records of the
// dataset (seen) do not have: the ledger's in KeyID order, then the unconfirmed ones. Each
// record's key is looked up in the prior ledgers, rather than the next ledger sorted and
// compared, since a plan needs the removed keys but not the next ledger.
func removedKeys(prior State, seen *records) []string {
	kept := make([]bool, prior.Ledger.Len())
	keptUnsure := make([]bool, prior.Unconfirmed.Len())
	for i := range seen.len() {
		id := seen.id(i)
		if j := prior.Ledger.Find(id); j >= 0 {
			kept[j] = true
		}
		if len(keptUnsure) > 0 {
			if j := prior.Unconfirmed.Find(id); j >= 0 {
				keptUnsure[j] = true
			}
		}
	}
	var removed []string
	j := 0
	for e := range prior.Ledger.All() {
		if !kept[j] {
			removed = append(removed, e.KeyID)
		}
		j++
	}
	j = 0
	for e := range prior.Unconfirmed.All() {
		if _, inPrior := prior.Ledger.Lookup(e.KeyID); !keptUnsure[j] && !inPrior {
			removed = append(removed, e.KeyID)
		}
		j++
	}
	return removed
}

func keyIDs(l *ledger.Ledger, into []string) []string {
	for e := range l.All() {
		into = append(into, e.KeyID)
	}
	return into
}

// keyItems turns ledger key IDs into DynamoDB keys, skipping any that no longer fit the
// table's key schema (the table was replaced by one with other keys: they cannot exist).
func keyItems(ids []string, schema keys.Schema) func(func(record.Item) bool) {
	return func(yield func(record.Item) bool) {
		for _, id := range ids {
			k, err := ledger.ParseKeyID(id)
			if err != nil {
				continue
			}
			item, err := ledger.KeyItem(k, schema)
			if err != nil {
				continue
			}
			if !yield(item) {
				return
			}
		}
	}
}

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

// removedKeys are the keys the prior state says the table may hold that next does not have.
func removedKeys(prior State, next *ledger.Ledger) []string {
	var removed []string
	ledger.Compare(prior.Ledger, next, func(id string) { removed = append(removed, id) }, nil)
	for e := range prior.Unconfirmed.All() {
		_, inNext := next.Lookup(e.KeyID)
		_, inPrior := prior.Ledger.Lookup(e.KeyID)
		if !inNext && !inPrior {
			removed = append(removed, e.KeyID)
		}
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

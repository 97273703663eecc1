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
	return stats.Deleted, len(ids), err
}

// deleteRemoved deletes the keys of removed: the prior keys the dataset lacks.
func deleteRemoved(ctx context.Context, api write.API, table string, schema keys.Schema, removed []string, wo write.Options) (int64, error) {
	if len(removed) == 0 {
		return 0, nil
	}
	st, err := loader.Delete(ctx, api, table, keyItems(removed, schema), wo)
	return st.Deleted, err
}

// marks are the entries of a prior state whose keys the dataset has.
type marks struct {
	prior               State
	ledger, unconfirmed []bool
}

func newMarks(prior State) *marks {
	return &marks{prior: prior, ledger: make([]bool, prior.Ledger.Len()), unconfirmed: make([]bool, prior.Unconfirmed.Len())}
}

// mark notes that the dataset has keyID, whose entry in the prior ledger is j (-1 if none, as
// Find tells). It returns whether the key is also unconfirmed: the table may hold it with any
// content.
func (m *marks) mark(keyID []byte, j int) (unsure bool) {
	if len(m.unconfirmed) > 0 {
		if u := m.prior.Unconfirmed.Find(string(keyID)); u >= 0 {
			m.unconfirmed[u], unsure = true, true
		}
	}
	if j >= 0 {
		m.ledger[j] = true
	}
	return unsure
}

// removed lists the unmarked keys: the ledger's in KeyID order, then the unconfirmed ones the
// ledger does not have.
func (m *marks) removed() []string {
	removed := []string{} // not nil: known to be empty
	for j, kept := range m.ledger {
		if !kept {
			removed = append(removed, m.prior.Ledger.At(j).KeyID)
		}
	}
	for j, kept := range m.unconfirmed {
		if e := m.prior.Unconfirmed.At(j); !kept && m.prior.Ledger.Find(e.KeyID) < 0 {
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

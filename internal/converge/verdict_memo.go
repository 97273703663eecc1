package converge

import (
	"sync"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
)

// previewed is the verdict of this process's last Preview, for the Apply that follows it:
// Terraform's apply plans the resource again and applies it in one provider process, moments
// apart, and both would otherwise look every record up in the prior ledger and read the changed
// blocks back. An Apply takes it once; anything else judges afresh.
var previewed verdictMemo

// verdictFor is what a verdict depends on besides the table's content: the records (an
// entry of the validation memo, which holds them unmodified), the prior state and the table.
// A Preview that did not read the changed blocks back counts every item of them as written;
// an Apply reads them, so it takes only a verdict that read them.
type verdictFor struct {
	seen               *records
	prior, unconfirmed *ledger.Ledger
	drifted            bool
	table              string
	read               bool
}

func verdictKey(p Params, seen *records, read bool) verdictFor {
	return verdictFor{seen: seen, prior: p.Prior.Ledger, unconfirmed: p.Prior.Unconfirmed, drifted: p.Prior.Drifted, table: p.Table, read: read}
}

type verdictMemo struct {
	mu  sync.Mutex
	key verdictFor
	v   *verdict
}

func (m *verdictMemo) keep(key verdictFor, v *verdict) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.key, m.v = key, v
}

// take returns the verdict kept for key, if any, and forgets what was kept either way (it
// holds the records of a validation).
func (m *verdictMemo) take(key verdictFor) *verdict {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, kept := m.v, m.key
	m.key, m.v = verdictFor{}, nil
	if v == nil || kept != key || !key.read {
		return nil
	}
	return v
}

package provider

import (
	"crypto/sha256"
	"sync"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
)

// ledgerMemo keeps the last ledger decoded from private state, by the SHA-256 of its stored
// bytes: in one provider process Terraform hands the same private state to ReadResource and
// then to PlanResourceChange and ApplyResourceChange, and a million-entry ledger is worth
// decoding once. Ledgers are immutable, so sharing one is safe.
type ledgerMemo struct {
	mu  sync.Mutex
	sum [sha256.Size]byte
	l   *ledger.Ledger
}

var decodedLedgers ledgerMemo

// get returns the ledger stored as b, decoding it unless it was the last one decoded.
func (m *ledgerMemo) get(b []byte, decode func([]byte) (*ledger.Ledger, error)) (*ledger.Ledger, error) {
	sum := sha256.Sum256(b)
	m.mu.Lock()
	if m.l != nil && m.sum == sum {
		l := m.l
		m.mu.Unlock()
		return l, nil
	}
	m.mu.Unlock()
	l, err := decode(b)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.sum, m.l = sum, l
	m.mu.Unlock()
	return l, nil
}

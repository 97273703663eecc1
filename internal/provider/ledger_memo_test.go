package provider

import (
	"errors"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
)

func TestLedgerMemoDecodesEachStateOnce(t *testing.T) {
	t.Parallel()
	var m ledgerMemo
	decodes := 0
	decode := func(b []byte) (*ledger.Ledger, error) {
		decodes++
		if string(b) == "bad" {
			return nil, errors.New("corrupt")
		}
		var bl ledger.Builder
		bl.Add(string(b), 1)
		return bl.Build(), nil
	}
	first, err := m.get([]byte("a"), decode)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := m.get([]byte("a"), decode)
	if again != first || decodes != 1 {
		t.Errorf("the same bytes again: got another ledger or decoded again (%d decodes)", decodes)
	}
	other, _ := m.get([]byte("b"), decode)
	if other.Find("b") < 0 || decodes != 2 {
		t.Errorf("other bytes: want their own ledger, decoded (%d decodes)", decodes)
	}
	for range 2 {
		if l, err := m.get([]byte("bad"), decode); err == nil || l != nil {
			t.Errorf("corrupt bytes: got %v, %v; want an error", l, err)
		}
	}
	if decodes != 4 {
		t.Errorf("a failed decode is not kept: want 4 decodes, got %d", decodes)
	}
}

package loader

import (
	"errors"
	"strings"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

func TestDedupePolicies(t *testing.T) {
	t.Parallel()
	pos := func(line int) record.Position { return record.Position{File: "a.jsonl", Line: line, Record: line} }
	keys := []string{"k1", "k2", "k1", "k3", "k1"}

	t.Run("error names both records", func(t *testing.T) {
		t.Parallel()
		d := newDedupe("", nil)
		var err error
		for i, k := range keys {
			if err = d.observe(uint64(i), pos(i+1), k, `pk "`+k+`"`); err != nil {
				break
			}
		}
		var ie *record.InputError
		if !errors.As(err, &ie) || ie.Pos.Line != 3 || !strings.Contains(err.Error(), "a.jsonl:1") || !strings.Contains(err.Error(), `pk "k1"`) {
			t.Fatalf("err = %v", err)
		}
	})
	for _, tc := range []struct {
		policy DuplicatePolicy
		losers []uint64
	}{
		{DuplicateLastWins, []uint64{0, 2}},
		{DuplicateFirstWins, []uint64{2, 4}},
	} {
		t.Run(string(tc.policy), func(t *testing.T) {
			t.Parallel()
			d := newDedupe(tc.policy, nil)
			for i, k := range keys {
				if err := d.observe(uint64(i), pos(i+1), k, k); err != nil {
					t.Fatal(err)
				}
			}
			if d.losers.Len() != len(tc.losers) || d.dropped != int64(len(tc.losers)) {
				t.Fatalf("losers %d, dropped %d; want %v", d.losers.Len(), d.dropped, tc.losers)
			}
			for _, s := range tc.losers {
				if !d.losers.Has(s) {
					t.Errorf("record %d should lose", s)
				}
			}
		})
	}
}

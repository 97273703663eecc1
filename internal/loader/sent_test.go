package loader

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestStoppedLoadReportsEverythingItMayHaveWritten stops loads in the ways a load stops
// (cancelled, a non-retryable error, a timeout while re-sending) right after a call that
// DynamoDB carried out but whose answer was lost. Every item the table then holds must be in
// Result.Sent, and some of them must not be in Acked: the gap Sent exists to close.
func TestStoppedLoadReportsEverythingItMayHaveWritten(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		rig  func(s *sink, cancel context.CancelFunc)
		want error
	}{
		{"cancelled", func(s *sink, cancel context.CancelFunc) {
			s.failApplied = func(call int) error {
				if call == 20 {
					cancel()
					return context.Canceled
				}
				return nil
			}
		}, context.Canceled},
		{"non-retryable error", func(s *sink, _ context.CancelFunc) {
			s.failApplied = func(call int) error {
				if call == 12 {
					return &types.ResourceNotFoundException{Message: stringPtr("gone")}
				}
				return nil
			}
		}, nil},
		{"stopped while re-sending", func(s *sink, cancel context.CancelFunc) {
			s.failApplied = func(call int) error {
				switch {
				case call == 40:
					cancel()
					return context.Canceled
				case call >= 10:
					return &types.InternalServerError{Message: stringPtr("applied, then failed")}
				}
				return nil
			}
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "a.jsonl", jsonl(3000, 101))
			s := newSink(hashRange())
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tc.rig(s, cancel)
			o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite()}
			res, err := Load(ctx, s, "t", hashRange(), o)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err = %v; want a stopped load (%v)", err, tc.want)
			}
			for seq := range uint64(3000) {
				if res.Acked.Has(seq) && !res.Sent.Has(seq) {
					t.Fatalf("record %d acknowledged but not in Sent", seq)
				}
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			unacked := 0
			for id, item := range s.items {
				sk, ok := item["sk"].(*types.AttributeValueMemberN)
				if !ok {
					t.Fatalf("item %s has no numeric sk", id)
				}
				seq, err := strconv.ParseUint(sk.Value, 10, 64) // record i has sk i
				if err != nil {
					t.Fatal(err)
				}
				if !res.Sent.Has(seq) {
					t.Errorf("the table holds record %d (%s), which Sent does not list: it would be orphaned", seq, id)
				}
				if !res.Acked.Has(seq) {
					unacked++
				}
			}
			if unacked == 0 {
				t.Fatal("every item in the table was acknowledged: the case did not lose an answer")
			}
			if len(s.items) == 3000 {
				t.Fatal("the load finished: the case did not stop it")
			}
		})
	}
}

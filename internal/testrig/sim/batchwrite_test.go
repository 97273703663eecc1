package sim

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

func TestWholeRequestThrottleIsTypedForTheSDK(t *testing.T) {
	t.Parallel()
	for _, onDemand := range []bool{false, true} {
		t.Run(fmt.Sprintf("onDemand=%v", onDemand), func(t *testing.T) {
			t.Parallel()
			cfg := sinkTableConfig(1, 10, false)
			cfg.OnDemand = onDemand
			s, c := startSim(t, Config{Now: newFakeClock().Now, Tables: map[string]TableConfig{"tbl": cfg}})

			// The first batch takes the 10 WCU; the second gets nothing through.
			if n, _, err := writeBatch(t, c, hashItems(t, "a", 25, 1024)); err != nil || n != 10 {
				t.Fatalf("first batch: %d admitted, %v", n, err)
			}
			_, _, err := writeBatch(t, c, hashItems(t, "b", 25, 1024))
			var reasons []types.ThrottlingReason
			if onDemand {
				var te *types.ThrottlingException
				if !errors.As(err, &te) {
					t.Fatalf("got %T %v; want *types.ThrottlingException", err, err)
				}
				reasons = te.ThrottlingReasons
			} else {
				var pte *types.ProvisionedThroughputExceededException
				if !errors.As(err, &pte) {
					t.Fatalf("got %T %v; want *types.ProvisionedThroughputExceededException", err, err)
				}
				reasons = pte.ThrottlingReasons
			}
			if len(reasons) != 1 || aws.ToString(reasons[0].Reason) != reasonKeyRange ||
				aws.ToString(reasons[0].Resource) != tableARN("tbl") {
				t.Fatalf("throttling reasons %+v; want one %s on %s", reasons, reasonKeyRange, tableARN("tbl"))
			}
			if n := sinkCount(t, s); n != 10 {
				t.Fatalf("the sink holds %d items, want the 10 admitted", n)
			}
			if st := s.Stats(); st.ThrottledRequests != 1 || st.UnprocessedItems != 15 {
				t.Fatalf("stats %+v: want 1 throttled request and 15 unprocessed items", st)
			}
		})
	}
}

func TestBatchWriteValidation(t *testing.T) {
	t.Parallel()
	s, c := startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}})
	ctx := context.Background()
	withKey := func(k types.AttributeValue) []types.WriteRequest {
		return []types.WriteRequest{{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": k}}}}
	}
	dup := hashItems(t, "a", 2, 100)
	dup[1] = dup[0]
	for _, tc := range []struct {
		name  string
		items map[string][]types.WriteRequest
		want  string
	}{
		{"duplicate keys", map[string][]types.WriteRequest{"tbl": puts(dup)}, "contains duplicates"},
		{"26 requests", map[string][]types.WriteRequest{"tbl": puts(hashItems(t, "a", 26, 100))}, "Too many items"},
		{"missing key", map[string][]types.WriteRequest{"tbl": puts([]map[string]types.AttributeValue{{"x": str("1")}})}, "Missing the key pk"},
		{"key type", map[string][]types.WriteRequest{"tbl": withKey(&types.AttributeValueMemberN{Value: "1"})}, "Type mismatch"},
		{"empty key", map[string][]types.WriteRequest{"tbl": withKey(str(""))}, "cannot contain an empty value"},
		{"oversized item", map[string][]types.WriteRequest{"tbl": puts(hashItems(t, "big", 1, 400*1024+1))}, "maximum allowed size"},
		{"delete with extra attributes", map[string][]types.WriteRequest{"tbl": {{DeleteRequest: &types.DeleteRequest{
			Key: map[string]types.AttributeValue{"pk": str("a"), "x": str("b")}}}}}, "does not match the schema"},
	} {
		_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: tc.items})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "ValidationException" || !strings.Contains(ae.ErrorMessage(), tc.want) {
			t.Errorf("%s: got %v; want a ValidationException mentioning %q", tc.name, err, tc.want)
		}
	}
	_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"missing": puts(hashItems(t, "a", 1, 100))}})
	var rnf *types.ResourceNotFoundException
	if !errors.As(err, &rnf) {
		t.Errorf("a missing table: got %v; want *types.ResourceNotFoundException", err)
	}
	if n := sinkCount(t, s); n != 0 {
		t.Fatalf("invalid batches wrote %d items", n)
	}
}

func TestDeletesCostOneUnitAndApply(t *testing.T) {
	t.Parallel()
	s, c := startSim(t, Config{Now: newFakeClock().Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 1000, false)}})
	if n, _, err := writeBatch(t, c, hashItems(t, "a", 10, 5000)); err != nil || n != 10 {
		t.Fatalf("puts: %d, %v", n, err)
	}
	var dels []types.WriteRequest
	for i := range 10 {
		dels = append(dels, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{"pk": str(fmt.Sprintf("a%d", i))}}})
	}
	out, err := c.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{
		RequestItems: map[string][]types.WriteRequest{"tbl": dels}, ReturnConsumedCapacity: types.ReturnConsumedCapacityIndexes,
	})
	if err != nil {
		t.Fatal(err)
	}
	if cc := out.ConsumedCapacity; len(cc) != 1 || aws.ToFloat64(cc[0].CapacityUnits) != 10 || cc[0].Table == nil {
		t.Fatalf("consumed capacity %+v; want 10 units (1 per delete) with the table's share", cc)
	}
	if n := sinkCount(t, s); n != 0 {
		t.Fatalf("%d items left after deleting all", n)
	}
}

func TestConcurrentWriters(t *testing.T) {
	t.Parallel()
	s, c := startSim(t, Config{Now: newFakeClock().Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(8, 200, false)}})
	const writers, batches = 8, 10
	var mu sync.Mutex
	admitted, consumed := 0, 0.0
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for b := range batches {
				n, out, err := writeBatch(t, c, hashItems(t, fmt.Sprintf("w%d-b%d-", w, b), 25, 1024))
				var pte *types.ProvisionedThroughputExceededException
				if err != nil && !errors.As(err, &pte) {
					t.Error(err)
					return
				}
				mu.Lock()
				admitted += n
				if out != nil {
					consumed += aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// 2,000 writes of 1 WCU against 8 partitions of 200 WCU: whatever the interleaving, each
	// partition admits min(200, the writes routed to it).
	perPartition := make([]int, 8)
	for w := range writers {
		for b := range batches {
			for i := range 25 {
				perPartition[PartitionOf(fmt.Appendf(nil, "w%d-b%d-%d", w, b, i), 8)]++
			}
		}
	}
	want := 0
	for _, n := range perPartition {
		want += min(n, 200)
	}
	st := s.Stats()
	if admitted != want || sinkCount(t, s) != admitted ||
		st.ItemsWritten != int64(admitted) || st.WCUConsumed != consumed || consumed != float64(admitted) {
		t.Fatalf("admitted %d (want %d), sink %d, stats %+v, consumed %v", admitted, want, sinkCount(t, s), st, consumed)
	}
	if st.Requests != writers*batches || st.Operations["BatchWriteItem"] != writers*batches {
		t.Fatalf("requests %d, by operation %v", st.Requests, st.Operations)
	}
}

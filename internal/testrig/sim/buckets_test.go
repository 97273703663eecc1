package sim

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// writeAll sends items to table "tbl" in batches of 25 and returns how many were admitted.
func writeAll(t *testing.T, c *dynamodb.Client, items []map[string]types.AttributeValue) int {
	t.Helper()
	admitted := 0
	for i := 0; i < len(items); i += 25 {
		n, _, err := writeBatch(t, c, items[i:min(i+25, len(items))])
		var pte *types.ProvisionedThroughputExceededException
		var te *types.ThrottlingException
		if err != nil && !errors.As(err, &pte) && !errors.As(err, &te) {
			t.Fatal(err)
		}
		admitted += n
	}
	return admitted
}

func TestOnePartitionAdmitsOneSecondOfCapacity(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}})

	if got := writeAll(t, c, hashItems(t, "a", 2000, 1024)); got != 1000 {
		t.Fatalf("a burst of 2000 1-KB items admitted %d, want 1000 (one partition at 1000 WCU/s)", got)
	}
	clock.Advance(time.Second)
	if got := writeAll(t, c, hashItems(t, "b", 1050, 1024)); got != 1000 {
		t.Fatalf("one second later %d were admitted, want 1000", got)
	}
	if n := sinkCount(t, s); n != 2000 {
		t.Fatalf("the sink holds %d items, want 2000", n)
	}
	st := s.Stats()
	if st.WCUConsumed != 2000 || st.ItemsWritten != 2000 || st.ThrottledRequests != 42 {
		t.Fatalf("stats %+v: want 2000 WCU, 2000 items, 42 throttled requests", st)
	}

	// Refill is continuous: half a second brings 500 WCU, and a partial batch comes back in
	// UnprocessedItems with ConsumedCapacity for what was written.
	clock.Advance(500 * time.Millisecond)
	for i := range 20 {
		n, out, err := writeBatch(t, c, hashItems(t, fmt.Sprintf("c%d-", i), 25, 1024))
		if err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		if n != 25 || aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits) != 25 {
			t.Fatalf("batch %d: %d admitted, consumed %v", i, n, aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits))
		}
	}
	if _, _, err := writeBatch(t, c, hashItems(t, "d", 25, 1024)); err == nil {
		t.Fatal("the bucket should be empty after 500 WCU")
	}
}

func TestLargerItemsCostMore(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 25, false)}})

	// 1,025 bytes round up to 2 WCU: 12 fit in 25 WCU, 13 come back.
	n, out, err := writeBatch(t, c, hashItems(t, "a", 25, 1025))
	if err != nil {
		t.Fatal(err)
	}
	if n != 12 || len(out.UnprocessedItems["tbl"]) != 13 || aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits) != 24 {
		t.Fatalf("admitted %d, unprocessed %d, consumed %v; want 12, 13, 24",
			n, len(out.UnprocessedItems["tbl"]), aws.ToFloat64(out.ConsumedCapacity[0].CapacityUnits))
	}
	clock.Advance(time.Second)
	// 3,000 bytes cost 3: 8 items take 24 of 25.
	n, _, err = writeBatch(t, c, hashItems(t, "b", 10, 3000))
	if err != nil || n != 8 {
		t.Fatalf("3-KB items: admitted %d, err %v; want 8", n, err)
	}
	if got := s.Stats().WCUConsumed; got != 48 {
		t.Fatalf("WCU consumed %v, want 48", got)
	}
}

func TestHotKeyThrottlesWhileOtherPartitionsAdmit(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(4, 0, true)}})

	hot := PartitionOf([]byte("hot"), 4)
	var cold []string // partition keys on every other partition
	for i := 0; len(cold) < 25; i++ {
		k := fmt.Sprintf("cold%d", i)
		if PartitionOf([]byte(k), 4) != hot {
			cold = append(cold, k)
		}
	}

	if got := writeAll(t, c, keyItems(t, "hot", "s", 1500, 1024)); got != 1000 {
		t.Fatalf("the hot key got %d WCU through, want its partition's 1000", got)
	}
	_, _, err := writeBatch(t, c, keyItems(t, "hot", "more", 25, 1024))
	var pte *types.ProvisionedThroughputExceededException
	if !errors.As(err, &pte) || len(pte.ThrottlingReasons) == 0 || aws.ToString(pte.ThrottlingReasons[0].Reason) != reasonKeyRange {
		t.Fatalf("a batch on the exhausted hot key: %v; want ProvisionedThroughputExceededException (%s)", err, reasonKeyRange)
	}

	// A mixed batch: the cold keys go through, the hot ones come back.
	var mixed []map[string]types.AttributeValue
	for i := range 10 {
		mixed = append(mixed, itemOfSize(t, "hot", fmt.Sprintf("mixed%d", i), 1024))
	}
	for _, k := range cold[:15] {
		mixed = append(mixed, itemOfSize(t, k, "x", 1024))
	}
	n, out, err := writeBatch(t, c, mixed)
	if err != nil || n != 15 {
		t.Fatalf("mixed batch: admitted %d, err %v; want the 15 cold items", n, err)
	}
	for _, wr := range out.UnprocessedItems["tbl"] {
		if pk, ok := wr.PutRequest.Item["pk"].(*types.AttributeValueMemberS); !ok || pk.Value != "hot" {
			t.Fatalf("cold key %v came back unprocessed", wr.PutRequest.Item["pk"])
		}
	}

	// The timeline shows the hot partition at its cap.
	var hotWCU float64
	for _, x := range s.Timeline() {
		if x.Partition == hot {
			hotWCU += x.WCU
		}
	}
	if hotWCU != 1000 {
		t.Fatalf("timeline: the hot partition consumed %v WCU, want 1000", hotWCU)
	}
}

func TestPartitionOfSpreadsKeys(t *testing.T) {
	t.Parallel()
	counts := make([]int, 8)
	for i := range 16000 {
		counts[PartitionOf(fmt.Appendf(nil, "user#%d", i), 8)]++
	}
	for p, n := range counts {
		if n < 1600 || n > 2400 {
			t.Errorf("partition %d got %d of 16000 keys; want about 2000", p, n)
		}
	}
	if PartitionOf([]byte("x"), 0) != 0 || PartitionOf([]byte("x"), 1) != 0 {
		t.Error("with at most one partition every key lands on partition 0")
	}
}

func TestTableCapLimitsAllPartitions(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	cfg := sinkTableConfig(4, 0, false)
	cfg.TableWCU = 1500
	s, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": cfg}})

	if got := writeAll(t, c, hashItems(t, "k", 2500, 1000)); got != 1500 {
		t.Fatalf("admitted %d WCU over four partitions, want the table cap of 1500", got)
	}
	if n := sinkCount(t, s); n != 1500 {
		t.Fatalf("the sink holds %d items, want 1500", n)
	}
	_, _, err := writeBatch(t, c, hashItems(t, "z", 25, 100))
	var pte *types.ProvisionedThroughputExceededException
	if !errors.As(err, &pte) || aws.ToString(pte.ThrottlingReasons[0].Reason) != reasonProvisioned {
		t.Fatalf("got %v; want ProvisionedThroughputExceededException (%s)", err, reasonProvisioned)
	}
}

func TestBurstKeepsUnusedCapacity(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	cfg := sinkTableConfig(1, 2, false)
	cfg.Burst = true
	_, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": cfg}})

	clock.Advance(10 * time.Second)
	if got := writeAll(t, c, hashItems(t, "a", 50, 1024)); got != 22 {
		t.Fatalf("after 10 idle seconds admitted %d, want 22 (1 s to start with + 10 s saved, at 2 WCU/s)", got)
	}
	clock.Advance(time.Hour)
	if got := writeAll(t, c, hashItems(t, "b", 650, 1024)); got != 600 {
		t.Fatalf("after an idle hour admitted %d, want 600 (300 s of 2 WCU/s)", got)
	}
}

func TestWithoutBurstIdleTimeIsLost(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	_, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 10, false)}})
	clock.Advance(time.Minute)
	if got := writeAll(t, c, hashItems(t, "a", 100, 1024)); got != 10 {
		t.Fatalf("admitted %d, want 10: without burst a bucket holds one second", got)
	}
}

func TestOversizedWriteIsSlowedNotStarved(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	_, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 5, false)}})
	big := hashItems(t, "big", 1, 10*1024) // 10 WCU through a 5-WCU bucket
	if n, _, err := writeBatch(t, c, big); err != nil || n != 1 {
		t.Fatalf("a full bucket must admit an item larger than its capacity: %d, %v", n, err)
	}
	clock.Advance(time.Second) // back to 0 tokens: still in debt
	if _, _, err := writeBatch(t, c, hashItems(t, "small", 1, 100)); err == nil {
		t.Fatal("the bucket should still be in debt")
	}
	clock.Advance(time.Second)
	if n, _, err := writeBatch(t, c, hashItems(t, "small", 1, 100)); err != nil || n != 1 {
		t.Fatalf("after the debt is repaid: %d, %v", n, err)
	}
}

func TestDerivePartitions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rcu, wcu float64
		want     int
	}{
		{0, 0, 1},
		{7500, 4000, 7}, // 7,500/3,000 + 4,000/1,000 rounds up to 7
		{3000, 1000, 2},
		{2100, 300, 1}, // 0.7 + 0.3: float noise must not add a partition
		{0, 1001, 2},
	} {
		if got := DerivePartitions(tc.rcu, tc.wcu, DefaultPartitionRCU, DefaultPartitionWCU); got != tc.want {
			t.Errorf("DerivePartitions(%v RCU, %v WCU) = %d, want %d", tc.rcu, tc.wcu, got, tc.want)
		}
	}
	if got := withDefaults(TableConfig{TableRCU: 7500, TableWCU: 4000}).Partitions; got != 7 {
		t.Errorf("a table config without Partitions derives %d, want 7", got)
	}
}

package sim

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// TestForwardingToDynalite runs the simulator in front of a real dynalite: tables are created
// and described through it, a throttled load retried by the test lands completely, and a Scan
// through it reads back exactly what was written.
func TestForwardingToDynalite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := devstack.StartDynalite(ctx, devstack.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()

	clock := newFakeClock()
	// One partition at 100 WCU/s: 500 1-WCU items need five simulated seconds.
	s, c := startSim(t, Config{Backend: d.Endpoint, Now: clock.Now,
		Tables: map[string]TableConfig{"loadtest": {Partitions: 1, PartitionWCU: 100}}})
	if err := devstack.CreateTable(ctx, c, devstack.HashOnly("loadtest")); err != nil {
		t.Fatal(err)
	}

	var pending []types.WriteRequest
	for i := range 500 {
		pending = append(pending, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
			"pk": str(fmt.Sprintf("item-%03d", i)), "n": &types.AttributeValueMemberN{Value: fmt.Sprint(i)}}}})
	}
	throttles, unprocessed := 0, 0
	for len(pending) > 0 {
		batch := pending[:min(25, len(pending))]
		pending = pending[len(batch):]
		out, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"loadtest": batch}})
		var pte *types.ProvisionedThroughputExceededException
		switch {
		case errors.As(err, &pte):
			throttles++
			pending = append(pending, batch...)
			clock.Advance(time.Second)
		case err != nil:
			t.Fatal(err)
		case len(out.UnprocessedItems["loadtest"]) > 0:
			unprocessed += len(out.UnprocessedItems["loadtest"])
			pending = append(pending, out.UnprocessedItems["loadtest"]...)
			clock.Advance(time.Second)
		}
	}
	if throttles+unprocessed == 0 {
		t.Fatal("a 100 WCU/s partition never pushed back on 500 writes")
	}

	seen := scanAll(t, c, &dynamodb.ScanInput{TableName: aws.String("loadtest"), Limit: aws.Int32(70)})
	if len(seen) != 500 {
		t.Fatalf("a Scan through the simulator returned %d items, want 500", len(seen))
	}
	for i := range 500 {
		if seen[fmt.Sprintf("item-%03d", i)] != 1 {
			t.Fatalf("item-%03d seen %d times", i, seen[fmt.Sprintf("item-%03d", i)])
		}
	}
	// And straight from dynalite, bypassing the simulator.
	direct, err := newClient(d.Endpoint).Scan(ctx, &dynamodb.ScanInput{TableName: aws.String("loadtest"), Select: types.SelectCount})
	if err != nil || direct.Count != 500 {
		t.Fatalf("dynalite holds %d items (%v), want 500", direct.Count, err)
	}
	st := s.Stats()
	if st.ItemsWritten != 500 || st.WCUConsumed != 500 {
		t.Fatalf("stats %+v: want 500 items and 500 WCU", st)
	}
	// Per-partition timeline: never above 100 WCU in a second.
	for _, x := range s.Timeline() {
		if x.WCU > 100 {
			t.Fatalf("second %d: %v WCU through a 100 WCU/s partition", x.Second, x.WCU)
		}
	}

	// Warm throughput on a dynalite table: the simulator keeps it and adds it to descriptions.
	if r, w, st := warmOf(describe(t, c, "loadtest")); st != "ACTIVE" || w != 100 || r != 3000 {
		t.Fatalf("initial warm throughput %d/%d %s", r, w, st)
	}
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("loadtest"),
		WarmThroughput: &types.WarmThroughput{WriteUnitsPerSecond: aws.Int64(2000)}}); err != nil {
		t.Fatal(err)
	}
	if _, w, st := warmOf(describe(t, c, "loadtest")); st != "UPDATING" || w != 2000 {
		t.Fatalf("after UpdateTable: %d %s", w, st)
	}
	clock.Advance(2 * time.Second)
	if _, _, st := warmOf(describe(t, c, "loadtest")); st != "ACTIVE" {
		t.Fatalf("after the delay: %s", st)
	}
	// Other UpdateTable settings still reach dynalite.
	if _, err := c.UpdateTable(ctx, &dynamodb.UpdateTableInput{TableName: aws.String("loadtest"),
		ProvisionedThroughput: &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(9), WriteCapacityUnits: aws.Int64(9)}}); err != nil {
		t.Fatal(err)
	}
	if err := devstack.DeleteTable(ctx, c, "loadtest"); err != nil {
		t.Fatal(err)
	}
}

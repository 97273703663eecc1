package write

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// TestDynalite writes 1,000 items to a real (local) DynamoDB, then deletes every tenth and adds
// 50 in mixed batches, and checks the table holds exactly the expected items.
func TestDynalite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	d, err := devstack.StartDynalite(ctx, devstack.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	c := d.Client()
	const table = "write_it"
	if err := devstack.CreateTable(ctx, c, devstack.HashOnly(table)); err != nil {
		t.Fatal(err)
	}

	item := func(i int) record.Item {
		it := record.Item{
			"pk":   &types.AttributeValueMemberS{Value: key(i)},
			"n":    &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
			"tags": &types.AttributeValueMemberSS{Value: []string{"a", "b"}},
		}
		if i%3 == 0 { // some items span two write units
			it["pad"] = &types.AttributeValueMemberS{Value: strings.Repeat("x", 1500)}
		}
		return it
	}
	put := func(i int) Request {
		it := item(i)
		return Request{Put: it, WCU: ddbitem.ItemWriteUnits(it), Pos: record.Position{File: "data.jsonl", Line: i + 1}, Seq: uint64(i)}
	}
	run := func(reqs []Request) Stats {
		t.Helper()
		var batches []Batch
		for i := 0; i < len(reqs); i += 25 {
			batches = append(batches, Batch(reqs[i:min(i+25, len(reqs))]))
		}
		a := newAcks()
		st, err := Run(ctx, c, feed(batches), Options{Table: table, Concurrency: 8, OnAck: a.OnAck})
		if err != nil {
			t.Fatal(err)
		}
		a.mu.Lock()
		defer a.mu.Unlock()
		if len(a.seqs) != len(reqs) {
			t.Errorf("%d requests acknowledged, want %d", len(a.seqs), len(reqs))
		}
		return st
	}

	var first []Request
	var wcu int64
	for i := range 1000 {
		first = append(first, put(i))
		wcu += first[i].WCU
	}
	st := run(first)
	if st.Requests != 1000 || st.Written != 1000 || st.Batches != 40 || st.WCUEstimated != wcu || st.WCUConsumed != float64(wcu) {
		t.Errorf("first load stats %+v, want 1000 puts in 40 calls, %d WCU estimated and consumed", st, wcu)
	}

	want := map[string]int{}
	for i := range 1000 {
		want[key(i)] = i
	}
	var second []Request
	for i := 0; i < 1000; i += 10 {
		second = append(second, Request{Delete: record.Item{"pk": &types.AttributeValueMemberS{Value: key(i)}}, WCU: 1, Seq: uint64(len(second))})
		delete(want, key(i))
		if i%20 == 0 {
			r := put(1000 + i/20)
			r.Seq = uint64(len(second))
			second = append(second, r)
			want[key(1000+i/20)] = 1000 + i/20
		}
	}
	st = run(second)
	if st.Written != 50 || st.Deleted != 100 {
		t.Errorf("second load stats %+v, want 50 puts and 100 deletes", st)
	}

	got := map[string]record.Item{}
	pages := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{TableName: aws.String(table)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			got[pkOf(it)] = it
		}
	}
	if len(got) != len(want) || len(want) != 950 {
		t.Errorf("table holds %d items, want %d", len(got), len(want))
	}
	for k, i := range want {
		if it, ok := got[k]; !ok || !sameItem(it, item(i)) {
			t.Errorf("item %s = %v, want %v", k, it, item(i))
		}
	}
}

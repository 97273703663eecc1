package write

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

const testTable = "t"

// fakeClock is shared fake time: Sleep returns at once and moves the clock by d.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	slept  time.Duration
	sleeps int
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	c.slept += d
	c.sleeps++
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept
}

// reply scripts one call: the indexes of requests to return unprocessed, or an error.
type reply func(ctx context.Context, call int, reqs []types.WriteRequest) (unprocessed []int, err error)

// fakeAPI is an in-memory table keyed by "pk" behind BatchWriteItem.
type fakeAPI struct {
	reply reply
	// consumedRatio scales the reported ConsumedCapacity against the processed items' WCU;
	// 0 means 1.
	consumedRatio float64
	onCall        func() // called at the start of each call, e.g. to advance a fake clock

	inflight atomic.Int64
	mu       sync.Mutex
	calls    int
	withUnp  int // calls that returned UnprocessedItems
	unpItems int // requests returned unprocessed
	table    map[string]record.Item
	writes   map[string]int // pk -> processed writes (puts and deletes)
	attempts map[string]int // first pk of a call -> calls seen with that first pk
}

func newFakeAPI(r reply) *fakeAPI {
	return &fakeAPI{reply: r, table: map[string]record.Item{}, writes: map[string]int{}, attempts: map[string]int{}}
}

func (f *fakeAPI) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	f.inflight.Add(1)
	defer f.inflight.Add(-1)
	if f.onCall != nil {
		f.onCall()
	}
	reqs := in.RequestItems[testTable]
	if len(in.RequestItems) != 1 || len(reqs) == 0 || len(reqs) > 25 || in.ReturnConsumedCapacity != types.ReturnConsumedCapacityTotal {
		return nil, fmt.Errorf("fake: malformed input: %d tables, %d requests, %q", len(in.RequestItems), len(reqs), in.ReturnConsumedCapacity)
	}
	f.mu.Lock()
	f.calls++
	call := f.calls
	f.mu.Unlock()

	var unp []int
	if f.reply != nil {
		var err error
		if unp, err = f.reply(ctx, call, reqs); err != nil {
			return nil, err
		}
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	skip := map[int]bool{}
	out := &dynamodb.BatchWriteItemOutput{}
	if len(unp) > 0 {
		// Echo copies with DynamoDB's canonical numbers and reordered sets, as a real server
		// may: the pool must still match them to its requests.
		echoed := make([]types.WriteRequest, 0, len(unp))
		for _, i := range unp {
			skip[i] = true
			echoed = append(echoed, echo(reqs[i]))
		}
		out.UnprocessedItems = map[string][]types.WriteRequest{testTable: echoed}
		f.withUnp++
		f.unpItems += len(unp)
	}
	var wcu int64
	for i, w := range reqs {
		if skip[i] {
			continue
		}
		if w.PutRequest != nil {
			pk := pkOf(w.PutRequest.Item)
			f.table[pk] = w.PutRequest.Item
			f.writes[pk]++
			wcu += ddbitem.ItemWriteUnits(w.PutRequest.Item)
		} else {
			pk := pkOf(w.DeleteRequest.Key)
			delete(f.table, pk)
			f.writes[pk]++
			wcu++
		}
	}
	ratio := f.consumedRatio
	if ratio == 0 {
		ratio = 1
	}
	units := float64(wcu) * ratio
	out.ConsumedCapacity = []types.ConsumedCapacity{{TableName: new(testTable), CapacityUnits: &units}}
	return out, nil
}

func (f *fakeAPI) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// attempt counts calls whose first request is reqs[0], 0 for the first.
func (f *fakeAPI) attempt(reqs []types.WriteRequest) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	pk := pkOfWrite(reqs[0])
	n := f.attempts[pk]
	f.attempts[pk]++
	return n
}

func echo(w types.WriteRequest) types.WriteRequest {
	if w.DeleteRequest != nil {
		return types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: maps.Clone(w.DeleteRequest.Key)}}
	}
	item := maps.Clone(w.PutRequest.Item)
	if n, ok := item["n"].(*types.AttributeValueMemberN); ok {
		item["n"] = &types.AttributeValueMemberN{Value: canonical(n.Value)}
	}
	if ss, ok := item["tags"].(*types.AttributeValueMemberSS); ok {
		rev := slices.Clone(ss.Value)
		slices.Reverse(rev)
		item["tags"] = &types.AttributeValueMemberSS{Value: rev}
	}
	return types.WriteRequest{PutRequest: &types.PutRequest{Item: item}}
}

func pkOf(item record.Item) string {
	if s, ok := item["pk"].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}

func pkOfWrite(w types.WriteRequest) string {
	if w.PutRequest != nil {
		return pkOf(w.PutRequest.Item)
	}
	return pkOf(w.DeleteRequest.Key)
}

func key(i int) string { return fmt.Sprintf("k%05d", i) }

// putItem is item i: a key, a number DynamoDB would normalise and a string set.
func putItem(i int) record.Item {
	return record.Item{
		"pk":   &types.AttributeValueMemberS{Value: key(i)},
		"n":    &types.AttributeValueMemberN{Value: fmt.Sprintf("%d.50", i)},
		"tags": &types.AttributeValueMemberSS{Value: []string{"a", "b", "c"}},
	}
}

// makeBatches returns n puts in batches of size, positioned at data.jsonl lines 1..n.
func makeBatches(n, size int) []Batch {
	var out []Batch
	for i := 0; i < n; i += size {
		var b Batch
		for j := i; j < min(i+size, n); j++ {
			item := putItem(j)
			b = append(b, Request{Put: item, Pos: record.Position{File: "data.jsonl", Line: j + 1}, WCU: ddbitem.ItemWriteUnits(item), Seq: uint64(j)})
		}
		out = append(out, b)
	}
	return out
}

// feed returns a closed channel holding the batches.
func feed(bs []Batch) chan Batch {
	ch := make(chan Batch, len(bs))
	for _, b := range bs {
		ch <- b
	}
	close(ch)
	return ch
}

// acks records OnAck calls.
type acks struct {
	mu   sync.Mutex
	seqs map[uint64]int
}

func newAcks() *acks { return &acks{seqs: map[uint64]int{}} }

func (a *acks) OnAck(reqs []Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range reqs {
		a.seqs[r.Seq]++
	}
}

// exactlyOnce fails unless sequence numbers 0..n-1 were each acknowledged once.
func (a *acks) exactlyOnce(t *testing.T, n int) {
	t.Helper()
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.seqs) != n {
		t.Errorf("%d distinct requests acknowledged, want %d", len(a.seqs), n)
	}
	for seq, c := range a.seqs {
		if c != 1 || seq >= uint64(n) {
			t.Errorf("request %d acknowledged %d times", seq, c)
		}
	}
}

func (a *acks) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.seqs)
}

// sdkErr wraps a service error the way the SDK returns it from an operation.
func sdkErr(status int, err error) error {
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "BatchWriteItem", Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
		RequestID:     "req-1",
	}}
}

func apiErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: "injected " + code}
}

// testOptions are options on fake time with a seeded jitter source. One fake clock serialises
// the sleeps of parallel workers (four workers sleeping 1s move it 4s), so tests that are not
// about the no-progress timeout set it out of reach.
func testOptions(clk *fakeClock) Options {
	return Options{Table: testTable, Now: clk.Now, Sleep: clk.Sleep, Rand: newPCG(1), NoProgressTimeout: 1000 * time.Hour}
}

func newPCG(seed uint64) *rand.PCG { return rand.NewPCG(seed, seed*7+3) }

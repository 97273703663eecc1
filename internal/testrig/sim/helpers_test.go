package sim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// startSim serves cfg on 127.0.0.1 and returns the simulator and an SDK client that makes
// exactly one attempt per call, so tests see every answer.
func startSim(t *testing.T, cfg Config) (*Sim, *dynamodb.Client) {
	t.Helper()
	s, endpoint, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, newClient(endpoint)
}

func newClient(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Transport: ownBody{http.DefaultTransport}},
	})
}

// ownBody gives the transport its own copy of each request body. Without it the SDK client
// sometimes fails a 200 answer with "use of closed network connection" (aws-sdk-go-v2 #1825,
// #2737): when a fast local server answers before the transport's write loop has finished
// with the SDK's body stream, the write loop closes the connection the answer is being read
// from. The SDK's standard retryer retries that; these one-attempt test clients must not hit it.
type ownBody struct{ rt http.RoundTripper }

func (o ownBody) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return o.rt.RoundTrip(r)
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	if err != nil {
		return nil, err
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return o.rt.RoundTrip(r)
}

// sinkTableConfig is a sink table keyed by "pk" (and "sk" when hashRange), with P partitions
// of partitionWCU each.
func sinkTableConfig(p int, partitionWCU float64, hashRange bool) TableConfig {
	c := TableConfig{Partitions: p, PartitionWCU: partitionWCU, PartitionKey: "pk"}
	if hashRange {
		c.SortKey = "sk"
	}
	return c
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// itemOfSize is an item of exactly size bytes by ddbitem.Size; sk is omitted when "".
func itemOfSize(t *testing.T, pk, sk string, size int) map[string]types.AttributeValue {
	t.Helper()
	it := map[string]types.AttributeValue{"pk": str(pk)}
	if sk != "" {
		it["sk"] = str(sk)
	}
	pad := size - ddbitem.Size(it) - len("pad")
	if pad < 0 {
		t.Fatalf("an item of %d bytes cannot hold key %q/%q", size, pk, sk)
	}
	it["pad"] = str(strings.Repeat("x", pad))
	if got := ddbitem.Size(it); got != size {
		t.Fatalf("item size %d, want %d", got, size)
	}
	return it
}

func puts(items []map[string]types.AttributeValue) []types.WriteRequest {
	out := make([]types.WriteRequest, len(items))
	for i, it := range items {
		out[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: it}}
	}
	return out
}

// writeBatch sends one BatchWriteItem to table "tbl" and returns the number of requests admitted
// (0 after a throttling exception) and the error, if any.
func writeBatch(t *testing.T, c *dynamodb.Client, items []map[string]types.AttributeValue) (int, *dynamodb.BatchWriteItemOutput, error) {
	t.Helper()
	out, err := c.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{
		RequestItems:           map[string][]types.WriteRequest{"tbl": puts(items)},
		ReturnConsumedCapacity: types.ReturnConsumedCapacityTotal,
	})
	if err != nil {
		return 0, nil, err
	}
	return len(items) - len(out.UnprocessedItems["tbl"]), out, nil
}

// keyItems makes n items of size bytes under partition key pk with sort keys prefix0..n-1.
func keyItems(t *testing.T, pk, prefix string, n, size int) []map[string]types.AttributeValue {
	t.Helper()
	out := make([]map[string]types.AttributeValue, n)
	for i := range out {
		out[i] = itemOfSize(t, pk, fmt.Sprintf("%s%d", prefix, i), size)
	}
	return out
}

// hashItems makes n items of size bytes with partition keys prefix0..n-1 (hash-only tables).
func hashItems(t *testing.T, prefix string, n, size int) []map[string]types.AttributeValue {
	t.Helper()
	out := make([]map[string]types.AttributeValue, n)
	for i := range out {
		out[i] = itemOfSize(t, fmt.Sprintf("%s%d", prefix, i), "", size)
	}
	return out
}

// sinkCount is how many items the in-memory sink holds in table "tbl".
func sinkCount(t *testing.T, s *Sim) int {
	t.Helper()
	sk, ok := s.backend.(*sink)
	if !ok {
		t.Fatal("the simulator has no in-memory sink")
	}
	sk.mu.RLock()
	defer sk.mu.RUnlock()
	return len(sk.tables["tbl"].items)
}

// partitions is the current partition count of a table.
func partitions(s *Sim, table string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tableLocked(table, s.now()).parts)
}

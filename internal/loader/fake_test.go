package loader

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// sink is an in-memory table behind a fake BatchWriteItem. It can fail calls (fail returns a
// non-nil error for call n) and hold back items (unprocessed reports whether to return a
// request unprocessed).
type sink struct {
	schema keys.Schema

	mu          sync.Mutex
	items       map[string]record.Item // by key ID
	puts        map[string]int         // writes per key ID
	calls       int
	fail        func(call int) error
	unprocessed func(call, i int) bool
	afterCall   func(call int)
	// failApplied, if it returns an error for call n, fails that call after applying its
	// writes: a call DynamoDB carried out whose answer the client never got.
	failApplied func(call int) error
}

func newSink(s keys.Schema) *sink {
	return &sink{schema: s, items: map[string]record.Item{}, puts: map[string]int{}}
}

func (s *sink) BatchWriteItem(_ context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	s.mu.Lock()
	s.calls++
	call := s.calls
	after := s.afterCall
	defer func() {
		if after != nil {
			after(call)
		}
	}()
	defer s.mu.Unlock()
	if s.fail != nil {
		if err := s.fail(call); err != nil {
			return nil, err
		}
	}
	out := &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{}}
	for table, reqs := range in.RequestItems {
		for i, r := range reqs {
			if s.unprocessed != nil && s.unprocessed(call, i) {
				out.UnprocessedItems[table] = append(out.UnprocessedItems[table], r)
				continue
			}
			switch {
			case r.PutRequest != nil:
				id := s.schema.Key(r.PutRequest.Item).ID()
				s.items[id] = r.PutRequest.Item
				s.puts[id]++
			case r.DeleteRequest != nil:
				delete(s.items, s.schema.Key(r.DeleteRequest.Key).ID())
			}
		}
	}
	if s.failApplied != nil {
		if err := s.failApplied(call); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *sink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}

// contents returns the canonical encodings of the stored items, sorted.
func (s *sink) contents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, it := range s.items {
		out = append(out, string(CanonicalBytes(it)))
	}
	sort.Strings(out)
	return out
}

func canonicalSet(items []record.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, string(CanonicalBytes(it)))
	}
	sort.Strings(out)
	return out
}

func writeFile(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

func hashRange() keys.Schema {
	return keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "N"}}
}

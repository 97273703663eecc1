package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// sink is the in-memory backend: tables with simple key schemas, enough operations for a
// loader to write and a test to read everything back (CreateTable, DeleteTable,
// DescribeTable, ListTables, PutItem, GetItem, DeleteItem, BatchGetItem, Scan, and
// BatchWriteItem through the simulator). Secondary indexes are described but not
// maintained. Anything else is refused with a message that says so, never ignored.
type sink struct {
	now func() time.Time

	mu     sync.RWMutex
	tables map[string]*sinkTable
}

type sinkTable struct {
	desc  tableDescription
	meta  *tableMeta
	items map[string]sinkItem // by key string
	order []string            // keys sorted, for Scan paging; nil when stale
	bytes int64
}

// sinkItem is a stored item: its DynamoDB JSON, decoded only when read. Bytes rather than item
// maps keep a large table cheap to hold and to scan for the garbage collector.
type sinkItem struct {
	raw  []byte
	size int
}

func (it sinkItem) item() item { return decodeItem(it.raw) }

// newSink creates the sink with a table for each configured table that names its key.
func newSink(now func() time.Time, tables map[string]TableConfig) (*sink, error) {
	s := &sink{now: now, tables: map[string]*sinkTable{}}
	for name, c := range tables {
		if c.PartitionKey == "" || name == "*" {
			continue
		}
		in := createTableInput{TableName: name, BillingMode: "PROVISIONED"}
		addKey := func(attr, typ, keyType string) {
			if typ == "" {
				typ = "S"
			}
			in.KeySchema = append(in.KeySchema, keySchemaElement{attr, keyType})
			in.AttributeDefinitions = append(in.AttributeDefinitions, attributeDefinition{attr, typ})
		}
		addKey(c.PartitionKey, c.PartitionKeyType, "HASH")
		if c.SortKey != "" {
			addKey(c.SortKey, c.SortKeyType, "RANGE")
		}
		if c.OnDemand {
			in.BillingMode = "PAY_PER_REQUEST"
		} else {
			in.ProvisionedThroughput = &throughput{ReadCapacityUnits: int64(c.TableRCU), WriteCapacityUnits: int64(c.TableWCU)}
		}
		if _, err := s.createTable(&in); err != nil {
			return nil, fmt.Errorf("sim: table %q: %w", name, err)
		}
	}
	return s, nil
}

func (s *sink) call(_ *http.Request, op string, body []byte) (*response, error) {
	var out any
	var err error
	switch op {
	case "CreateTable":
		out, err = s.handleCreateTable(body)
	case "DeleteTable":
		out, err = s.deleteTable(body)
	case "DescribeTable":
		out, err = s.describeTable(body)
	case "ListTables":
		out, err = s.listTables(body)
	case "PutItem":
		out, err = s.putItem(body)
	case "GetItem":
		out, err = s.getItem(body)
	case "DeleteItem":
		out, err = s.deleteItem(body)
	case "BatchGetItem":
		out, err = s.batchGetItem(body)
	case "Scan":
		out, err = s.scan(body)
	default:
		err = &apiError{status: http.StatusBadRequest, typ: nsService + "UnknownOperationException",
			msg: "the simulator's in-memory sink does not implement " + op + "; use a Backend"}
	}
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	return &response{status: http.StatusOK, body: b}, nil
}

func (s *sink) meta(_ *http.Request, table string) (*tableMeta, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tables[table]
	if !ok {
		return nil, notFoundError(table)
	}
	return t.meta, nil
}

func (s *sink) forget(string) {}
func (s *sink) close()        {}

// batchWrite applies admitted puts and deletes; the sink never leaves any unprocessed.
func (s *sink) batchWrite(_ *http.Request, writes []tableWrites, _ string) (*batchResult, error) {
	// The batch's items go into one allocation: the sink does not hold on to request bodies.
	n := 0
	for _, tw := range writes {
		for _, wr := range tw.reqs {
			if wr.put {
				n += len(wr.raw)
			}
		}
	}
	arena := make([]byte, 0, n)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tw := range writes {
		t, ok := s.tables[tw.table]
		if !ok {
			return nil, notFoundError(tw.table)
		}
		for _, wr := range tw.reqs {
			if wr.put {
				start := len(arena)
				arena = append(arena, wr.itemJSON()...)
				t.put(wr.key, sinkItem{raw: arena[start:len(arena):len(arena)], size: wr.size})
			} else {
				t.remove(wr.key)
			}
		}
	}
	return &batchResult{}, nil
}

func (t *sinkTable) put(key string, it sinkItem) (sinkItem, bool) {
	old, existed := t.items[key]
	if existed {
		t.bytes -= int64(old.size)
	} else {
		t.order = nil
	}
	t.items[key] = it
	t.bytes += int64(it.size)
	return old, existed
}

func (t *sinkTable) remove(key string) (sinkItem, bool) {
	old, existed := t.items[key]
	if existed {
		delete(t.items, key)
		t.bytes -= int64(old.size)
		t.order = nil
	}
	return old, existed
}

// sorted returns the keys in scan order, rebuilding the index after inserts or deletes.
func (t *sinkTable) sorted() []string {
	if t.order == nil {
		t.order = make([]string, 0, len(t.items))
		for k := range t.items {
			t.order = append(t.order, k)
		}
		slices.Sort(t.order)
	}
	return t.order
}

// keyAttrs is the key of an item, as LastEvaluatedKey carries it.
func (t *sinkTable) keyAttrs(it sinkItem) item {
	attrs := it.item()
	k := item{t.meta.pk: attrs[t.meta.pk]}
	if t.meta.sk != "" {
		k[t.meta.sk] = attrs[t.meta.sk]
	}
	return k
}

// table returns a table or the ResourceNotFoundException. s.mu must be held.
func (s *sink) table(name string) (*sinkTable, error) {
	t, ok := s.tables[name]
	if !ok {
		return nil, notFoundError(name)
	}
	return t, nil
}

// itemFrom validates an item for a table and returns its key string.
func itemFrom(t *sinkTable, attrs item) (string, sinkItem, error) {
	if err := attrs.check(); err != nil {
		return "", sinkItem{}, validationError("One or more parameter values were invalid: %v", err)
	}
	size := attrs.size()
	if size > ddbitem.MaxItemBytes {
		return "", sinkItem{}, validationError("Item size has exceeded the maximum allowed size")
	}
	_, key, err := t.meta.keyOf(attrs, false)
	if err != nil {
		return "", sinkItem{}, err
	}
	return key, sinkItem{raw: attrs.appendJSON(nil), size: size}, nil
}

package sim

import (
	"encoding/json"
	"hash/fnv"
	"sort"
)

// Item operations of the in-memory sink.

// DynamoDB's page limits.
const (
	scanPageBytes      = 1 << 20  // a Scan page stops after 1 MB of items
	batchGetMaxKeys    = 100      // keys per BatchGetItem
	batchGetMaxRespond = 16 << 20 // bytes per BatchGetItem answer; the rest is unprocessed
)

func checkReturnValues(rv string) error {
	if rv != "" && rv != "NONE" && rv != "ALL_OLD" {
		return validationError("the simulator's in-memory sink supports ReturnValues NONE and ALL_OLD only, got %s", rv)
	}
	return nil
}

func (s *sink) putItem(body []byte) (any, error) {
	var in struct {
		TableName    string
		Item         item
		ReturnValues string
	}
	if err := decodeStrict(body, "PutItem", []string{"TableName", "Item", "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics"}, &in); err != nil {
		return nil, err
	}
	if err := checkReturnValues(in.ReturnValues); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.table(in.TableName)
	if err != nil {
		return nil, err
	}
	key, it, err := itemFrom(t, in.Item)
	if err != nil {
		return nil, err
	}
	old, existed := t.put(key, it)
	if existed && in.ReturnValues == "ALL_OLD" {
		return map[string]any{"Attributes": old.item()}, nil
	}
	return map[string]any{}, nil
}

func (s *sink) getItem(body []byte) (any, error) {
	var in struct {
		TableName string
		Key       item
	}
	if err := decodeStrict(body, "GetItem", []string{"TableName", "Key", "ConsistentRead", "ReturnConsumedCapacity"}, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.table(in.TableName)
	if err != nil {
		return nil, err
	}
	_, key, err := t.meta.keyOf(in.Key, true)
	if err != nil {
		return nil, err
	}
	if it, ok := t.items[key]; ok {
		return map[string]any{"Item": it.item()}, nil
	}
	return map[string]any{}, nil
}

func (s *sink) deleteItem(body []byte) (any, error) {
	var in struct {
		TableName    string
		Key          item
		ReturnValues string
	}
	if err := decodeStrict(body, "DeleteItem", []string{"TableName", "Key", "ReturnValues", "ReturnConsumedCapacity", "ReturnItemCollectionMetrics"}, &in); err != nil {
		return nil, err
	}
	if err := checkReturnValues(in.ReturnValues); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.table(in.TableName)
	if err != nil {
		return nil, err
	}
	_, key, err := t.meta.keyOf(in.Key, true)
	if err != nil {
		return nil, err
	}
	old, existed := t.remove(key)
	if existed && in.ReturnValues == "ALL_OLD" {
		return map[string]any{"Attributes": old.item()}, nil
	}
	return map[string]any{}, nil
}

func (s *sink) batchGetItem(body []byte) (any, error) {
	var in struct{ RequestItems map[string]json.RawMessage }
	if err := decodeStrict(body, "BatchGetItem", []string{"RequestItems", "ReturnConsumedCapacity"}, &in); err != nil {
		return nil, err
	}
	type keysAndAttributes struct {
		Keys           []item
		ConsistentRead bool
	}
	reqs := map[string]*keysAndAttributes{}
	n := 0
	for table, raw := range in.RequestItems {
		var ka keysAndAttributes
		if err := decodeStrict(raw, "BatchGetItem", []string{"Keys", "ConsistentRead"}, &ka); err != nil {
			return nil, err
		}
		reqs[table] = &ka
		n += len(ka.Keys)
	}
	if n == 0 || n > batchGetMaxKeys {
		return nil, validationError("Too many items requested for the BatchGetItem call: between 1 and %d keys are allowed, got %d", batchGetMaxKeys, n)
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	responses := map[string][]item{}
	unprocessed := map[string]*keysAndAttributes{}
	bytes := 0
	for table, ka := range reqs {
		t, err := s.table(table)
		if err != nil {
			return nil, err
		}
		responses[table] = []item{}
		seen := map[string]bool{}
		for _, k := range ka.Keys {
			_, key, err := t.meta.keyOf(k, true)
			if err != nil {
				return nil, err
			}
			if seen[key] {
				return nil, validationError("Provided list of item keys contains duplicates")
			}
			seen[key] = true
			if bytes >= batchGetMaxRespond {
				if unprocessed[table] == nil {
					unprocessed[table] = &keysAndAttributes{ConsistentRead: ka.ConsistentRead}
				}
				unprocessed[table].Keys = append(unprocessed[table].Keys, k)
				continue
			}
			if it, ok := t.items[key]; ok {
				responses[table] = append(responses[table], it.item())
				bytes += it.size
			}
		}
	}
	return map[string]any{"Responses": responses, "UnprocessedKeys": unprocessed}, nil
}

func (s *sink) scan(body []byte) (any, error) {
	var in struct {
		TableName         string
		Limit             *int
		ExclusiveStartKey item
		Select            string
		Segment           *int
		TotalSegments     *int
	}
	if err := decodeStrict(body, "Scan", []string{"TableName", "Limit", "ExclusiveStartKey", "Select",
		"Segment", "TotalSegments", "ConsistentRead", "ReturnConsumedCapacity"}, &in); err != nil {
		return nil, err
	}
	if in.Select != "" && in.Select != "ALL_ATTRIBUTES" && in.Select != "COUNT" {
		return nil, validationError("the simulator's in-memory sink supports Select ALL_ATTRIBUTES and COUNT only, got %s", in.Select)
	}
	if in.Limit != nil && *in.Limit < 1 {
		return nil, validationError("Limit must be at least 1")
	}
	segment, segments := 0, 1
	if (in.Segment == nil) != (in.TotalSegments == nil) {
		return nil, validationError("Segment and TotalSegments must be given together")
	}
	if in.Segment != nil {
		segment, segments = *in.Segment, *in.TotalSegments
		if segments < 1 || segments > 1_000_000 || segment < 0 || segment >= segments {
			return nil, validationError("Segment must be within [0, TotalSegments) and TotalSegments within [1, 1000000]")
		}
	}

	// Lock, not RLock: the first Scan after writes rebuilds the key order.
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.table(in.TableName)
	if err != nil {
		return nil, err
	}
	keys := t.sorted()
	start := 0
	if in.ExclusiveStartKey != nil {
		_, k, err := t.meta.keyOf(in.ExclusiveStartKey, true)
		if err != nil {
			return nil, err
		}
		start = sort.SearchStrings(keys, k)
		if start < len(keys) && keys[start] == k {
			start++
		}
	}
	items := []item{}
	count, scanned, bytes, i, last := 0, 0, 0, start, -1
	for ; i < len(keys); i++ {
		if (in.Limit != nil && scanned >= *in.Limit) || bytes >= scanPageBytes {
			break
		}
		if segments > 1 && segmentOf(keys[i], segments) != segment {
			continue
		}
		it := t.items[keys[i]]
		scanned++
		bytes += it.size
		count++
		if in.Select != "COUNT" {
			items = append(items, it.item()) // decoded only when returned
		}
		last = i
	}
	out := map[string]any{"Count": count, "ScannedCount": scanned}
	if in.Select != "COUNT" {
		out["Items"] = items
	}
	if i < len(keys) && last >= 0 {
		out["LastEvaluatedKey"] = t.keyAttrs(t.items[keys[last]])
	}
	return out, nil
}

// segmentOf spreads keys over a parallel scan's segments.
func segmentOf(key string, segments int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(key))
	return int(h.Sum32() % uint32(segments))
}

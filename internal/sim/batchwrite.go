package sim

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// BatchWriteItem, capacity-modelled (FACTS.md, "BatchWriteItem" and "Capacity unit math"):
// each put costs ddbitem.WriteUnits(ddbitem.Size(item)); each delete costs the units of its
// key's size (1 for any key under 1 KB; DynamoDB charges the deleted item's size, which the
// simulator does not look up). A request is admitted when its partition's bucket and the
// table's bucket both hold its units, and otherwise returned in UnprocessedItems. When
// nothing was admitted for lack of capacity, the whole call fails with
// ProvisionedThroughputExceededException (ThrottlingException for on-demand tables).

// writeRequest is one put or delete of a BatchWriteItem.
type writeRequest struct {
	put   bool
	attrs item   // the item of a put, the key of a delete
	pk    []byte // canonical partition-key bytes
	key   string // identifies the item's key
	size  int
	wcu   float64
}

// wireWrite is a write request as it arrives. The whole body decodes in one pass: parsing is
// most of the simulator's own cost.
type wireWrite struct {
	PutRequest    *struct{ Item item }
	DeleteRequest *struct{ Key item }
}

type batchWriteInput struct {
	RequestItems                map[string][]wireWrite
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

// appendJSON writes the request back in DynamoDB JSON, to forward it or return it unprocessed.
func (w *writeRequest) appendJSON(dst []byte) []byte {
	if w.put {
		dst = append(dst, `{"PutRequest":{"Item":`...)
	} else {
		dst = append(dst, `{"DeleteRequest":{"Key":`...)
	}
	return append(w.attrs.appendJSON(dst), "}}"...)
}

func (w *writeRequest) json() json.RawMessage { return w.appendJSON(nil) }

func (s *Sim) batchWrite(w http.ResponseWriter, r *http.Request, body []byte) {
	var in batchWriteInput
	if err := json.Unmarshal(body, &in); err != nil {
		s.writeError(w, serializationError(err))
		return
	}
	writes, n, err := s.parseWrites(r, &in)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if s.faults.draw(s.cfg.Faults.ThrottleRate) {
		s.mu.Lock()
		s.stats.Faults.Throttles++
		s.stats.ThrottledRequests++
		s.mu.Unlock()
		s.writeError(w, s.throttleError(writes[0].table, []string{reasonProvisioned}, true))
		return
	}

	adm := s.admit(writes, s.faults.drawN(s.cfg.Faults.UnprocessedRate, n))
	if len(adm.admitted) == 0 && adm.capacityRejected > 0 && adm.faultRejected == 0 {
		s.mu.Lock()
		s.stats.ThrottledRequests++
		s.mu.Unlock()
		s.writeError(w, s.throttleError(writes[0].table, adm.reasons, false))
		return
	}

	out := map[string]any{}
	if len(adm.admitted) > 0 {
		res, err := s.backend.batchWrite(r, adm.admitted, in.ReturnItemCollectionMetrics)
		if err != nil {
			s.writeError(w, err)
			return
		}
		backendUnprocessed := 0
		for table, reqs := range res.unprocessed {
			adm.unprocessed[table] = append(adm.unprocessed[table], reqs...)
			backendUnprocessed += len(reqs)
		}
		if len(res.itemCollectionMetrics) > 0 && string(res.itemCollectionMetrics) != "null" {
			out["ItemCollectionMetrics"] = res.itemCollectionMetrics
		}
		s.mu.Lock()
		s.stats.ItemsWritten += int64(adm.count - backendUnprocessed)
		s.stats.UnprocessedItems += int64(backendUnprocessed)
		s.mu.Unlock()
	}
	out["UnprocessedItems"] = adm.unprocessed
	if in.ReturnConsumedCapacity == "TOTAL" || in.ReturnConsumedCapacity == "INDEXES" {
		var cc []map[string]any
		for _, tw := range writes {
			units := adm.consumed[tw.table]
			c := map[string]any{"TableName": tw.table, "CapacityUnits": units, "WriteCapacityUnits": units}
			if in.ReturnConsumedCapacity == "INDEXES" {
				c["Table"] = map[string]any{"CapacityUnits": units, "WriteCapacityUnits": units}
			}
			cc = append(cc, c)
		}
		out["ConsumedCapacity"] = cc
	}
	s.writeJSON(w, http.StatusOK, out)
}

// parseWrites validates a BatchWriteItem as DynamoDB does before writing anything: between 1
// and 25 requests, each a put or a delete with a valid key, no item over 400 KB, no two
// requests on one key. Tables come in name order, so fault draws are reproducible.
func (s *Sim) parseWrites(r *http.Request, in *batchWriteInput) ([]tableWrites, int, error) {
	n := 0
	for _, reqs := range in.RequestItems {
		n += len(reqs)
	}
	if n == 0 {
		return nil, 0, validationError("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length greater than or equal to 1]")
	}
	if n > ddbitem.MaxBatchItems {
		return nil, 0, validationError("Too many items requested for the BatchWriteItem call")
	}
	names := make([]string, 0, len(in.RequestItems))
	for name := range in.RequestItems {
		names = append(names, name)
	}
	slices.Sort(names)
	writes := make([]tableWrites, 0, len(names))
	for _, name := range names {
		meta, err := s.backend.meta(r, name)
		if err != nil {
			return nil, 0, err
		}
		tw := tableWrites{table: name}
		seen := map[string]bool{}
		for _, ww := range in.RequestItems[name] {
			wr, err := parseWrite(ww, meta)
			if err != nil {
				return nil, 0, err
			}
			if seen[wr.key] {
				return nil, 0, validationError("Provided list of item keys contains duplicates")
			}
			seen[wr.key] = true
			tw.reqs = append(tw.reqs, wr)
		}
		writes = append(writes, tw)
	}
	return writes, n, nil
}

func parseWrite(wr wireWrite, meta *tableMeta) (*writeRequest, error) {
	req := &writeRequest{}
	switch {
	case wr.PutRequest != nil && wr.DeleteRequest == nil:
		req.put, req.attrs = true, wr.PutRequest.Item
	case wr.DeleteRequest != nil && wr.PutRequest == nil:
		req.attrs = wr.DeleteRequest.Key
	default:
		return nil, validationError("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes: a write request needs exactly one of PutRequest and DeleteRequest")
	}
	if err := req.attrs.check(); err != nil {
		return nil, validationError("One or more parameter values were invalid: %v", err)
	}
	req.size = ddbitem.Size(req.attrs.sdk())
	if req.size > ddbitem.MaxItemBytes {
		return nil, validationError("Item size has exceeded the maximum allowed size")
	}
	req.wcu = float64(ddbitem.WriteUnits(req.size))
	var err error
	if req.pk, req.key, err = meta.keyOf(req.attrs, !req.put); err != nil {
		return nil, err
	}
	return req, nil
}

// admission is the outcome of taking capacity for a batch.
type admission struct {
	admitted         []tableWrites
	count            int // admitted requests
	unprocessed      map[string][]json.RawMessage
	consumed         map[string]float64
	capacityRejected int
	faultRejected    int
	reasons          []string
}

// admit takes capacity for each request in order; faulted marks requests that
// Faults.UnprocessedRate returns unprocessed regardless.
func (s *Sim) admit(writes []tableWrites, faulted []bool) *admission {
	a := &admission{unprocessed: map[string][]json.RawMessage{}, consumed: map[string]float64{}}
	now := s.now()
	i := 0
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tw := range writes {
		t := s.tableLocked(tw.table, now)
		ok := tableWrites{table: tw.table}
		for _, wr := range tw.reqs {
			hit := faulted[i]
			i++
			if hit {
				a.faultRejected++
				a.unprocessed[tw.table] = append(a.unprocessed[tw.table], wr.json())
				continue
			}
			p := PartitionOf(wr.pk, len(t.parts))
			admitted, reason := t.admit(p, wr.wcu, now)
			if !admitted {
				a.capacityRejected++
				a.unprocessed[tw.table] = append(a.unprocessed[tw.table], wr.json())
				if !slices.Contains(a.reasons, reason) {
					a.reasons = append(a.reasons, reason)
				}
				continue
			}
			ok.reqs = append(ok.reqs, wr)
			a.consumed[tw.table] += wr.wcu
			s.recordLocked(tw.table, now, p, wr.wcu)
			s.stats.WCUConsumed += wr.wcu
		}
		if len(ok.reqs) > 0 {
			a.admitted = append(a.admitted, ok)
			a.count += len(ok.reqs)
		}
	}
	s.stats.Faults.UnprocessedItems += int64(a.faultRejected)
	if len(a.admitted) > 0 || a.faultRejected > 0 {
		// A whole-request throttle returns nothing unprocessed; counted by the caller.
		s.stats.UnprocessedItems += int64(a.faultRejected + a.capacityRejected)
	}
	return a
}

// throttleError is the whole-request throttling exception for a table, in the shape the SDK
// decodes into *types.ProvisionedThroughputExceededException or *types.ThrottlingException.
func (s *Sim) throttleError(table string, reasons []string, injected bool) *apiError {
	onDemand := s.tableConfig(table).OnDemand
	arn := tableARN(table)
	list := make([]map[string]string, 0, len(reasons))
	for _, r := range reasons {
		if onDemand && r == reasonProvisioned {
			r = reasonMaxOnDemand
		}
		list = append(list, map[string]string{"reason": r, "resource": arn})
	}
	suffix := ""
	if injected {
		suffix = " (injected by the simulator)"
	}
	if onDemand {
		return &apiError{status: http.StatusBadRequest, typ: nsDynamoDB + "ThrottlingException",
			msg: "Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly. If exceptions persist, check if you have a hot key: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-partition-key-design.html." + suffix,
			// The SDK's ThrottlingException member is spelt throttlingReasons.
			extra: map[string]any{"throttlingReasons": list}}
	}
	return &apiError{status: http.StatusBadRequest, typ: nsDynamoDB + "ProvisionedThroughputExceededException",
		msg:   "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API." + suffix,
		extra: map[string]any{"ThrottlingReasons": list}}
}

// tableARN is the ARN DynamoDB Local conventions give a table (account 000000000000).
func tableARN(table string) string {
	return "arn:aws:dynamodb:us-east-1:000000000000:table/" + table
}

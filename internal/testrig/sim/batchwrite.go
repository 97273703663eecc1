package sim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// BatchWriteItem, capacity-modelled (at most 25 requests and 16 MB a call, one WCU per KB of item, rounded up):
// each put costs ddbitem.WriteUnits(ddbitem.Size(item)); each delete costs the units of its
// key's size (1 for any key under 1 KB; DynamoDB charges the deleted item's size, which the
// simulator does not look up). A request is admitted when its partition's bucket and the
// table's bucket both hold its units, and otherwise returned in UnprocessedItems. When
// nothing was admitted for lack of capacity, the whole call fails with
// ProvisionedThroughputExceededException (ThrottlingException for on-demand tables).

// writeRequest is one put or delete of a BatchWriteItem.
type writeRequest struct {
	put   bool
	attrs item   // the item of a put, the key of a delete; nil when raw holds it
	raw   []byte // the item or key in DynamoDB JSON as received, when the scanner read it
	pk    []byte // canonical partition-key bytes
	key   string // identifies the item's key
	size  int
	wcu   float64
}

// wireWrite is a write request as encoding/json decodes it, when the scanner (wirejson.go)
// gives up.
type wireWrite struct {
	PutRequest    *struct{ Item item }
	DeleteRequest *struct{ Key item }
}

type batchWriteInput struct {
	RequestItems                map[string][]wireWrite
	ReturnConsumedCapacity      string
	ReturnItemCollectionMetrics string
}

// item is the item of a put or the key of a delete.
func (w *writeRequest) item() item {
	if w.attrs == nil && w.raw != nil {
		return decodeItem(w.raw)
	}
	return w.attrs
}

// itemJSON is the item or key in DynamoDB JSON, as the sink stores it.
func (w *writeRequest) itemJSON() []byte {
	if w.raw != nil {
		return w.raw
	}
	return w.attrs.appendJSON(nil)
}

// appendJSON writes the request back in DynamoDB JSON, to forward it or return it unprocessed.
func (w *writeRequest) appendJSON(dst []byte) []byte {
	if w.put {
		dst = append(dst, `{"PutRequest":{"Item":`...)
	} else {
		dst = append(dst, `{"DeleteRequest":{"Key":`...)
	}
	return append(w.item().appendJSON(dst), "}}"...)
}

func (w *writeRequest) json() json.RawMessage { return w.appendJSON(nil) }

func (s *Sim) batchWrite(w http.ResponseWriter, r *http.Request, body []byte) {
	in, err := readBatchWrite(body)
	if err != nil {
		s.writeError(w, err)
		return
	}
	writes, n, err := s.parseWrites(r, in)
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

	unprocessed := adm.unprocessedJSON()
	out := map[string]any{}
	if len(adm.admitted) > 0 {
		res, err := s.backend.batchWrite(r, adm.admitted, in.returnItemCollectionMetrics)
		if err != nil {
			s.writeError(w, err)
			return
		}
		backendUnprocessed := 0
		for table, reqs := range res.unprocessed {
			unprocessed[table] = append(unprocessed[table], reqs...)
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
	rcc := in.returnConsumedCapacity
	if len(out) == 0 && len(unprocessed) == 0 && rcc != "TOTAL" && rcc != "INDEXES" {
		// The usual answer, as json.Marshal would write it.
		s.writeResponse(w, &response{status: http.StatusOK, body: []byte(emptyBatchWriteAnswer)})
		return
	}
	out["UnprocessedItems"] = unprocessed
	if rcc == "TOTAL" || rcc == "INDEXES" {
		var cc []map[string]any
		for _, tw := range writes {
			units := adm.consumed[tw.table]
			c := map[string]any{"TableName": tw.table, "CapacityUnits": units, "WriteCapacityUnits": units}
			if rcc == "INDEXES" {
				c["Table"] = map[string]any{"CapacityUnits": units, "WriteCapacityUnits": units}
			}
			cc = append(cc, c)
		}
		out["ConsumedCapacity"] = cc
	}
	s.writeJSON(w, http.StatusOK, out)
}

const emptyBatchWriteAnswer = `{"UnprocessedItems":{}}`

// readBatchWrite decodes a BatchWriteItem body: by the scanner, or by encoding/json when the
// scanner gives up.
func readBatchWrite(body []byte) (*wireBatch, error) {
	if wb, ok := scanBatchWrite(body); ok {
		return wb, nil
	}
	return decodeBatchWrite(body)
}

// decodeBatchWrite decodes a BatchWriteItem body by encoding/json.
func decodeBatchWrite(body []byte) (*wireBatch, error) {
	var in batchWriteInput
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, serializationError(err)
	}
	wb := &wireBatch{returnConsumedCapacity: in.ReturnConsumedCapacity, returnItemCollectionMetrics: in.ReturnItemCollectionMetrics}
	for name, wws := range in.RequestItems {
		t := wireTable{name: name, reqs: make([]wireRequest, len(wws))}
		for i, ww := range wws {
			wr := &t.reqs[i]
			wr.put, wr.del = ww.PutRequest != nil, ww.DeleteRequest != nil
			switch {
			case wr.put && !wr.del:
				wr.attrs = ww.PutRequest.Item
			case wr.del && !wr.put:
				wr.attrs = ww.DeleteRequest.Key
			}
		}
		wb.tables = append(wb.tables, t)
	}
	return wb, nil
}

// parseWrites validates a BatchWriteItem as DynamoDB does before writing anything: between 1
// and 25 requests, each a put or a delete with a valid key, no item over 400 KB, no two
// requests on one key. Tables come in name order, so fault draws are reproducible.
func (s *Sim) parseWrites(r *http.Request, in *wireBatch) ([]tableWrites, int, error) {
	n := 0
	for _, t := range in.tables {
		n += len(t.reqs)
	}
	if n == 0 {
		return nil, 0, validationError("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length greater than or equal to 1]")
	}
	if n > ddbitem.MaxBatchItems {
		return nil, 0, validationError("Too many items requested for the BatchWriteItem call")
	}
	slices.SortFunc(in.tables, func(a, b wireTable) int { return strings.Compare(a.name, b.name) })
	writes := make([]tableWrites, 0, len(in.tables))
	for _, t := range in.tables {
		meta, err := s.backend.meta(r, t.name)
		if err != nil {
			return nil, 0, err
		}
		tw := tableWrites{table: t.name, reqs: make([]*writeRequest, len(t.reqs))}
		reqs := make([]writeRequest, len(t.reqs))
		seen := make(map[string]bool, len(t.reqs))
		for i := range t.reqs {
			wr := &reqs[i]
			if err := in.parseWrite(&t.reqs[i], meta, wr); err != nil {
				return nil, 0, err
			}
			if seen[wr.key] {
				return nil, 0, validationError("Provided list of item keys contains duplicates")
			}
			seen[wr.key] = true
			tw.reqs[i] = wr
		}
		writes = append(writes, tw)
	}
	return writes, n, nil
}

// parseWrite validates one request into req.
func (in *wireBatch) parseWrite(wr *wireRequest, meta *tableMeta, req *writeRequest) error {
	if wr.put == wr.del {
		return validationError("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes: a write request needs exactly one of PutRequest and DeleteRequest")
	}
	req.put, req.attrs, req.raw = wr.put, wr.attrs, wr.raw
	n := len(wr.attrs)
	get := func(name string) (attrValue, bool) {
		v, ok := wr.attrs[name]
		return v, ok
	}
	if wr.raw == nil {
		if err := req.attrs.check(); err != nil {
			return validationError("One or more parameter values were invalid: %v", err)
		}
		req.size = req.attrs.size()
	} else {
		// The scanner has checked the item and sized it.
		req.size, n = wr.size, wr.hi-wr.lo
		get = func(name string) (attrValue, bool) { return in.attr(wr, name) }
	}
	if req.size > ddbitem.MaxItemBytes {
		return validationError("Item size has exceeded the maximum allowed size")
	}
	req.wcu = float64(ddbitem.WriteUnits(req.size))
	var err error
	req.pk, req.key, err = meta.keyFrom(n, get, !req.put)
	return err
}

// attr decodes a top-level attribute of a scanned request.
func (in *wireBatch) attr(wr *wireRequest, name string) (attrValue, bool) {
	s := scanner{b: in.body}
	for _, m := range in.members[wr.lo:wr.hi] {
		if string(s.name(m)) == name {
			var v attrValue
			s.i = m.off
			s.value(&v, 1)
			return v, true
		}
	}
	return attrValue{}, false
}

// admission is the outcome of taking capacity for a batch.
type admission struct {
	admitted         []tableWrites
	count            int             // admitted requests
	rejected         []rejectedWrite // returned unprocessed, in order
	consumed         map[string]float64
	capacityRejected int
	faultRejected    int
	reasons          []string
}

type rejectedWrite struct {
	table string
	req   *writeRequest
}

// unprocessedJSON is the rejected requests as UnprocessedItems. Encoding them (which may
// decode a scanned item) waits until the simulator's lock is released, and is skipped when
// the whole call is throttled.
func (a *admission) unprocessedJSON() map[string][]json.RawMessage {
	out := map[string][]json.RawMessage{}
	for _, r := range a.rejected {
		out[r.table] = append(out[r.table], r.req.json())
	}
	return out
}

// admit takes capacity for each request in order; faulted marks requests that
// Faults.UnprocessedRate returns unprocessed regardless.
func (s *Sim) admit(writes []tableWrites, faulted []bool) *admission {
	a := &admission{consumed: map[string]float64{}}
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
				a.rejected = append(a.rejected, rejectedWrite{tw.table, wr})
				continue
			}
			p := PartitionOf(wr.pk, len(t.parts))
			admitted, reason := t.admit(p, wr.wcu, now)
			if !admitted {
				a.capacityRejected++
				a.rejected = append(a.rejected, rejectedWrite{tw.table, wr})
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

package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"
)

// Warm throughput, as DynamoDB documents it: UpdateTable raises it on the
// table and per GSI, the status is UPDATING for a while, values never decrease. No local
// server implements it, so the simulator keeps it and adds it to table descriptions.

// warmState is one table's or index's warm throughput.
type warmState struct {
	read, write int64
	updating    bool
	readyAt     time.Time
}

func (w *warmState) status() string {
	if w.updating {
		return "UPDATING"
	}
	return "ACTIVE"
}

// baselineWarm is the warm throughput the simulator reports before any update: what it
// enforces, P partitions' capacity, capped by the table's provisioned capacity if any.
func (t *tableState) baselineWarm() warmState {
	capAt := func(v, limit float64) int64 {
		if limit > 0 {
			v = math.Min(v, limit)
		}
		return int64(v)
	}
	p := float64(t.cfg.Partitions)
	return warmState{read: capAt(p*t.cfg.PartitionRCU, t.cfg.TableRCU), write: capAt(p*t.cfg.PartitionWCU, t.cfg.TableWCU)}
}

// refresh completes warm-throughput updates whose delay has passed; a completed table update
// brings the partitions its write rate needs.
func (t *tableState) refresh(now time.Time) {
	if t.warm.updating && !now.Before(t.warm.readyAt) {
		t.warm.updating = false
		t.grow(t.pendingParts, now)
	}
	for _, g := range t.gsiWarm {
		if g.updating && !now.Before(g.readyAt) {
			g.updating = false
		}
	}
}

func (t *tableState) gsi(name string) *warmState {
	g, ok := t.gsiWarm[name]
	if !ok {
		b := t.baselineWarm()
		g = &b
		t.gsiWarm[name] = g
	}
	return g
}

func (t *tableState) updating() bool {
	if t.warm.updating {
		return true
	}
	for _, g := range t.gsiWarm {
		if g.updating {
			return true
		}
	}
	return false
}

// warmValues is a requested WarmThroughput; nil members keep the current value.
type warmValues struct {
	ReadUnitsPerSecond  *int64 `json:",omitempty"`
	WriteUnitsPerSecond *int64 `json:",omitempty"`
}

// warmRequest is the warm-throughput part of an UpdateTable request.
type warmRequest struct {
	table *warmValues
	gsis  map[string]*warmValues
}

// splitWarm takes the warm-throughput settings out of an UpdateTable body. It returns them,
// the body without them, and whether anything else is left to forward.
func splitWarm(body []byte) (*warmRequest, []byte, bool, error) {
	var in map[string]json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, nil, false, serializationError(err)
	}
	req := &warmRequest{gsis: map[string]*warmValues{}}
	if raw, ok := in["WarmThroughput"]; ok {
		if err := json.Unmarshal(raw, &req.table); err != nil {
			return nil, nil, false, serializationError(err)
		}
		delete(in, "WarmThroughput")
	}
	if raw, ok := in["GlobalSecondaryIndexUpdates"]; ok {
		var updates []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &updates); err != nil {
			return nil, nil, false, serializationError(err)
		}
		kept := updates[:0]
		for _, u := range updates {
			kept = append(kept, u)
			var upd map[string]json.RawMessage
			if json.Unmarshal(u["Update"], &upd) != nil || upd["WarmThroughput"] == nil {
				continue
			}
			var name string
			var wv *warmValues
			if json.Unmarshal(upd["IndexName"], &name) != nil || json.Unmarshal(upd["WarmThroughput"], &wv) != nil {
				return nil, nil, false, validationError("GlobalSecondaryIndexUpdates: an Update needs IndexName and a valid WarmThroughput")
			}
			req.gsis[name] = wv
			delete(upd, "WarmThroughput")
			if len(upd) > 1 { // more than IndexName: the backend gets the rest
				b, _ := json.Marshal(upd)
				u["Update"] = b
			} else {
				kept = kept[:len(kept)-1]
			}
		}
		if len(kept) == 0 {
			delete(in, "GlobalSecondaryIndexUpdates")
		} else {
			in["GlobalSecondaryIndexUpdates"], _ = json.Marshal(kept)
		}
	}
	if req.table == nil && len(req.gsis) == 0 {
		return nil, body, true, nil
	}
	rest, err := json.Marshal(in)
	if err != nil {
		return nil, nil, false, err
	}
	_, hasName := in["TableName"]
	remaining := len(in) > 1 || (len(in) == 1 && !hasName)
	return req, rest, remaining, nil
}

// checkWarm refuses what AWS refuses: decreases and non-positive values.
func checkWarm(cur *warmState, v *warmValues, what string) error {
	for _, c := range []struct {
		name      string
		req       *int64
		currently int64
	}{{"ReadUnitsPerSecond", v.ReadUnitsPerSecond, cur.read}, {"WriteUnitsPerSecond", v.WriteUnitsPerSecond, cur.write}} {
		if c.req == nil {
			continue
		}
		if *c.req <= 0 {
			return validationError("One or more parameter values were invalid: %s WarmThroughput %s must be positive", what, c.name)
		}
		if *c.req < c.currently {
			return validationError("One or more parameter values were invalid: %s WarmThroughput %s (%d) is lower than the current value (%d); warm throughput cannot be decreased",
				what, c.name, *c.req, c.currently)
		}
	}
	return nil
}

func applyWarm(cur *warmState, v *warmValues, readyAt time.Time) {
	if v.ReadUnitsPerSecond != nil {
		cur.read = *v.ReadUnitsPerSecond
	}
	if v.WriteUnitsPerSecond != nil {
		cur.write = *v.WriteUnitsPerSecond
	}
	cur.updating = true
	cur.readyAt = readyAt
}

// updateTable handles UpdateTable: warm-throughput settings here, the rest at the backend.
func (s *Sim) updateTable(w http.ResponseWriter, r *http.Request, body []byte) {
	req, rest, remaining, err := splitWarm(body)
	if err != nil {
		s.writeError(w, err)
		return
	}
	if req == nil {
		s.pass(w, r, "UpdateTable", body)
		return
	}
	name := tableName(body)
	meta, err := s.backend.meta(r, name)
	if err != nil {
		s.writeError(w, err)
		return
	}
	for g := range req.gsis {
		known := false
		for _, m := range meta.gsis {
			known = known || m == g
		}
		if !known {
			s.writeError(w, validationError("One or more parameter values were invalid: Global secondary index %s does not exist on table %s", g, name))
			return
		}
	}
	if err := s.warmUpdate(name, req, false); err != nil {
		s.writeError(w, err)
		return
	}

	var resp *response
	if remaining {
		resp, err = s.backend.call(r, "UpdateTable", rest)
	} else {
		resp, err = s.backend.call(r, "DescribeTable", fmt.Appendf(nil, `{"TableName":%q}`, name))
	}
	if err != nil {
		s.writeError(w, err)
		return
	}
	if resp.status != http.StatusOK {
		s.writeResponse(w, resp)
		return
	}
	if !remaining {
		resp.body = renameMember(resp.body, "Table", "TableDescription")
	}
	_ = s.warmUpdate(name, req, true) // validated above; a racing update would only repeat it
	resp.body = s.injectWarm(resp.body, "TableDescription", name)
	s.writeResponse(w, resp)
}

// warmUpdate validates a warm-throughput request against the table's state (apply false) or
// records it (apply true): the values at once, status UPDATING until WarmUpdateDelay has
// passed, and the partitions the new write rate needs when it completes.
func (s *Sim) warmUpdate(name string, req *warmRequest, apply bool) error {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tableLocked(name, now)
	if !apply {
		// Like any UpdateTable, a warm-throughput change waits for the previous one.
		if t.updating() {
			return inUseError("Attempt to change a resource which is still in use: Table is being updated: " + name)
		}
		if req.table != nil {
			if err := checkWarm(&t.warm, req.table, "Table "+name); err != nil {
				return err
			}
		}
		for g, v := range req.gsis {
			if err := checkWarm(t.gsi(g), v, "Index "+g); err != nil {
				return err
			}
		}
		return nil
	}
	readyAt := now.Add(t.cfg.WarmUpdateDelay)
	if req.table != nil {
		applyWarm(&t.warm, req.table, readyAt)
		need := int(math.Ceil(float64(t.warm.write)/t.cfg.PartitionWCU - 1e-9))
		t.pendingParts = max(t.pendingParts, need)
	}
	for g, v := range req.gsis {
		applyWarm(t.gsi(g), v, readyAt)
	}
	return nil
}

// injectWarm adds the simulator's warm throughput to a table description found under member
// ("Table" or "TableDescription") of a response body, and shows the table and indexes as
// UPDATING while an update is in progress. The body is returned unchanged if it does not
// parse.
func (s *Sim) injectWarm(body []byte, member, name string) []byte {
	var doc map[string]json.RawMessage
	var table map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil || json.Unmarshal(doc[member], &table) != nil || table == nil {
		return body
	}
	now := s.now()
	s.mu.Lock()
	t := s.tableLocked(name, now)
	tw := t.warm
	updating := t.updating()
	var gsis []map[string]json.RawMessage
	if json.Unmarshal(table["GlobalSecondaryIndexes"], &gsis) == nil {
		for _, g := range gsis {
			var idx string
			if json.Unmarshal(g["IndexName"], &idx) != nil {
				continue
			}
			gw := t.gsi(idx)
			g["WarmThroughput"] = mustJSON(map[string]any{"ReadUnitsPerSecond": gw.read, "WriteUnitsPerSecond": gw.write, "Status": gw.status()})
			if gw.updating {
				g["IndexStatus"] = mustJSON("UPDATING")
			}
		}
		if gsis != nil {
			table["GlobalSecondaryIndexes"] = mustJSON(gsis)
		}
	}
	s.mu.Unlock()

	table["WarmThroughput"] = mustJSON(map[string]any{"ReadUnitsPerSecond": tw.read, "WriteUnitsPerSecond": tw.write, "Status": tw.status()})
	if s.cfg.Bulk.GlobalTables[name] {
		table["Replicas"] = mustJSON([]map[string]any{{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}})
	}
	var status string
	if updating && json.Unmarshal(table["TableStatus"], &status) == nil && status == "ACTIVE" {
		table["TableStatus"] = mustJSON("UPDATING")
	}
	doc[member] = mustJSON(table)
	return mustJSON(doc)
}

// renameMember moves a top-level member of a JSON object (DescribeTable's Table becomes
// UpdateTable's TableDescription).
func renameMember(body []byte, from, to string) []byte {
	var doc map[string]json.RawMessage
	if json.Unmarshal(body, &doc) != nil {
		return body
	}
	doc[to] = doc[from]
	delete(doc, from)
	return mustJSON(doc)
}

// mustJSON marshals values that cannot fail to marshal (maps of raw JSON, strings, numbers).
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sim: marshalling %T: %v", v, err))
	}
	return b
}

package converge

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/ddbload/terraform-provider-ddbload/internal/drift"
	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// Params describe one apply: the dataset, the table and what the previous apply left.
type Params struct {
	Table  string
	Schema keys.Schema
	// Options describe the dataset and how to write it. Apply sets its Unchanged and Resume
	// from Prior; the caller's values for those and for OnItem are ignored.
	Options loader.Options
	Prior   State
	// PlannedDigest, if set, is the content digest the plan showed. A dataset that no longer
	// has it is refused before anything is written (*ChangedSincePlanError).
	PlannedDigest string
	// Cache, if set, keeps what validation learned for the next Preview or Apply of the same
	// bytes, so that they do not validate again.
	Cache *Cache
	// Reader, if set, is the table a Preview reads back the items of the prior ledger's
	// changed blocks from (up to MaxReadBack of them), so that it counts only the items that
	// differ as written; without it, every item of a changed block counts. Apply reads them
	// with its API.
	Reader drift.API
}

// API is the DynamoDB calls Apply makes: writes, and reads of the items an update may find
// in place.
type API interface {
	write.API
	drift.API
}

// Outcome is what Apply did.
type Outcome struct {
	// Validated is the dataset as validated; nil if validation failed.
	Validated *loader.Validated
	// Load is what the write pass did; nil if nothing was written (State is then Prior).
	Load *loader.Result
	// Deleted counts the items deleted because the dataset no longer has them.
	Deleted int64
	// State is what the table holds of the dataset now, also when Apply returns an error.
	State State
	// Changes is what the apply set out to do, known once the dataset is validated.
	Changes Changes
	// Complete means the table now holds exactly the dataset.
	Complete bool
	// FilesChanged means the load stopped and the files are no longer the bytes validated: what
	// it wrote may differ from what the ledger records, so State.Drifted is set and the next
	// apply writes every item.
	FilesChanged bool
}

// ChangedSincePlanError means the dataset is not the one the plan showed.
type ChangedSincePlanError struct {
	Planned, Now string // content digests
}

func (e *ChangedSincePlanError) Error() string {
	return fmt.Sprintf("the dataset changed since the plan (content digest %s at plan time, %s now)", e.Planned, e.Now)
}

// Apply converges the table to the dataset. When it returns an error with Outcome.Load nil,
// nothing was written and Outcome.State is p.Prior. Otherwise Outcome.State records every item
// the table may hold from this dataset, whatever stopped the load.
func Apply(ctx context.Context, api API, p Params) (Outcome, error) {
	out := Outcome{State: p.Prior}
	v, err := validate(ctx, api, p, takeVerdict)
	if v != nil {
		// The apply is the last to use a validation this process remembers: let its records
		// go before the caller encodes the state.
		defer recent.forget(v.seen)
		out.Validated, out.Changes = v.validated, v.changes()
	}
	if err != nil {
		return out, err
	}
	prior, validated, o := p.Prior, v.validated, v.o
	res, loadErr := loader.LoadValidated(ctx, api, p.Table, p.Schema, o, validated)
	if res == nil {
		return out, loadErr // nothing was written
	}
	out.Load = res

	if loadErr != nil {
		out.FilesChanged = untrusted(o, validated, loadErr)
		out.State = stopped(prior, v, res, out.FilesChanged)
		return out, loadErr
	}
	next := v.next()
	deleted, err := deleteRemoved(ctx, api, p.Table, p.Schema, v.gone, o.Write)
	out.Deleted = deleted
	if err != nil {
		// Keep the removed keys: the next apply deletes them again.
		out.State = State{Ledger: union(next, prior.Ledger), Unconfirmed: minus(prior.Unconfirmed, next)}
		return out, err
	}
	out.State = State{Ledger: next}
	out.Complete = true
	return out, nil
}

// Preview validates the dataset and tells what Apply would change, writing nothing. Its
// errors are Apply's before the write pass.
func Preview(ctx context.Context, p Params) (*loader.Validated, Changes, error) {
	v, err := validate(ctx, p.Reader, p, keepVerdict)
	if err != nil {
		return nil, Changes{}, err
	}
	return v.validated, v.changes(), nil
}

// validation is a dataset validated over a prior state: what Apply and Preview share.
type validation struct {
	p         Params
	o         loader.Options // with Resume set from the prior state
	validated *loader.Validated
	seen      *records
	gone      []string // the keys the prior state may hold that the dataset lacks
	verdict   *verdict
	led       *ledger.Ledger // next's memo
}

// verdictUse is what validate does with the verdict memo (previewed).
type verdictUse int

const (
	judgeAfresh verdictUse = iota
	keepVerdict            // a Preview: keep the verdict for the Apply that may follow
	takeVerdict            // an Apply: take the verdict of the Preview before it, if it fits
)

func validate(ctx context.Context, reader drift.API, p Params, use verdictUse) (*validation, error) {
	v := &validation{p: p, o: p.Options}
	o, prior := &v.o, p.Prior
	o.Resume, o.OnItem = nil, nil
	var cached bool
	if p.Cache != nil {
		v.validated, v.seen, cached = p.Cache.lookup(p)
	}
	if !cached {
		// Validation reports every record's key, content hash and cost, so the next ledger and
		// the changes need no further reading of the dataset.
		withItems := *o
		v.seen = &records{}
		// An update's dataset is about the size of the one before, whose keys the ledger has.
		if l := prior.Ledger; l.Len() > 0 {
			v.seen.reserve(l.Len()+l.Len()/16, l.KeyBytes()+l.KeyBytes()/16)
		}
		withItems.OnItem = func(_ uint64, k keys.Key, sum [sha256.Size]byte, wcu int64) {
			v.seen.add(k, ledger.SumHash(sum), wcu)
		}
		var memo *memoWriter
		if p.Cache != nil {
			withItems.Recall = p.Cache.recallMemo(p)
			if memo = p.Cache.rememberMemo(); memo != nil {
				withItems.Remember = memo.add
			}
		}
		validated, err := loader.Validate(ctx, p.Schema, withItems)
		var invalid *loader.InvalidRecordsError
		switch {
		case memo == nil:
		case err == nil || errors.As(err, &invalid):
			// Every line it remembers validated on its own, whatever else is wrong.
			memo.commit(p)
		default:
			memo.abort()
		}
		if err != nil {
			return nil, err
		}
		v.validated = validated
		if p.Cache != nil {
			p.Cache.store(p, validated, v.seen)
		}
	}
	if p.PlannedDigest != "" && p.PlannedDigest != v.validated.Digest {
		return v, &ChangedSincePlanError{Planned: p.PlannedDigest, Now: v.validated.Digest}
	}
	key := verdictKey(p, v.seen, reader != nil)
	var verdict *verdict
	if use == takeVerdict {
		verdict = previewed.take(key)
	}
	if verdict == nil {
		var err error
		if verdict, err = judge(ctx, reader, p, v.validated, v.seen); err != nil {
			return nil, err
		}
	}
	if use == keepVerdict && p.Cache != nil { // without the cache, the Apply's records are others
		previewed.keep(key, verdict)
	}
	v.verdict, v.gone = verdict, verdict.gone
	v.validated = v.validated.WithUnchanged(verdict.unchanged)
	// Every record written must have the key recorded for its place, or the state would
	// record another key than the one written: compared by their 64-bit sums, made when the
	// write pass first asks (a Preview has none).
	sums := sync.OnceValue(v.seen.keySums)
	o.Expect = func(seqs []uint64, ks []keys.Key) int { return expected(sums(), seqs, ks) }
	// The same content in other files, or in another order, numbers its records otherwise.
	if r := prior.Resume; r != nil && r.Digest == v.validated.Digest && r.Files == v.validated.FilesFingerprint() {
		o.Resume = r.Acked
	}
	return v, nil
}

// next is the ledger once the table holds exactly the dataset.
func (v *validation) next() *ledger.Ledger {
	if v.led == nil {
		v.led = written(v.validated, v.seen, v.p.Prior.Ledger, v.verdict.at)
	}
	return v.led
}

// Changes is what an apply does to the table: the items it writes, deletes, finds in place or
// skips because a stopped load of the same dataset wrote them.
type Changes struct {
	Write, Delete, Unchanged, Resumed int64
	// WriteUnits is the WCU of the writes (each item rounded up to 1 KB) plus one per delete.
	WriteUnits int64
}

// changes counts what Apply's write pass and deletion do, as they decide it.
func (v *validation) changes() Changes {
	var c Changes
	for i := range v.seen.len() {
		seq := uint64(i)
		switch {
		case v.validated.Dropped(seq):
		case v.o.Resume.Has(seq):
			c.Resumed++
		case v.validated.Unchanged(seq):
			c.Unchanged++
		default:
			c.Write++
			c.WriteUnits += v.seen.wcu(i)
		}
	}
	c.Delete = int64(len(v.gone))
	c.WriteUnits += c.Delete
	return c
}

// written is the ledger of a complete load: every record but duplicate losers. at places the
// records in the prior ledger (verdict.at).
func written(validated *loader.Validated, seen *records, prior *ledger.Ledger, at []int32) *ledger.Ledger {
	return ledger.FromFlatLike(prior, at, seen.ids, seen.ends, seen.hashes, func(i int) bool { return !validated.Dropped(uint64(i)) })
}

// stopped is the state after a load that stopped early: the prior ledger, with what the table
// holds of each entry where this apply knows it, plus what DynamoDB acknowledged; unconfirmed,
// what was sent without an answer (and what was unconfirmed before, unless acknowledged now).
// If the writes may differ from what was validated (rewrite), the hashes cannot be trusted: no
// resume point, and the next apply writes every item.
func stopped(prior State, v *validation, res *loader.Result, rewrite bool) State {
	var led, unconf ledger.Builder
	for j := range prior.Ledger.Len() {
		led.AddEntry(v.verdict.held(prior.Ledger, j))
	}
	acked := map[string]bool{}
	for i := range v.seen.len() {
		seq := uint64(i)
		switch {
		case v.validated.Dropped(seq):
		case res.Acked.Has(seq):
			id := v.seen.id(i)
			led.Add(id, v.seen.hash(i))
			acked[id] = true
		case res.Sent.Has(seq):
			unconf.AddUnknown(v.seen.id(i))
		}
	}
	for e := range prior.Unconfirmed.All() {
		if !acked[e.KeyID] {
			unconf.AddUnknown(e.KeyID)
		}
	}
	st := State{Ledger: led.Build(), Unconfirmed: unconf.Build(), Drifted: rewrite || prior.Drifted}
	if st.Unconfirmed.Len() == 0 {
		st.Unconfirmed = nil
	}
	if !rewrite {
		st.Resume = &Resume{Digest: v.validated.Digest, Files: v.validated.FilesFingerprint(), Acked: res.Acked}
	}
	return st
}

// untrusted tells whether a load that ended with err may have written content other than what
// the ledger and the resume point record: their hashes and digest come from the validation
// pass. A complete write pass checked that it read the files validated, and one that found
// them changed says so; for a load stopped before that check, the files are hashed again.
func untrusted(o loader.Options, validated *loader.Validated, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, loader.ErrDatasetChanged):
		return true
	}
	same, ferr := validated.FilesUnchanged(o.Source)
	return ferr != nil || !same
}

// union is a's entries plus b's keys that a lacks.
func union(a, b *ledger.Ledger) *ledger.Ledger {
	var u ledger.Builder
	for e := range b.All() {
		u.AddEntry(e)
	}
	for e := range a.All() {
		u.AddEntry(e) // a wins
	}
	return u.Build()
}

// minus is a's entries whose keys b lacks; nil when none are left.
func minus(a, b *ledger.Ledger) *ledger.Ledger {
	var m ledger.Builder
	n := 0
	for e := range a.All() {
		if b.Find(e.KeyID) < 0 {
			m.AddEntry(e)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return m.Build()
}

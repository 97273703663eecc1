package loader

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
)

// Result is what a load did. Load returns it also with an error, so an interrupted load can
// be resumed: Acked holds every record written so far.
type Result struct {
	Validated *Validated
	Stats     write.Stats
	Acked     *Bitmap // sequence numbers of the records DynamoDB acknowledged (resumed ones too)
	// Sent holds the records handed to DynamoDB at least once in this load. Those in Sent but
	// not in Acked may be in the table or not: a call that failed, was cancelled or never
	// answered may still have been applied. A load that stops leaves nothing else behind.
	Sent      *Bitmap
	Resumed   int64 // records not written because an earlier load had (Options.Resume)
	Unchanged int64 // items not written because they were in place (Validated.WithUnchanged)
}

// ErrDatasetChanged means the files changed between the validation pass and the write pass:
// the write pass did not read the bytes validated (compared by their fingerprint).
var ErrDatasetChanged = errors.New("the dataset changed while it was being loaded; run the load again")

// Load validates the whole dataset first (so invalid input writes nothing), then writes it
// to table: the records are read again, keyed, stripped of duplicate losers and of records a
// resumed load already wrote, ordered, batched and written by the writer pool.
func Load(ctx context.Context, api write.API, table string, schema keys.Schema, o Options) (*Result, error) {
	v, err := Validate(ctx, schema, o)
	if err != nil {
		return nil, err
	}
	return writePass(ctx, api, table, schema, o, v)
}

// LoadValidated is Load for a dataset already validated into v (e.g. at plan time, moments
// before). The write pass still checks that it reads the bytes validated. Options.OnItem acts
// in Validate: the one given to the Validate that made v counts; the records in place are v's.
func LoadValidated(ctx context.Context, api write.API, table string, schema keys.Schema, o Options, v *Validated) (*Result, error) {
	return writePass(ctx, api, table, schema, o, v)
}

func writePass(ctx context.Context, api write.API, table string, schema keys.Schema, o Options, v *Validated) (*Result, error) {
	stage, err := newStage(schema, o.Keys)
	if err != nil {
		return nil, err
	}
	res := &Result{Validated: v, Acked: &Bitmap{}, Sent: &Bitmap{}}
	var ackMu sync.Mutex
	// resumed is read by the producer and its reading goroutine while workers add to
	// res.Acked: two bitmaps, no sharing. It does not change once the producer starts.
	resumed := &Bitmap{}
	if o.Resume != nil {
		for seq := range uint64(v.Records) {
			if o.Resume.Has(seq) && !v.losers.Has(seq) {
				resumed.Set(seq)
				res.Acked.Set(seq)
				res.Resumed++
			}
		}
	}

	wo := o.Write
	wo.Table = table
	if wo.Budget == nil {
		wo.Budget = write.NewBudget(0)
	}
	o.Write.Budget = wo.Budget // the producer acquires what the pool releases
	wo.OnAck = func(reqs []write.Request) {
		ackMu.Lock()
		for _, r := range reqs {
			res.Acked.Set(r.Seq)
		}
		ackMu.Unlock()
	}
	wo.OnSend = func(reqs []write.Request) {
		ackMu.Lock()
		for _, r := range reqs {
			res.Sent.Set(r.Seq)
		}
		ackMu.Unlock()
	}
	if o.Logger != nil || o.Progress != nil {
		// Items in place are never written: counting them would leave an update's progress
		// far short of its total, with an estimate of the time left to match.
		total := v.Items - int64(v.unchanged.Len())
		wo.Progress = func(s write.Stats) {
			p := progressOf(s, res.Resumed, total)
			if o.Logger != nil {
				p.log(o.Logger, table)
			}
			if o.Progress != nil {
				o.Progress(p)
			}
		}
	}

	var unchanged atomic.Int64
	defer func() { res.Unchanged = unchanged.Load() }()
	g, gctx := errgroup.WithContext(ctx)
	batches := make(chan write.Batch, max(wo.Concurrency, write.DefaultConcurrency))
	g.Go(func() error {
		defer close(batches)
		return produce(gctx, o, stage, v, resumed, &unchanged, batches)
	})
	g.Go(func() error {
		var err error
		res.Stats, err = write.Run(gctx, api, batches, wo)
		return err
	})
	err = g.Wait()
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return res, err
}

// produce feeds the writer pool with batches of the records still to write, and checks that
// the dataset is still the one validated.
func produce(ctx context.Context, o Options, stage *keys.Stage, v *Validated, resumed *Bitmap, unchanged *atomic.Int64, out chan<- write.Batch) error {
	entries := &pending{ctx: ctx, o: o, stage: stage, validated: v, resumed: resumed, unchanged: unchanged}
	if err := entries.open(); err != nil {
		return err
	}
	defer entries.close()
	batches := order.Batches(order.New(entries, o.Order), ddbitem.MaxBatchItems, ddbitem.MaxBatchBytes)
	var u unpacker
	var seqs []uint64
	var ks []keys.Key
	for {
		b, err := batches.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if o.Expect != nil {
			seqs, ks = seqs[:0], ks[:0]
			for i := range b {
				seqs, ks = append(seqs, b[i].Seq), append(ks, b[i].Key)
			}
			if j := o.Expect(seqs, ks); j >= 0 && j < len(b) {
				return fmt.Errorf("%w: %s holds another key than when it was validated", ErrDatasetChanged, b[j].Rec.Pos)
			}
		}
		var wcu int64
		for i := range b {
			wcu += b[i].WCU
		}
		// Before the items are unpacked: the budget bounds them as Go values too.
		if err := o.Write.Budget.Acquire(ctx, wcu); err != nil {
			return err
		}
		wb := make(write.Batch, len(b))
		u.vals.Start() // the batch's items share blocks: they are written, and let go, together
		for i := range b {
			e := &b[i]
			item, err := u.unpack(e.Packed)
			if err != nil {
				return fmt.Errorf("%s: %w", e.Rec.Pos, err)
			}
			wb[i] = write.Request{Put: item, Pos: e.Rec.Pos, WCU: e.WCU, Seq: e.Seq}
		}
		select {
		case out <- wb:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if entries.r.Fingerprint() != entries.want {
		return ErrDatasetChanged
	}
	return nil
}

// pending iterates the records to write as order entries: every record but duplicate losers,
// those already written and those in place, which the reader passes over without decoding
// where the format allows. Interleaving reads the validated stripes all at once, so that every
// stretch of the file (in sorted input, every run of one partition key) is under way from the
// start; the other modes read the files in order.
type pending struct {
	ctx       context.Context
	o         Options
	stage     *keys.Stage
	validated *Validated
	resumed   *Bitmap // written by an earlier load (Options.Resume)
	unchanged *atomic.Int64

	r    source.Reader
	want [sha256.Size]byte // r's Fingerprint if it reads the bytes validated
	n    uint64            // records read
	buf  []byte            // pack's scratch space
}

func (p *pending) open() error {
	var err error
	mode := p.o.Order.Mode
	if s := p.validated.stripes; len(s.List) > 1 && (mode == "" || mode == order.Interleave) {
		p.r, err = openStripes(p.ctx, p.o.Source, s, p.drops)
		p.want = s.Sum()
	} else {
		p.r, err = openReadAhead(p.o.Source, p.drops)
		p.want = p.validated.files
	}
	if errors.Is(err, source.ErrChanged) {
		err = fmt.Errorf("%w: %w", ErrDatasetChanged, err)
	}
	return err
}

// drops tells whether the record numbered seq is not to be written, so the reader need not
// decode it. The reading goroutine calls it while Next runs: it reads only bitmaps that do not
// change during the pass (the validated dataset's, and resumed, filled before the pass
// starts).
func (p *pending) drops(seq uint64) bool {
	return p.validated.losers.Has(seq) || p.resumed.Has(seq) || p.validated.unchanged.Has(seq)
}

func (p *pending) close() { _ = p.r.Close() }

func (p *pending) Next() (order.Entry, error) {
	for {
		if p.n%1024 == 0 {
			if err := p.ctx.Err(); err != nil {
				return order.Entry{}, err
			}
		}
		rec, err := p.r.Next()
		if errors.Is(err, source.ErrChanged) {
			return order.Entry{}, fmt.Errorf("%w: %w", ErrDatasetChanged, err)
		}
		if err != nil {
			return order.Entry{}, err // io.EOF included
		}
		p.n++
		seq := rec.Seq
		if p.validated.losers.Has(seq) || p.resumed.Has(seq) {
			continue
		}
		if p.validated.unchanged.Has(seq) {
			p.unchanged.Add(1)
			continue
		}
		if rec.Skipped {
			// It has no item to write: the reader passed over a record drops did not name.
			return order.Entry{}, fmt.Errorf("loader: %s was passed over unread, but the write pass must write it (record %d)", rec.Pos, seq)
		}
		if err := p.stage.Apply(&rec); err != nil {
			// Only the change is wrapped: the record was valid when validated, so it is not
			// invalid input to fix, and writes may have happened.
			return order.Entry{}, fmt.Errorf("%w: %v", ErrDatasetChanged, err) //nolint:errorlint // see above
		}
		e := order.NewEntry(rec, p.stage.Key(rec.Item))
		e.Seq = seq
		e.Packed, e.Rec.Item = pack(&p.buf, rec.Item), nil
		return e, nil
	}
}

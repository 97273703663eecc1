package sim

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

// Bulk operations (StartBulkPutItems, DescribeBulkOperation, CancelBulkOperation,
// ListBulkOperations) exist in no local server. The simulator runs them itself: it reads the
// input objects from an S3-compatible server (BulkConfig.Store) and writes their items through
// its own BatchWriteItem path, so the capacity model applies, at most MaxWriteRequestUnits per
// second. It approximates the service (docs/design/bulk-put.md says where).

// BulkConfig configures the simulated bulk operations.
type BulkConfig struct {
	// Store reads the input objects and receives the reports; nil answers every bulk
	// operation with a ValidationException.
	Store BulkStore
	// ItemFailureRate is the fraction of input items the operation reports as failed
	// (ValidationError) instead of writing them, drawn from the simulator's seeded source.
	ItemFailureRate float64
	// GlobalTables names tables that are global tables: StartBulkPutItems refuses them, and
	// DescribeTable shows a replica in eu-west-1.
	GlobalTables map[string]bool
}

// BulkStore is the S3 access of the bulk operations.
type BulkStore interface {
	// Keys lists the keys under prefix in bucket, in key order.
	Keys(bucket, prefix string) ([]string, error)
	Get(bucket, key string) (io.ReadCloser, error)
	Put(bucket, key string, body []byte) error
}

// minBulkWriteUnits is the least MaxWriteRequestUnits StartBulkPutItems takes.
const minBulkWriteUnits = 1024

type bulkInput struct {
	ClientToken           string          `json:"ClientToken,omitempty"`
	TableName             string          `json:"TableName"`
	MaxWriteRequestUnits  *int64          `json:"MaxWriteRequestUnits,omitempty"`
	PerformanceTier       string          `json:"PerformanceTier,omitempty"`
	InputS3Configuration  *bulkS3Input    `json:"InputS3Configuration"`
	OutputS3Configuration *bulkS3Output   `json:"OutputS3Configuration"`
	raw                   json.RawMessage // the parameters but the token, to compare repeated starts
}

type bulkS3Input struct {
	InputFormat          string `json:"InputFormat"`
	S3Bucket             string `json:"S3Bucket"`
	InputCompressionType string `json:"InputCompressionType,omitempty"`
	S3BucketOwner        string `json:"S3BucketOwner,omitempty"`
	S3KeyPrefix          string `json:"S3KeyPrefix,omitempty"`
}

type bulkS3Output struct {
	OutputType     []string `json:"OutputType"`
	S3Bucket       string   `json:"S3Bucket,omitempty"`
	S3BucketOwner  string   `json:"S3BucketOwner,omitempty"`
	S3KeyPrefix    string   `json:"S3KeyPrefix,omitempty"`
	S3SseAlgorithm string   `json:"S3SseAlgorithm,omitempty"`
	S3SseKmsKeyID  string   `json:"S3SseKmsKeyId,omitempty"`
}

// bulkOp is one operation.
type bulkOp struct {
	arn string
	in  bulkInput

	mu                sync.Mutex
	status            string
	processed, failed int64
	readBytes, total  int64
	start, end        time.Time
	failCode, failMsg string
	failures          []bulkFailure
	cancel            context.CancelFunc
	done              chan struct{}
}

// bulkFailure is an input record the operation could not write.
type bulkFailure struct {
	object string
	line   int
	item   json.RawMessage
	code   string
	msg    string
}

type bulkRegistry struct {
	mu      sync.Mutex
	byARN   map[string]*bulkOp
	byToken map[string]*bulkOp
	order   []*bulkOp
	// failureRate, once set, replaces BulkConfig.ItemFailureRate (SetBulkItemFailureRate).
	failureRate *float64
}

func newBulkRegistry() *bulkRegistry {
	return &bulkRegistry{byARN: map[string]*bulkOp{}, byToken: map[string]*bulkOp{}}
}

// SetBulkItemFailureRate changes BulkConfig.ItemFailureRate for the operations that run from
// now on.
func (s *Sim) SetBulkItemFailureRate(fraction float64) {
	s.bulk.mu.Lock()
	s.bulk.failureRate = &fraction
	s.bulk.mu.Unlock()
}

func (s *Sim) bulkFailureRate() float64 {
	s.bulk.mu.Lock()
	defer s.bulk.mu.Unlock()
	if s.bulk.failureRate != nil {
		return *s.bulk.failureRate
	}
	return s.cfg.Bulk.ItemFailureRate
}

// stopAll cancels every operation in progress and waits until each has stopped.
func (r *bulkRegistry) stopAll() {
	r.mu.Lock()
	ops := append([]*bulkOp(nil), r.order...)
	r.mu.Unlock()
	for _, op := range ops {
		op.cancel()
		<-op.done
	}
}

func (s *Sim) startBulkPutItems(w http.ResponseWriter, r *http.Request, body []byte) {
	var in bulkInput
	if err := json.Unmarshal(body, &in); err != nil {
		s.writeError(w, serializationError(err))
		return
	}
	if err := s.checkBulkInput(r, &in); err != nil {
		s.writeError(w, err)
		return
	}
	params := in
	params.ClientToken = ""
	in.raw, _ = json.Marshal(params) // plain values: it cannot fail
	reg := s.bulk
	reg.mu.Lock()
	if in.ClientToken != "" {
		if op, ok := reg.byToken[in.ClientToken]; ok {
			reg.mu.Unlock()
			if !bytes.Equal(op.in.raw, in.raw) {
				s.writeError(w, &apiError{status: http.StatusBadRequest, typ: nsDynamoDB + "IdempotentParameterMismatchException",
					msg: "ClientToken " + in.ClientToken + " was used with other parameters"})
				return
			}
			s.writeJSON(w, http.StatusOK, map[string]any{"BulkOperationDescription": op.describe()})
			return
		}
	}
	sum := sha256.Sum256([]byte(fmt.Sprint(time.Now().UnixNano(), len(reg.order), in.ClientToken)))
	op := &bulkOp{arn: tableARN(in.TableName) + "/bulk-operation/" + hex.EncodeToString(sum[:8]), in: in,
		status: "IN_PROGRESS", start: time.Now(), done: make(chan struct{})}
	// The operation outlives the request that started it.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	op.cancel = cancel
	reg.byARN[op.arn] = op
	if in.ClientToken != "" {
		reg.byToken[in.ClientToken] = op
	}
	reg.order = append(reg.order, op)
	reg.mu.Unlock()
	headers := r.Header.Clone()
	go s.runBulk(ctx, op, headers)
	s.writeJSON(w, http.StatusOK, map[string]any{"BulkOperationDescription": op.describe()})
}

// checkBulkInput refuses what StartBulkPutItems refuses before starting.
func (s *Sim) checkBulkInput(r *http.Request, in *bulkInput) error {
	switch {
	case s.cfg.Bulk.Store == nil:
		return validationError("the simulator has no S3 store for bulk operations (sim.Config.Bulk.Store)")
	case in.TableName == "":
		return validationError("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
	case in.InputS3Configuration == nil || in.InputS3Configuration.S3Bucket == "":
		return validationError("1 validation error detected: Value null at 'inputS3Configuration.s3Bucket' failed to satisfy constraint: Member must not be null")
	case in.OutputS3Configuration == nil || len(in.OutputS3Configuration.OutputType) == 0:
		return validationError("1 validation error detected: Value null at 'outputS3Configuration.outputType' failed to satisfy constraint: Member must not be null")
	case in.MaxWriteRequestUnits != nil && *in.MaxWriteRequestUnits < minBulkWriteUnits:
		return validationError("1 validation error detected: Value '%d' at 'maxWriteRequestUnits' failed to satisfy constraint: Member must have value greater than or equal to %d",
			*in.MaxWriteRequestUnits, minBulkWriteUnits)
	case s.cfg.Bulk.GlobalTables[in.TableName]:
		return validationError("Bulk put items is not supported for global tables: table %s has replicas", in.TableName)
	}
	f := in.InputS3Configuration.InputFormat
	if f != "DYNAMODB_JSON" && f != "ION" {
		return validationError("1 validation error detected: Value '%s' at 'inputS3Configuration.inputFormat' failed to satisfy constraint: Member must satisfy enum value set: [DYNAMODB_JSON, ION]", f)
	}
	_, err := s.backend.meta(r, in.TableName)
	return err
}

func (s *Sim) describeBulkOperation(w http.ResponseWriter, body []byte) {
	op, err := s.bulkOp(body)
	if err != nil {
		s.writeError(w, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"BulkOperationDescription": op.describe()})
}

func (s *Sim) cancelBulkOperation(w http.ResponseWriter, body []byte) {
	op, err := s.bulkOp(body)
	if err != nil {
		s.writeError(w, err)
		return
	}
	op.mu.Lock()
	status := op.status
	if status == "IN_PROGRESS" {
		op.status = "CANCELLING"
		op.cancel()
	}
	st := op.status
	op.mu.Unlock()
	if status != "IN_PROGRESS" && status != "CANCELLING" {
		s.writeError(w, validationError("Bulk operation %s is %s and cannot be cancelled", op.arn, status))
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"BulkOperationArn": op.arn, "BulkOperationStatus": st})
}

func (s *Sim) listBulkOperations(w http.ResponseWriter) {
	s.bulk.mu.Lock()
	ops := append([]*bulkOp(nil), s.bulk.order...)
	s.bulk.mu.Unlock()
	list := make([]map[string]any, 0, len(ops))
	for i := len(ops) - 1; i >= 0; i-- { // newest first
		d := ops[i].describe()
		sum := map[string]any{"BulkOperationArn": d["BulkOperationArn"], "BulkOperationStatus": d["BulkOperationStatus"], "StartTime": d["StartTime"]}
		if e, ok := d["EndTime"]; ok {
			sum["EndTime"] = e
		}
		list = append(list, sum)
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"BulkOperationsSummaryList": list})
}

func (s *Sim) bulkOp(body []byte) (*bulkOp, error) {
	var in struct{ BulkOperationArn string }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, serializationError(err)
	}
	s.bulk.mu.Lock()
	op, ok := s.bulk.byARN[in.BulkOperationArn]
	s.bulk.mu.Unlock()
	if !ok {
		return nil, &apiError{status: http.StatusBadRequest, typ: nsDynamoDB + "ResourceNotFoundException",
			msg: "Requested resource not found: Bulk operation " + in.BulkOperationArn + " not found"}
	}
	return op, nil
}

// describe is the operation's BulkOperationDescription in the wire shape.
func (op *bulkOp) describe() map[string]any {
	op.mu.Lock()
	defer op.mu.Unlock()
	d := map[string]any{
		"BulkOperationArn":      op.arn,
		"BulkOperationStatus":   op.status,
		"StartTime":             epochSeconds(op.start),
		"ProcessedItemCount":    op.processed,
		"FailedItemCount":       op.failed,
		"ProcessedInputBytes":   op.readBytes,
		"InputS3Configuration":  op.in.InputS3Configuration,
		"OutputS3Configuration": op.in.OutputS3Configuration,
		"TableDetails":          []map[string]any{{"TableName": op.in.TableName}},
	}
	if op.in.ClientToken != "" {
		d["ClientToken"] = op.in.ClientToken
	}
	if op.in.MaxWriteRequestUnits != nil {
		d["MaxWriteRequestUnits"] = *op.in.MaxWriteRequestUnits
	}
	tier := op.in.PerformanceTier
	if tier == "" {
		tier = "STANDARD"
	}
	d["PerformanceTier"] = tier
	if op.total > 0 {
		d["TotalInputBytes"] = op.total
	}
	if !op.end.IsZero() {
		d["EndTime"] = epochSeconds(op.end)
	}
	if op.failCode != "" {
		d["FailureCode"], d["FailureMessage"] = op.failCode, op.failMsg
	}
	return d
}

func epochSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// runBulk carries out op: every object under the input prefix, line by line.
func (s *Sim) runBulk(ctx context.Context, op *bulkOp, headers http.Header) {
	defer close(op.done)
	in := op.in.InputS3Configuration
	store := s.cfg.Bulk.Store
	keys, err := store.Keys(in.S3Bucket, in.S3KeyPrefix)
	if err == nil && len(keys) == 0 {
		err = fmt.Errorf("no objects under s3://%s/%s", in.S3Bucket, in.S3KeyPrefix)
	}
	if err == nil && in.InputFormat != "DYNAMODB_JSON" {
		err = fmt.Errorf("the simulator reads only DYNAMODB_JSON input, not %s", in.InputFormat)
	}
	if err == nil && in.InputCompressionType == "ZSTD" {
		err = fmt.Errorf("the simulator reads only GZIP or uncompressed input, not ZSTD")
	}
	if err != nil {
		op.finish("FAILED", "InputS3Error", err.Error())
		return
	}
	wru := int64(minBulkWriteUnits) * 40 // unset: far above what a local backend takes
	if op.in.MaxWriteRequestUnits != nil {
		wru = *op.in.MaxWriteRequestUnits
	}
	w := &bulkWriter{s: s, op: op, headers: headers, limit: rate.NewLimiter(rate.Limit(wru), int(wru))}
	for _, key := range keys {
		if err := w.object(ctx, store, in, key); err != nil {
			if ctx.Err() != nil {
				break
			}
			s.end(op, "FAILED", "InternalError", err.Error())
			return
		}
	}
	if err := w.flush(ctx); err != nil && ctx.Err() == nil {
		s.end(op, "FAILED", "InternalError", err.Error())
		return
	}
	switch {
	case ctx.Err() != nil:
		s.end(op, "CANCELLED", "UserCancelled", "The bulk operation was cancelled by request")
	case op.failedCount() > 0:
		s.end(op, "COMPLETED_WITH_ERRORS", "", "")
	default:
		s.end(op, "COMPLETED", "", "")
	}
}

// end writes op's report, then shows its final status: a client that sees the status can
// read the report.
func (s *Sim) end(op *bulkOp, status, code, msg string) {
	s.writeBulkReport(op, status)
	op.finish(status, code, msg)
}

func (op *bulkOp) finish(status, code, msg string) {
	op.mu.Lock()
	defer op.mu.Unlock()
	op.status, op.failCode, op.failMsg, op.end = status, code, msg, time.Now()
}

func (op *bulkOp) failedCount() int64 {
	op.mu.Lock()
	defer op.mu.Unlock()
	return op.failed
}

// bulkWriter writes an operation's items in batches of 25 through the simulator's own
// BatchWriteItem, so its capacity model applies, retrying what comes back unprocessed.
type bulkWriter struct {
	s       *Sim
	op      *bulkOp
	headers http.Header
	limit   *rate.Limiter
	batch   []json.RawMessage
	wcu     int
}

func (w *bulkWriter) object(ctx context.Context, store BulkStore, in *bulkS3Input, key string) error {
	body, err := store.Get(in.S3Bucket, key)
	if err != nil {
		return err
	}
	defer body.Close()
	counted := &countingReader{r: body}
	var r io.Reader = counted
	if in.InputCompressionType == "GZIP" {
		zr, err := gzip.NewReader(counted)
		if err != nil {
			w.fail(key, 0, nil, "InvalidInput", "the object is not gzip data: "+err.Error())
			return nil
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 2*ddbitem.MaxItemBytes+64<<10)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		w.record(ctx, key, line, text)
		w.op.mu.Lock()
		w.op.readBytes = counted.n
		w.op.mu.Unlock()
	}
	if err := sc.Err(); err != nil {
		w.fail(key, line+1, nil, "InvalidInput", "the object could not be read to its end: "+err.Error())
	}
	return nil
}

// record writes one input line, or reports it failed.
func (w *bulkWriter) record(ctx context.Context, key string, line int, text []byte) {
	var rec struct {
		Item map[string]json.RawMessage `json:"Item"`
	}
	if err := json.Unmarshal(text, &rec); err != nil || rec.Item == nil {
		w.fail(key, line, nil, "InvalidInput", "the line is not a DynamoDB JSON record {\"Item\": {...}}")
		return
	}
	itemJSON, _ := json.Marshal(rec.Item) // decoded from JSON: it encodes again
	var attrs item
	if err := json.Unmarshal(itemJSON, &attrs); err != nil {
		w.fail(key, line, itemJSON, "ValidationError", "One or more parameter values were invalid: "+err.Error())
		return
	}
	if err := attrs.check(); err != nil {
		w.fail(key, line, itemJSON, "ValidationError", err.Error())
		return
	}
	meta, err := w.s.backend.meta(w.request(ctx, "DescribeTable"), w.op.in.TableName)
	if err != nil {
		w.fail(key, line, itemJSON, "ValidationError", err.Error())
		return
	}
	if _, _, err := meta.keyOf(attrs, false); err != nil {
		msg := err.Error()
		var ae *apiError
		if errors.As(err, &ae) {
			msg = ae.msg
		}
		w.fail(key, line, itemJSON, "ValidationError", msg)
		return
	}
	size := attrs.size()
	if size > ddbitem.MaxItemBytes {
		w.fail(key, line, itemJSON, "ValidationError", "Item size has exceeded the maximum allowed size")
		return
	}
	if w.s.faults.draw(w.s.bulkFailureRate()) {
		w.fail(key, line, itemJSON, "ValidationError", "the item failed (injected by the simulator)")
		return
	}
	w.batch = append(w.batch, itemJSON)
	w.wcu += int(ddbitem.WriteUnits(size))
	w.op.mu.Lock()
	w.op.processed++
	w.op.mu.Unlock()
	if len(w.batch) == 25 {
		if err := w.flush(ctx); err != nil {
			w.fail(key, line, itemJSON, "InternalError", err.Error())
		}
	}
}

func (w *bulkWriter) fail(key string, line int, item json.RawMessage, code, msg string) {
	w.op.mu.Lock()
	defer w.op.mu.Unlock()
	w.op.processed++
	w.op.failed++
	w.op.failures = append(w.op.failures, bulkFailure{object: key, line: line, item: item, code: code, msg: msg})
}

// flush writes the batch, waiting for the rate and retrying unprocessed items until ctx ends.
func (w *bulkWriter) flush(ctx context.Context) error {
	pending := w.batch
	w.batch = nil
	for len(pending) > 0 {
		if err := w.limit.WaitN(ctx, min(w.wcu, w.limit.Burst())); err != nil {
			return err
		}
		var b bytes.Buffer
		b.WriteString(`{"RequestItems":{`)
		name, _ := json.Marshal(w.op.in.TableName)
		b.Write(name)
		b.WriteString(`:[`)
		for i, it := range pending {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"PutRequest":{"Item":`)
			b.Write(it)
			b.WriteString(`}}`)
		}
		b.WriteString(`]}}`)
		rec := httptest.NewRecorder()
		w.s.batchWrite(rec, w.request(ctx, "BatchWriteItem"), b.Bytes())
		var out struct {
			UnprocessedItems map[string][]struct {
				PutRequest struct{ Item json.RawMessage }
			}
		}
		if rec.Code != http.StatusOK {
			// Throttled as a whole: wait a moment and send it all again.
			if !strings.Contains(rec.Body.String(), "Throughput") && !strings.Contains(rec.Body.String(), "Throttling") {
				return fmt.Errorf("BatchWriteItem answered HTTP %d: %s", rec.Code, rec.Body.String())
			}
			if err := sleepCtx(ctx, 50*time.Millisecond); err != nil {
				return err
			}
			continue
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			return err
		}
		pending = pending[:0:0]
		for _, reqs := range out.UnprocessedItems {
			for _, r := range reqs {
				pending = append(pending, r.PutRequest.Item)
			}
		}
		if len(pending) > 0 {
			if err := sleepCtx(ctx, 20*time.Millisecond); err != nil {
				return err
			}
		}
	}
	w.wcu = 0
	return nil
}

// request is a request of op as the operation's starter signed it, for the backend.
func (w *bulkWriter) request(ctx context.Context, op string) *http.Request {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/", http.NoBody)
	req.Header = w.headers.Clone()
	req.Header.Set("X-Amz-Target", targetPrefix+op)
	return req
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// writeBulkReport writes the operation's failures to its output location (see
// docs/design/bulk-put.md for the layout the simulator follows).
func (s *Sim) writeBulkReport(op *bulkOp, status string) {
	op.mu.Lock()
	failures := append([]bulkFailure(nil), op.failures...)
	out := op.in.OutputS3Configuration
	op.mu.Unlock()
	if out == nil || out.S3Bucket == "" {
		return
	}
	sort.SliceStable(failures, func(i, j int) bool { return failures[i].object < failures[j].object })
	prefix := strings.TrimSuffix(out.S3KeyPrefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	prefix += "AWSDynamoDB/" + op.arn[strings.LastIndex(op.arn, "/")+1:] + "/"
	var b bytes.Buffer
	for _, f := range failures {
		rec := map[string]any{"ErrorCode": f.code, "ErrorMessage": f.msg, "SourceObject": "s3://" + op.in.InputS3Configuration.S3Bucket + "/" + f.object}
		if f.line > 0 {
			rec["SourceLine"] = f.line
		}
		if f.item != nil {
			rec["Item"] = f.item
		}
		line, _ := json.Marshal(rec)
		b.Write(line)
		b.WriteByte('\n')
	}
	files := []string{}
	if b.Len() > 0 {
		key := prefix + "errors/part-00000.json"
		_ = s.cfg.Bulk.Store.Put(out.S3Bucket, key, b.Bytes())
		files = append(files, key)
	}
	manifest, _ := json.Marshal(map[string]any{"bulkOperationArn": op.arn, "status": status, "errorFiles": files, "failedItemCount": len(failures)})
	_ = s.cfg.Bulk.Store.Put(out.S3Bucket, prefix+"manifest-summary.json", manifest)
}

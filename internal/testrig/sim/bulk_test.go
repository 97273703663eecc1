package sim

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/s3server"
)

// bulkRig is a simulator with an in-memory table "orders" (pk, sk) and a versitygw bucket
// "stage" for the bulk operations.
type bulkRig struct {
	sim   *Sim
	ddb   *dynamodb.Client
	s3    *s3.Client
	store BulkStore
}

func startBulkRig(t *testing.T, cfg BulkConfig) *bulkRig {
	t.Helper()
	srv, err := s3server.Start(context.Background(), s3server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	c := s3.New(s3.Options{Region: s3server.Region, BaseEndpoint: aws.String(srv.Endpoint), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(s3server.AccessKeyID, s3server.SecretAccessKey, "")})
	if _, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String("stage")}); err != nil {
		t.Fatal(err)
	}
	cfg.Store = S3BulkStore(c)
	s, ddb := startSim(t, Config{Bulk: cfg, Tables: map[string]TableConfig{
		"orders": {PartitionKey: "pk", SortKey: "sk", Partitions: 4},
		"global": {PartitionKey: "pk", SortKey: "sk"},
	}})
	return &bulkRig{sim: s, ddb: ddb, s3: c, store: cfg.Store}
}

// ddbLines is n DynamoDB JSON records from index first on.
func ddbLines(first, n int) string {
	var b strings.Builder
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, `{"Item":{"pk":{"S":"p%d"},"sk":{"S":"%d"},"n":{"N":"%d"}}}`+"\n", i%37, i, i)
	}
	return b.String()
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (r *bulkRig) start(t *testing.T, token, prefix, compression string, wru int64) (*types.BulkOperationDescription, error) {
	t.Helper()
	in := &dynamodb.StartBulkPutItemsInput{
		TableName:             aws.String("orders"),
		ClientToken:           aws.String(token),
		InputS3Configuration:  &types.InputS3Configuration{S3Bucket: aws.String("stage"), S3KeyPrefix: aws.String(prefix), InputFormat: types.BulkOperationInputFormatDynamodbJson, InputCompressionType: types.InputCompressionType(compression)},
		OutputS3Configuration: &types.OutputS3Configuration{S3Bucket: aws.String("stage"), S3KeyPrefix: aws.String("reports/"), OutputType: []types.OutputTypeEnum{types.OutputTypeEnumError}},
	}
	if wru > 0 {
		in.MaxWriteRequestUnits = aws.Int64(wru)
	}
	out, err := r.ddb.StartBulkPutItems(context.Background(), in)
	if err != nil {
		return nil, err
	}
	return out.BulkOperationDescription, nil
}

// wait polls the operation until it leaves IN_PROGRESS and CANCELLING.
func (r *bulkRig) wait(t *testing.T, arn *string) *types.BulkOperationDescription {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		out, err := r.ddb.DescribeBulkOperation(context.Background(), &dynamodb.DescribeBulkOperationInput{BulkOperationArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		d := out.BulkOperationDescription
		if s := d.BulkOperationStatus; s != types.BulkOperationStatusInProgress && s != types.BulkOperationStatusCancelling {
			return d
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the bulk operation did not end within a minute")
	return nil
}

func (r *bulkRig) count(t *testing.T) int {
	t.Helper()
	n := 0
	p := dynamodb.NewScanPaginator(r.ddb, &dynamodb.ScanInput{TableName: aws.String("orders")})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
	}
	return n
}

// TestBulkPutItems: an operation reads every object under its prefix (gzip), writes every
// valid item through the capacity model, counts and reports the invalid ones with their object
// and line, ends COMPLETED_WITH_ERRORS; a repeated start with the same token returns the same
// operation, with other parameters IdempotentParameterMismatchException.
func TestBulkPutItems(t *testing.T) {
	r := startBulkRig(t, BulkConfig{})
	bad := `{"Item":{"pk":{"S":"x"}}}` + "\n" + `not json` + "\n"
	for key, body := range map[string][]byte{
		"in/part-1.json.gz": gz(t, ddbLines(0, 600)),
		"in/part-2.json.gz": gz(t, ddbLines(600, 400)+bad),
		"other/x.json.gz":   gz(t, ddbLines(5000, 10)),
	} {
		if err := r.store.Put("stage", key, body); err != nil {
			t.Fatal(err)
		}
	}
	d, err := r.start(t, "tok-1", "in/", "GZIP", 0)
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.start(t, "tok-1", "in/", "GZIP", 0)
	if err != nil || aws.ToString(again.BulkOperationArn) != aws.ToString(d.BulkOperationArn) {
		t.Fatalf("a repeated start: %v, ARN %s, want %s", err, aws.ToString(again.BulkOperationArn), aws.ToString(d.BulkOperationArn))
	}
	if _, err := r.start(t, "tok-1", "other/", "GZIP", 0); !errors.As(err, new(*types.IdempotentParameterMismatchException)) {
		t.Fatalf("the same token with another prefix: %v", err)
	}
	end := r.wait(t, d.BulkOperationArn)
	if end.BulkOperationStatus != types.BulkOperationStatusCompletedWithErrors || end.ProcessedItemCount != 1002 || end.FailedItemCount != 2 || end.EndTime == nil {
		t.Fatalf("ended %s, %d processed, %d failed", end.BulkOperationStatus, end.ProcessedItemCount, end.FailedItemCount)
	}
	if n := r.count(t); n != 1000 {
		t.Fatalf("the table holds %d items, want 1000", n)
	}
	keys, err := r.store.Keys("stage", "reports/")
	if err != nil || len(keys) != 2 {
		t.Fatalf("report objects %v, %v", keys, err)
	}
	var report []byte
	for _, k := range keys {
		if strings.Contains(k, "errors/") {
			rc, err := r.store.Get("stage", k)
			if err != nil {
				t.Fatal(err)
			}
			report, _ = io.ReadAll(rc)
			_ = rc.Close()
		}
	}
	for _, want := range []string{`"SourceLine":401,"SourceObject":"s3://stage/in/part-2.json.gz"`, `Missing the key sk in the item`, `"SourceLine":402`} {
		if !strings.Contains(string(report), want) {
			t.Fatalf("the error report lacks %s:\n%s", want, report)
		}
	}
}

// TestBulkPutItemsRefusals: what StartBulkPutItems refuses before starting.
func TestBulkPutItemsRefusals(t *testing.T) {
	r := startBulkRig(t, BulkConfig{GlobalTables: map[string]bool{"global": true}})
	if _, err := r.start(t, "t", "in/", "NONE", 1000); err == nil || !strings.Contains(err.Error(), "greater than or equal to 1024") {
		t.Fatalf("MaxWriteRequestUnits 1000: %v", err)
	}
	_, err := r.ddb.StartBulkPutItems(context.Background(), &dynamodb.StartBulkPutItemsInput{
		TableName:             aws.String("global"),
		InputS3Configuration:  &types.InputS3Configuration{S3Bucket: aws.String("stage"), InputFormat: types.BulkOperationInputFormatDynamodbJson},
		OutputS3Configuration: &types.OutputS3Configuration{S3Bucket: aws.String("stage"), OutputType: []types.OutputTypeEnum{types.OutputTypeEnumError}},
	})
	if err == nil || !strings.Contains(err.Error(), "global tables") {
		t.Fatalf("a global table: %v", err)
	}
	_, err = r.ddb.DescribeBulkOperation(context.Background(), &dynamodb.DescribeBulkOperationInput{BulkOperationArn: aws.String("arn:none")})
	if !errors.As(err, new(*types.ResourceNotFoundException)) {
		t.Fatalf("describing an unknown operation: %v", err)
	}
	// No objects under the prefix: the operation fails.
	d, err := r.start(t, "t2", "empty/", "NONE", 0)
	if err != nil {
		t.Fatal(err)
	}
	if end := r.wait(t, d.BulkOperationArn); end.BulkOperationStatus != types.BulkOperationStatusFailed || aws.ToString(end.FailureMessage) == "" {
		t.Fatalf("no input: ended %s (%s)", end.BulkOperationStatus, aws.ToString(end.FailureMessage))
	}
}

// TestBulkPutItemsCancel: a cancelled operation passes through CANCELLING to CANCELLED and
// writes no more; MaxWriteRequestUnits paces it.
func TestBulkPutItemsCancel(t *testing.T) {
	r := startBulkRig(t, BulkConfig{})
	if err := r.store.Put("stage", "slow/part.json", []byte(ddbLines(0, 20000))); err != nil {
		t.Fatal(err)
	}
	d, err := r.start(t, "slow", "slow/", "NONE", 1024) // 20,000 items at 1,024 WCU/s: about 20 s
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	out, err := r.ddb.CancelBulkOperation(context.Background(), &dynamodb.CancelBulkOperationInput{BulkOperationArn: d.BulkOperationArn})
	if err != nil || out.BulkOperationStatus != types.BulkOperationStatusCancelling {
		t.Fatalf("cancel: %v, %v", err, out)
	}
	end := r.wait(t, d.BulkOperationArn)
	if end.BulkOperationStatus != types.BulkOperationStatusCancelled {
		t.Fatalf("ended %s", end.BulkOperationStatus)
	}
	written := r.count(t)
	if written == 0 || written >= 20000 || end.ProcessedItemCount >= 20000 {
		t.Fatalf("cancelled after %d items written, %d processed: want some, not all", written, end.ProcessedItemCount)
	}
	time.Sleep(200 * time.Millisecond)
	if n := r.count(t); n != written {
		t.Fatalf("%d items written after the cancellation ended", n-written)
	}
}

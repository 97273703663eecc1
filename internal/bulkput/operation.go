package bulkput

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// API is the part of the DynamoDB client that runs bulk operations.
type API interface {
	StartBulkPutItems(ctx context.Context, in *dynamodb.StartBulkPutItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.StartBulkPutItemsOutput, error)
	DescribeBulkOperation(ctx context.Context, in *dynamodb.DescribeBulkOperationInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeBulkOperationOutput, error)
	CancelBulkOperation(ctx context.Context, in *dynamodb.CancelBulkOperationInput, optFns ...func(*dynamodb.Options)) (*dynamodb.CancelBulkOperationOutput, error)
}

// MinWriteUnits is the least MaxWriteRequestUnits StartBulkPutItems takes.
const MinWriteUnits = 1024

// Operation is a bulk put to start.
type Operation struct {
	Table string
	// Input is where the items are: every object under it is read, gzip-compressed unless
	// Uncompressed.
	Bucket, Prefix string
	Uncompressed   bool
	// Reports is where the service writes its error report (under ReportPrefix).
	ReportBucket, ReportPrefix string
	// MaxWriteUnits caps the operation's write rate (>= MinWriteUnits); 0 leaves it to the
	// service.
	MaxWriteUnits int64
	// Token makes the start idempotent: the same token and parameters give the same operation
	// for eight hours, running or ended.
	Token string
}

// Token derives a client token from what decides an operation: the same parts give the same
// token, so that an apply that died after starting one finds it again instead of starting a
// second. It is 32 hex digits.
func Token(parts ...string) string {
	h := sha256.New()
	_, _ = h.Write([]byte("ddbload-bulkput-v1"))
	for _, p := range parts {
		_, _ = fmt.Fprintf(h, "\x00%d:%s", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Start starts op, or returns the operation its token already started.
func Start(ctx context.Context, api API, op Operation) (*types.BulkOperationDescription, error) {
	if op.MaxWriteUnits != 0 && op.MaxWriteUnits < MinWriteUnits {
		return nil, fmt.Errorf("a bulk put's write rate is at least %d write units per second, not %d", MinWriteUnits, op.MaxWriteUnits)
	}
	in := &dynamodb.StartBulkPutItemsInput{
		TableName:   aws.String(op.Table),
		ClientToken: aws.String(op.Token),
		InputS3Configuration: &types.InputS3Configuration{
			S3Bucket: aws.String(op.Bucket), S3KeyPrefix: aws.String(op.Prefix),
			InputFormat: types.BulkOperationInputFormatDynamodbJson, InputCompressionType: types.InputCompressionTypeGzip,
		},
		OutputS3Configuration: &types.OutputS3Configuration{
			S3Bucket: aws.String(op.ReportBucket), S3KeyPrefix: aws.String(op.ReportPrefix),
			OutputType: []types.OutputTypeEnum{types.OutputTypeEnumError},
		},
	}
	if op.Uncompressed {
		in.InputS3Configuration.InputCompressionType = types.InputCompressionTypeNone
	}
	if op.MaxWriteUnits > 0 {
		in.MaxWriteRequestUnits = aws.Int64(op.MaxWriteUnits)
	}
	out, err := api.StartBulkPutItems(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("starting the bulk put into %s: %w", op.Table, err)
	}
	if out.BulkOperationDescription == nil || out.BulkOperationDescription.BulkOperationArn == nil {
		return nil, errors.New("StartBulkPutItems answered without an operation")
	}
	return out.BulkOperationDescription, nil
}

// maxChain bounds the tokens one start tries, each after an earlier operation that ended.
const maxChain = 16

// StartLive starts op, or finds the operation its token started if that one still runs. An
// operation of the token that has ended (or is being cancelled) belongs to an earlier apply,
// such as the same dataset loaded again after a destroy or after a cancelled load; the token
// cannot start another for eight hours, so it is chained to that operation's ARN and the start
// repeated. A repeated apply walks the same chain to the live link. Each link reports under
// op.ReportPrefix + its token + "/", so that its error report holds only its own failures.
// StartLive returns the operation as started, with its token and report prefix.
func StartLive(ctx context.Context, api API, op Operation) (Operation, *types.BulkOperationDescription, error) {
	reports := op.ReportPrefix
	for range maxChain {
		op.ReportPrefix = reports + op.Token + "/"
		d, err := Start(ctx, api, op)
		if err != nil {
			return op, nil, err
		}
		if !Ended(d.BulkOperationStatus) && d.BulkOperationStatus != types.BulkOperationStatusCancelling {
			return op, d, nil
		}
		op.Token = Token(op.Token, aws.ToString(d.BulkOperationArn))
	}
	return op, nil, fmt.Errorf("starting the bulk put into %s: %d earlier operations with this load's client tokens have ended; wait for their tokens to expire (eight hours) or change staging.prefix", op.Table, maxChain)
}

// Ended tells whether status is final.
func Ended(status types.BulkOperationStatus) bool {
	switch status {
	case types.BulkOperationStatusCompleted, types.BulkOperationStatusCompletedWithErrors,
		types.BulkOperationStatusCancelled, types.BulkOperationStatusFailed:
		return true
	}
	return false
}

// Follow describes the operation until it ends, telling progress of each description: after
// a second, then at doubling intervals up to poll, so that a short operation ends promptly and
// a long one costs few calls. When ctx ends first it cancels the operation and follows it, for at most
// cancelWait, to CANCELLED (or whatever it ended as), returning the last description with
// ctx's error: the table may hold any part of the input then.
func Follow(ctx context.Context, api API, arn string, poll, cancelWait time.Duration, progress func(*types.BulkOperationDescription)) (*types.BulkOperationDescription, error) {
	var last *types.BulkOperationDescription
	wait := min(time.Second, poll)
	for {
		d, err := describe(ctx, api, arn)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			return last, err
		}
		last = d
		if progress != nil {
			progress(d)
		}
		if Ended(d.BulkOperationStatus) {
			return d, nil
		}
		t := time.NewTimer(wait)
		wait = min(2*wait, poll)
		select {
		case <-t.C:
			continue
		case <-ctx.Done():
			t.Stop()
		}
		break
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), cancelWait)
	defer cancel()
	if _, err := api.CancelBulkOperation(stop, &dynamodb.CancelBulkOperationInput{BulkOperationArn: aws.String(arn)}); err != nil {
		return last, fmt.Errorf("%w; cancelling the bulk put %s failed: %v", ctx.Err(), arn, err) //nolint:errorlint // ctx's error is the one to test
	}
	for {
		d, err := describe(stop, api, arn)
		if err == nil {
			last = d
			if progress != nil {
				progress(d)
			}
			if Ended(d.BulkOperationStatus) {
				return d, ctx.Err()
			}
		}
		t := time.NewTimer(poll)
		select {
		case <-t.C:
		case <-stop.Done():
			t.Stop()
			return last, fmt.Errorf("%w; the bulk put %s was asked to stop but had not within %s", ctx.Err(), arn, cancelWait)
		}
	}
}

func describe(ctx context.Context, api API, arn string) (*types.BulkOperationDescription, error) {
	out, err := api.DescribeBulkOperation(ctx, &dynamodb.DescribeBulkOperationInput{BulkOperationArn: aws.String(arn)})
	if err != nil {
		return nil, fmt.Errorf("describing the bulk put %s: %w", arn, err)
	}
	if out.BulkOperationDescription == nil {
		return nil, fmt.Errorf("DescribeBulkOperation answered without a description of %s", arn)
	}
	return out.BulkOperationDescription, nil
}

package sim

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

func TestServerErrorFault(t *testing.T) {
	t.Parallel()
	s, c := startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}, Faults: Faults{ServerErrorRate: 1}})
	_, _, err := writeBatch(t, c, hashItems(t, "a", 5, 100))
	var re *awshttp.ResponseError
	var ise *types.InternalServerError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 500 || !errors.As(err, &ise) {
		t.Fatalf("got %v; want HTTP 500 InternalServerError", err)
	}
	_, err = c.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String("tbl"), Item: itemOfSize(t, "p", "", 100)})
	if !errors.As(err, &re) || re.HTTPStatusCode() != 500 {
		t.Fatalf("PutItem: got %v; want HTTP 500", err)
	}
	if n := sinkCount(t, s); n != 0 {
		t.Fatalf("failed requests applied %d items", n)
	}
	if st := s.Stats(); st.Faults.ServerErrors != 2 || st.WCUConsumed != 0 {
		t.Fatalf("stats %+v: want 2 server errors and nothing consumed", st)
	}
}

func TestResetFault(t *testing.T) {
	t.Parallel()
	s, c := startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}, Faults: Faults{ResetRate: 1}})
	_, _, err := writeBatch(t, c, hashItems(t, "a", 5, 100))
	// The SDK reports a transport failure as a ResponseError without a status, not an API error.
	var re *awshttp.ResponseError
	var ae smithy.APIError
	if err == nil || errors.As(err, &ae) || (errors.As(err, &re) && re.HTTPStatusCode() != 0) {
		t.Fatalf("got %v; want a connection error without an HTTP response", err)
	}
	if n := sinkCount(t, s); n != 0 {
		t.Fatalf("a reset request applied %d items", n)
	}
	if st := s.Stats(); st.Faults.Resets != 1 {
		t.Fatalf("stats %+v: want 1 reset", st)
	}
}

func TestThrottleFault(t *testing.T) {
	t.Parallel()
	s, c := startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}, Faults: Faults{ThrottleRate: 1}})
	_, _, err := writeBatch(t, c, hashItems(t, "a", 5, 100))
	var pte *types.ProvisionedThroughputExceededException
	if !errors.As(err, &pte) {
		t.Fatalf("got %v; want ProvisionedThroughputExceededException", err)
	}
	// Only BatchWriteItem is throttled.
	if _, err := c.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("tbl")}); err != nil {
		t.Fatal(err)
	}
	if n := sinkCount(t, s); n != 0 {
		t.Fatalf("a throttled request applied %d items", n)
	}
	if st := s.Stats(); st.Faults.Throttles != 1 || st.ThrottledRequests != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestUnprocessedFaultIsSeeded(t *testing.T) {
	t.Parallel()
	run := func(seed int64) (unprocessed int, s *Sim) {
		s, c := startSim(t, Config{Seed: seed, Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 1e6, false)},
			Faults: Faults{UnprocessedRate: 0.3}})
		items := hashItems(t, "a", 1000, 100)
		for i := 0; i < len(items); i += 25 {
			n, _, err := writeBatch(t, c, items[i:i+25])
			if err != nil {
				t.Fatal(err)
			}
			unprocessed += 25 - n
		}
		return unprocessed, s
	}
	first, s := run(42)
	if first < 250 || first > 350 {
		t.Fatalf("%d of 1000 items came back unprocessed; want about 300", first)
	}
	if n := sinkCount(t, s); n != 1000-first {
		t.Fatalf("the sink holds %d items; want the %d processed", n, 1000-first)
	}
	if st := s.Stats(); st.Faults.UnprocessedItems != int64(first) || st.UnprocessedItems != int64(first) {
		t.Fatalf("stats %+v; want %d unprocessed", st, first)
	}
	if again, _ := run(42); again != first {
		t.Fatalf("the same seed gave %d unprocessed, then %d", first, again)
	}
}

func TestLatencyFault(t *testing.T) {
	t.Parallel()
	_, c := startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}, Faults: Faults{Latency: 50 * time.Millisecond}})
	start := time.Now()
	if _, err := c.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String("tbl")}); err != nil {
		t.Fatal(err)
	}
	// A lower bound only: latency is added, never asserted as speed.
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("the call took %v; the simulator adds 50ms", d)
	}
}

// TestAnswerDelayFault: a client that stops waiting gets no answer, but the writes were made;
// one that waits gets the answer.
func TestAnswerDelayFault(t *testing.T) {
	t.Parallel()
	s, c := startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}, Faults: Faults{AnswerDelay: time.Hour}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := c.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{"tbl": puts(hashItems(t, "a", 5, 100))}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v; want the client's deadline", err)
	}
	// The client may give up before the simulator has read the request: wait for it.
	for i := 0; sinkCount(t, s) != 5; i++ {
		if i == 200 {
			t.Fatalf("the unanswered call applied %d items, want 5", sinkCount(t, s))
		}
		time.Sleep(25 * time.Millisecond)
	}

	s, c = startSim(t, Config{Tables: map[string]TableConfig{"tbl": sinkTableConfig(1, 0, false)}, Faults: Faults{AnswerDelay: time.Millisecond}})
	if _, _, err := writeBatch(t, c, hashItems(t, "b", 5, 100)); err != nil {
		t.Fatal(err)
	}
	if n := sinkCount(t, s); n != 5 {
		t.Fatalf("applied %d items, want 5", n)
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]Config{
		"rate above 1":     {Faults: Faults{ServerErrorRate: 1.5}},
		"negative rate":    {Faults: Faults{UnprocessedRate: -0.1}},
		"negative latency": {Faults: Faults{Latency: -time.Second}},
		"negative delay":   {Faults: Faults{AnswerDelay: -time.Second}},
		"negative wcu":     {Tables: map[string]TableConfig{"tbl": {TableWCU: -1}}},
		"bad key type":     {Tables: map[string]TableConfig{"tbl": {PartitionKey: "pk", PartitionKeyType: "X"}}},
		"bad backend":      {Backend: "127.0.0.1:8000"},
		"bad sink table":   {Tables: map[string]TableConfig{"t": {PartitionKey: "pk"}}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
}

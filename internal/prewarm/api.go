package prewarm

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// UpdateAPI is the call that changes a table; *dynamodb.Client satisfies it.
type UpdateAPI interface {
	UpdateTable(ctx context.Context, in *dynamodb.UpdateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateTableOutput, error)
}

// API is every DynamoDB call this package makes; *dynamodb.Client satisfies it.
type API interface {
	tableinfo.DescribeAPI
	UpdateAPI
}

// Clock tells the time and sleeps. Tests inject a fake that advances instantly.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends, whichever comes first, and returns ctx.Err() in
	// the second case.
	Sleep(ctx context.Context, d time.Duration) error
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx ends.
func (SystemClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Snapshot is one DescribeTable of the table: its description plus the identity of this
// incarnation of the table, so a table deleted and recreated under the same name is told
// apart from the one that was pre-warmed.
type Snapshot struct {
	*tableinfo.Table
	// ID identifies this incarnation of the table: DynamoDB's TableId, or its creation time
	// when the server reports no TableId; "" when it reports neither.
	ID string
	// CreatedAt is the table's creation time (zero if not reported).
	CreatedAt time.Time
}

// Describe reads a table with one DescribeTable call. A missing table is a
// *tableinfo.NotFoundError.
func Describe(ctx context.Context, api tableinfo.DescribeAPI, name string) (*Snapshot, error) {
	c := &capture{api: api}
	t, err := tableinfo.Describe(ctx, c, name)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Table: t}
	if c.out != nil && c.out.Table != nil {
		d := c.out.Table
		if d.CreationDateTime != nil {
			s.CreatedAt = *d.CreationDateTime
		}
		switch {
		case d.TableId != nil && *d.TableId != "":
			s.ID = *d.TableId
		case !s.CreatedAt.IsZero():
			s.ID = "created-" + s.CreatedAt.UTC().Format(time.RFC3339Nano)
		}
	}
	return s, nil
}

// capture remembers the raw DescribeTable answer, for the fields tableinfo does not convert.
type capture struct {
	api tableinfo.DescribeAPI
	out *dynamodb.DescribeTableOutput
}

func (c *capture) DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error) {
	out, err := c.api.DescribeTable(ctx, in, optFns...)
	c.out = out
	return out, err
}

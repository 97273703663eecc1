package tableinfo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DescribeAPI is the one DynamoDB call this package makes; *dynamodb.Client satisfies it.
type DescribeAPI interface {
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// NotFoundError says the table does not exist (in this account, region and endpoint).
type NotFoundError struct {
	Table string
	Err   error
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("table %q does not exist: %v", e.Table, e.Err)
}

func (e *NotFoundError) Unwrap() error { return e.Err }

// Describe reads one table's description.
func Describe(ctx context.Context, api DescribeAPI, name string) (*Table, error) {
	out, err := api.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		var rnf *types.ResourceNotFoundException
		if errors.As(err, &rnf) {
			return nil, &NotFoundError{Table: name, Err: err}
		}
		return nil, fmt.Errorf("describing table %q: %w", name, err)
	}
	if out.Table == nil {
		return nil, fmt.Errorf("describing table %q: the response holds no table description", name)
	}
	return fromDescription(out.Table), nil
}

// Cache remembers descriptions per table name, so a long operation (a load, a plan over many
// resources) asks DynamoDB once per table. Errors are not cached. Safe for concurrent use.
type Cache struct {
	api DescribeAPI

	mu     sync.Mutex
	tables map[string]*Table
}

// NewCache returns an empty cache over api.
func NewCache(api DescribeAPI) *Cache {
	return &Cache{api: api, tables: map[string]*Table{}}
}

// Get returns the cached description of name, describing the table on first use.
func (c *Cache) Get(ctx context.Context, name string) (*Table, error) {
	c.mu.Lock()
	t, ok := c.tables[name]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := Describe(ctx, c.api, name)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.tables[name] = t
	c.mu.Unlock()
	return t, nil
}

// Forget drops name from the cache, e.g. after an UpdateTable changed it.
func (c *Cache) Forget(name string) {
	c.mu.Lock()
	delete(c.tables, name)
	c.mu.Unlock()
}

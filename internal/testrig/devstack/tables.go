package devstack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TableAPI is what the table helpers call.
type TableAPI interface {
	CreateTable(ctx context.Context, in *dynamodb.CreateTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.CreateTableOutput, error)
	DeleteTable(ctx context.Context, in *dynamodb.DeleteTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteTableOutput, error)
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// Key is a key attribute: name and type ("S", "N" or "B").
type Key struct {
	Name string
	Type string
}

// Index describes a secondary index to create. Local indexes use the table's partition key,
// so only their sort key is read.
type Index struct {
	Name         string
	PartitionKey Key
	SortKey      *Key
}

// TableSpec describes a table to create.
type TableSpec struct {
	Name         string
	PartitionKey Key
	SortKey      *Key
	LSIs         []Index
	GSIs         []Index
	// OnDemand selects PAY_PER_REQUEST; otherwise the table is PROVISIONED at ReadUnits and
	// WriteUnits (default 5 each), and so is every GSI.
	OnDemand              bool
	ReadUnits, WriteUnits int64
}

// HashOnly is a table keyed by a string partition key "pk".
func HashOnly(name string) TableSpec {
	return TableSpec{Name: name, PartitionKey: Key{"pk", "S"}}
}

// HashRange is a table keyed by "pk" (S) and "sk" (S).
func HashRange(name string) TableSpec {
	return TableSpec{Name: name, PartitionKey: Key{"pk", "S"}, SortKey: &Key{"sk", "S"}}
}

// WithLSI is a hash+range table with one LSI "by_created" on "created" (N).
func WithLSI(name string) TableSpec {
	s := HashRange(name)
	s.LSIs = []Index{{Name: "by_created", SortKey: &Key{"created", "N"}}}
	return s
}

// WithGSIs is a hash+range table with two GSIs: "by_status" (status S, hash only) and
// "by_owner" (owner S, created N).
func WithGSIs(name string) TableSpec {
	s := HashRange(name)
	s.GSIs = []Index{
		{Name: "by_status", PartitionKey: Key{"status", "S"}},
		{Name: "by_owner", PartitionKey: Key{"owner", "S"}, SortKey: &Key{"created", "N"}},
	}
	return s
}

// CreateTable creates the table and waits until it is ACTIVE.
func CreateTable(ctx context.Context, api TableAPI, spec TableSpec) error {
	if _, err := api.CreateTable(ctx, createInput(spec)); err != nil {
		return fmt.Errorf("creating table %q: %w", spec.Name, err)
	}
	w := dynamodb.NewTableExistsWaiter(api, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = pollMin, pollMax
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(spec.Name)}, time.Minute); err != nil {
		return fmt.Errorf("waiting for table %q to be ACTIVE: %w", spec.Name, err)
	}
	return nil
}

// DeleteTable deletes the table if it exists and waits until it is gone.
func DeleteTable(ctx context.Context, api TableAPI, name string) error {
	_, err := api.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	var rnf *types.ResourceNotFoundException
	if errors.As(err, &rnf) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("deleting table %q: %w", name, err)
	}
	w := dynamodb.NewTableNotExistsWaiter(api, func(o *dynamodb.TableNotExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = pollMin, pollMax
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		return fmt.Errorf("waiting for table %q to be deleted: %w", name, err)
	}
	return nil
}

// A local server changes table status within milliseconds: poll it far more often than the
// SDK waiters' 20-second default.
const (
	pollMin = 20 * time.Millisecond
	pollMax = 500 * time.Millisecond
)

func createInput(s TableSpec) *dynamodb.CreateTableInput {
	attrs := map[string]types.ScalarAttributeType{}
	addAttr := func(k Key) { attrs[k.Name] = types.ScalarAttributeType(k.Type) }

	in := &dynamodb.CreateTableInput{
		TableName: aws.String(s.Name),
		KeySchema: keySchema(s.PartitionKey, s.SortKey),
	}
	addAttr(s.PartitionKey)
	if s.SortKey != nil {
		addAttr(*s.SortKey)
	}

	throughput := provisioned(s)
	if s.OnDemand {
		in.BillingMode = types.BillingModePayPerRequest
	} else {
		in.BillingMode = types.BillingModeProvisioned
		in.ProvisionedThroughput = throughput
	}

	for _, l := range s.LSIs {
		addAttr(*l.SortKey)
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName:  aws.String(l.Name),
			KeySchema:  keySchema(s.PartitionKey, l.SortKey),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		})
	}
	for _, g := range s.GSIs {
		addAttr(g.PartitionKey)
		if g.SortKey != nil {
			addAttr(*g.SortKey)
		}
		gsi := types.GlobalSecondaryIndex{
			IndexName:  aws.String(g.Name),
			KeySchema:  keySchema(g.PartitionKey, g.SortKey),
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll},
		}
		if !s.OnDemand {
			gsi.ProvisionedThroughput = throughput
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi)
	}

	for name, typ := range attrs {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(name), AttributeType: typ,
		})
	}
	return in
}

func provisioned(s TableSpec) *types.ProvisionedThroughput {
	r, w := s.ReadUnits, s.WriteUnits
	if r == 0 {
		r = 5
	}
	if w == 0 {
		w = 5
	}
	return &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(r), WriteCapacityUnits: aws.Int64(w)}
}

func keySchema(pk Key, sk *Key) []types.KeySchemaElement {
	ks := []types.KeySchemaElement{{AttributeName: aws.String(pk.Name), KeyType: types.KeyTypeHash}}
	if sk != nil {
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(sk.Name), KeyType: types.KeyTypeRange})
	}
	return ks
}

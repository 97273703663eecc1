package tableinfo

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Key is one key attribute: its name and scalar type ("S", "N" or "B").
type Key struct {
	Name string
	Type string
}

// Throughput is a pair of read and write rates, in capacity units per second. Zero means
// "not reported".
type Throughput struct {
	ReadUnits  int64
	WriteUnits int64
}

// WarmThroughput is the warm throughput DynamoDB reports for a table or an index.
type WarmThroughput struct {
	Throughput
	Status string
}

// Index is a local or global secondary index.
type Index struct {
	Name           string
	PartitionKey   Key
	SortKey        *Key
	ProjectionType string
	Status         string // GSIs only
	Provisioned    Throughput
	WarmThroughput *WarmThroughput
}

// Table is the description of one table.
type Table struct {
	Name   string
	ARN    string
	Status string

	PartitionKey Key
	SortKey      *Key

	// BillingMode is "PROVISIONED" or "PAY_PER_REQUEST".
	BillingMode string
	// LastSwitchToOnDemand is when the table last switched to PAY_PER_REQUEST, if ever.
	LastSwitchToOnDemand *time.Time
	Provisioned          Throughput
	OnDemandMax          Throughput
	WarmThroughput       *WarmThroughput

	ItemCount int64
	SizeBytes int64

	LocalIndexes  []Index
	GlobalIndexes []Index

	// Replicas names the regions of a global table's replicas; empty for a table of one region.
	Replicas []string
}

// Global reports whether the table is a global table (it has replicas).
func (t *Table) Global() bool { return len(t.Replicas) > 0 }

// HasLSI reports whether the table has at least one local secondary index.
func (t *Table) HasLSI() bool { return len(t.LocalIndexes) > 0 }

// fromDescription converts the SDK's description. Missing fields stay zero, so servers that
// report less than DynamoDB (dynalite, DynamoDB Local) describe fine.
func fromDescription(d *types.TableDescription) *Table {
	t := &Table{
		Name:        deref(d.TableName),
		ARN:         deref(d.TableArn),
		Status:      string(d.TableStatus),
		BillingMode: string(types.BillingModeProvisioned),
		ItemCount:   deref(d.ItemCount),
		SizeBytes:   deref(d.TableSizeBytes),
	}
	attrTypes := make(map[string]string, len(d.AttributeDefinitions))
	for _, a := range d.AttributeDefinitions {
		attrTypes[deref(a.AttributeName)] = string(a.AttributeType)
	}
	t.PartitionKey, t.SortKey = keys(d.KeySchema, attrTypes)

	if s := d.BillingModeSummary; s != nil {
		if s.BillingMode != "" {
			t.BillingMode = string(s.BillingMode)
		}
		t.LastSwitchToOnDemand = s.LastUpdateToPayPerRequestDateTime
	}
	if p := d.ProvisionedThroughput; p != nil {
		t.Provisioned = Throughput{ReadUnits: deref(p.ReadCapacityUnits), WriteUnits: deref(p.WriteCapacityUnits)}
	}
	for i := range d.Replicas {
		t.Replicas = append(t.Replicas, deref(d.Replicas[i].RegionName))
	}
	if o := d.OnDemandThroughput; o != nil {
		t.OnDemandMax = Throughput{ReadUnits: deref(o.MaxReadRequestUnits), WriteUnits: deref(o.MaxWriteRequestUnits)}
	}
	t.WarmThroughput = tableWarm(d.WarmThroughput)

	for _, l := range d.LocalSecondaryIndexes {
		ix := Index{Name: deref(l.IndexName)}
		ix.PartitionKey, ix.SortKey = keys(l.KeySchema, attrTypes)
		if l.Projection != nil {
			ix.ProjectionType = string(l.Projection.ProjectionType)
		}
		t.LocalIndexes = append(t.LocalIndexes, ix)
	}
	for _, g := range d.GlobalSecondaryIndexes {
		ix := Index{Name: deref(g.IndexName), Status: string(g.IndexStatus)}
		ix.PartitionKey, ix.SortKey = keys(g.KeySchema, attrTypes)
		if g.Projection != nil {
			ix.ProjectionType = string(g.Projection.ProjectionType)
		}
		if p := g.ProvisionedThroughput; p != nil {
			ix.Provisioned = Throughput{ReadUnits: deref(p.ReadCapacityUnits), WriteUnits: deref(p.WriteCapacityUnits)}
		}
		if w := g.WarmThroughput; w != nil {
			ix.WarmThroughput = &WarmThroughput{
				Throughput: Throughput{ReadUnits: deref(w.ReadUnitsPerSecond), WriteUnits: deref(w.WriteUnitsPerSecond)},
				Status:     string(w.Status),
			}
		}
		t.GlobalIndexes = append(t.GlobalIndexes, ix)
	}
	return t
}

func tableWarm(w *types.TableWarmThroughputDescription) *WarmThroughput {
	if w == nil {
		return nil
	}
	return &WarmThroughput{
		Throughput: Throughput{ReadUnits: deref(w.ReadUnitsPerSecond), WriteUnits: deref(w.WriteUnitsPerSecond)},
		Status:     string(w.Status),
	}
}

func keys(schema []types.KeySchemaElement, attrTypes map[string]string) (Key, *Key) {
	var pk Key
	var sk *Key
	for _, k := range schema {
		name := deref(k.AttributeName)
		switch k.KeyType {
		case types.KeyTypeHash:
			pk = Key{Name: name, Type: attrTypes[name]}
		case types.KeyTypeRange:
			sk = &Key{Name: name, Type: attrTypes[name]}
		}
	}
	return pk, sk
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

package sim

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
)

// Table operations of the in-memory sink. Tables are ACTIVE at once.

type keySchemaElement struct {
	AttributeName string
	KeyType       string
}

type attributeDefinition struct {
	AttributeName string
	AttributeType string
}

type throughput struct {
	ReadCapacityUnits  int64
	WriteCapacityUnits int64
}

type indexInput struct {
	IndexName             string
	KeySchema             []keySchemaElement
	Projection            json.RawMessage `json:",omitempty"`
	ProvisionedThroughput *throughput     `json:",omitempty"`
}

type createTableInput struct {
	TableName              string
	KeySchema              []keySchemaElement
	AttributeDefinitions   []attributeDefinition
	BillingMode            string
	ProvisionedThroughput  *throughput
	GlobalSecondaryIndexes []indexInput
	LocalSecondaryIndexes  []indexInput
}

type tableDescription struct {
	TableName              string
	TableArn               string
	TableId                string
	TableStatus            string
	CreationDateTime       float64 // epoch seconds, as the JSON protocol sends timestamps
	KeySchema              []keySchemaElement
	AttributeDefinitions   []attributeDefinition
	ItemCount              int64
	TableSizeBytes         int64
	BillingModeSummary     *billingModeSummary `json:",omitempty"`
	ProvisionedThroughput  provisionedDescription
	GlobalSecondaryIndexes []indexDescription `json:",omitempty"`
	LocalSecondaryIndexes  []indexDescription `json:",omitempty"`
}

type billingModeSummary struct{ BillingMode string }

type provisionedDescription struct {
	NumberOfDecreasesToday int64
	ReadCapacityUnits      int64
	WriteCapacityUnits     int64
}

type indexDescription struct {
	IndexName             string
	IndexArn              string
	KeySchema             []keySchemaElement
	Projection            json.RawMessage         `json:",omitempty"`
	IndexStatus           string                  `json:",omitempty"` // GSIs only
	ProvisionedThroughput *provisionedDescription `json:",omitempty"`
	ItemCount             int64
	IndexSizeBytes        int64
}

var createTableMembers = []string{"TableName", "KeySchema", "AttributeDefinitions", "BillingMode",
	"ProvisionedThroughput", "GlobalSecondaryIndexes", "LocalSecondaryIndexes"}

func (s *sink) handleCreateTable(body []byte) (any, error) {
	var in createTableInput
	if err := decodeStrict(body, "CreateTable", createTableMembers, &in); err != nil {
		return nil, err
	}
	return s.createTable(&in)
}

func (s *sink) createTable(in *createTableInput) (any, error) {
	meta, err := checkCreateTable(in)
	if err != nil {
		return nil, err
	}
	desc := tableDescription{
		TableName:            in.TableName,
		TableArn:             tableARN(in.TableName),
		TableStatus:          "ACTIVE",
		CreationDateTime:     float64(s.now().UnixMilli()) / 1000,
		KeySchema:            in.KeySchema,
		AttributeDefinitions: in.AttributeDefinitions,
	}
	h := fnv.New128a()
	_, _ = fmt.Fprintf(h, "%s@%v", in.TableName, desc.CreationDateTime)
	id := h.Sum(nil)
	desc.TableId = fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:16])
	if in.BillingMode == "PAY_PER_REQUEST" {
		desc.BillingModeSummary = &billingModeSummary{BillingMode: "PAY_PER_REQUEST"}
	} else {
		desc.BillingModeSummary = &billingModeSummary{BillingMode: "PROVISIONED"}
		desc.ProvisionedThroughput = provisionedDescription{
			ReadCapacityUnits: in.ProvisionedThroughput.ReadCapacityUnits, WriteCapacityUnits: in.ProvisionedThroughput.WriteCapacityUnits,
		}
	}
	for _, g := range in.GlobalSecondaryIndexes {
		d := indexDescription{IndexName: g.IndexName, IndexArn: desc.TableArn + "/index/" + g.IndexName,
			KeySchema: g.KeySchema, Projection: g.Projection, IndexStatus: "ACTIVE"}
		if g.ProvisionedThroughput != nil {
			d.ProvisionedThroughput = &provisionedDescription{
				ReadCapacityUnits: g.ProvisionedThroughput.ReadCapacityUnits, WriteCapacityUnits: g.ProvisionedThroughput.WriteCapacityUnits,
			}
		}
		desc.GlobalSecondaryIndexes = append(desc.GlobalSecondaryIndexes, d)
		meta.gsis = append(meta.gsis, g.IndexName)
	}
	for _, l := range in.LocalSecondaryIndexes {
		desc.LocalSecondaryIndexes = append(desc.LocalSecondaryIndexes, indexDescription{IndexName: l.IndexName,
			IndexArn: desc.TableArn + "/index/" + l.IndexName, KeySchema: l.KeySchema, Projection: l.Projection})
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.tables[in.TableName]; ok {
		return nil, inUseError("Table already exists: " + in.TableName)
	}
	s.tables[in.TableName] = &sinkTable{desc: desc, meta: meta, items: map[string]sinkItem{}}
	return map[string]any{"TableDescription": desc}, nil
}

// checkCreateTable validates what the sink relies on and returns the key schema.
func checkCreateTable(in *createTableInput) (*tableMeta, error) {
	if len(in.TableName) < 3 || len(in.TableName) > 255 {
		return nil, validationError("TableName must be between 3 and 255 characters long")
	}
	if strings.TrimLeft(in.TableName, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") != "" {
		return nil, validationError("TableName %q may only hold a-z, A-Z, 0-9, '_', '-' and '.'", in.TableName)
	}
	switch {
	case in.BillingMode == "PAY_PER_REQUEST" && in.ProvisionedThroughput != nil:
		return nil, validationError("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	case in.BillingMode != "PAY_PER_REQUEST" && in.BillingMode != "PROVISIONED" && in.BillingMode != "":
		return nil, validationError("BillingMode must be PROVISIONED or PAY_PER_REQUEST")
	case in.BillingMode != "PAY_PER_REQUEST" && in.ProvisionedThroughput == nil:
		return nil, validationError("One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	typeOf := map[string]string{}
	for _, d := range in.AttributeDefinitions {
		if d.AttributeType != "S" && d.AttributeType != "N" && d.AttributeType != "B" {
			return nil, validationError("AttributeType of %s must be S, N or B", d.AttributeName)
		}
		typeOf[d.AttributeName] = d.AttributeType
	}
	meta, err := keySchemaMeta(in.KeySchema, typeOf)
	if err != nil {
		return nil, err
	}
	for _, idx := range slices.Concat(in.GlobalSecondaryIndexes, in.LocalSecondaryIndexes) {
		if idx.IndexName == "" {
			return nil, validationError("every secondary index needs an IndexName")
		}
		if _, err := keySchemaMeta(idx.KeySchema, typeOf); err != nil {
			return nil, err
		}
	}
	return meta, nil
}

func keySchemaMeta(ks []keySchemaElement, typeOf map[string]string) (*tableMeta, error) {
	if len(ks) < 1 || len(ks) > 2 || ks[0].KeyType != "HASH" || (len(ks) == 2 && ks[1].KeyType != "RANGE") {
		return nil, validationError("Invalid KeySchema: a HASH key, optionally followed by a RANGE key, is required")
	}
	m := &tableMeta{}
	for i, k := range ks {
		typ, ok := typeOf[k.AttributeName]
		if !ok {
			return nil, validationError("One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [%s]", k.AttributeName)
		}
		if i == 0 {
			m.pk, m.pkType = k.AttributeName, typ
		} else {
			m.sk, m.skType = k.AttributeName, typ
		}
	}
	return m, nil
}

func (s *sink) deleteTable(body []byte) (any, error) {
	var in struct{ TableName string }
	if err := decodeStrict(body, "DeleteTable", []string{"TableName"}, &in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.table(in.TableName)
	if err != nil {
		return nil, err
	}
	delete(s.tables, in.TableName)
	desc := t.described()
	desc.TableStatus = "DELETING"
	return map[string]any{"TableDescription": desc}, nil
}

func (s *sink) describeTable(body []byte) (any, error) {
	var in struct{ TableName string }
	if err := decodeStrict(body, "DescribeTable", []string{"TableName"}, &in); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, err := s.table(in.TableName)
	if err != nil {
		return nil, err
	}
	return map[string]any{"Table": t.described()}, nil
}

func (t *sinkTable) described() tableDescription {
	d := t.desc
	d.ItemCount, d.TableSizeBytes = int64(len(t.items)), t.bytes
	return d
}

func (s *sink) listTables(body []byte) (any, error) {
	var in struct {
		ExclusiveStartTableName string
		Limit                   int
	}
	if err := decodeStrict(body, "ListTables", []string{"ExclusiveStartTableName", "Limit"}, &in); err != nil {
		return nil, err
	}
	if in.Limit <= 0 || in.Limit > 100 {
		in.Limit = 100
	}
	s.mu.RLock()
	names := make([]string, 0, len(s.tables))
	for n := range s.tables {
		if n > in.ExclusiveStartTableName {
			names = append(names, n)
		}
	}
	s.mu.RUnlock()
	slices.Sort(names)
	out := map[string]any{}
	if len(names) > in.Limit {
		names = names[:in.Limit]
		out["LastEvaluatedTableName"] = names[len(names)-1]
	}
	out["TableNames"] = names
	return out, nil
}

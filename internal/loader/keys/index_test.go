package keys

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/tableinfo"
)

// indexed is a hash+range table (pk S, sk S) with:
//   - LSI by_created: pk, created (N)
//   - GSI by_status: status (S)
//   - GSI by_owner: owner (S), due (S)
//   - GSI by_team: team (S), owner (S): owner is a key of two indexes
//   - GSI by_digest: digest (B)
//   - GSI by_sk: sk, pk: the table's keys swapped, so pk is also a sort key
var indexed = Schema{
	PartitionKey: Attr{Name: "pk", Type: "S"},
	SortKey:      &Attr{Name: "sk", Type: "S"},
	IndexKeys: []IndexKey{
		{Attr: Attr{Name: "pk", Type: "S"}, Index: "by_created", Kind: LSI},
		{Attr: Attr{Name: "created", Type: "N"}, Index: "by_created", Kind: LSI, Sort: true},
		{Attr: Attr{Name: "status", Type: "S"}, Index: "by_status", Kind: GSI},
		{Attr: Attr{Name: "owner", Type: "S"}, Index: "by_owner", Kind: GSI},
		{Attr: Attr{Name: "due", Type: "S"}, Index: "by_owner", Kind: GSI, Sort: true},
		{Attr: Attr{Name: "team", Type: "S"}, Index: "by_team", Kind: GSI},
		{Attr: Attr{Name: "owner", Type: "S"}, Index: "by_team", Kind: GSI, Sort: true},
		{Attr: Attr{Name: "digest", Type: "B"}, Index: "by_digest", Kind: GSI},
		{Attr: Attr{Name: "sk", Type: "S"}, Index: "by_sk", Kind: GSI},
		{Attr: Attr{Name: "pk", Type: "S"}, Index: "by_sk", Kind: GSI, Sort: true},
	},
}

// withKeys is an item with the table's keys and the given other attributes.
func withKeys(attrs record.Item) record.Item {
	item := record.Item{"pk": s("u1"), "sk": s("2024")}
	for k, v := range attrs {
		item[k] = v
	}
	return item
}

func TestApplyIndexKeyErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		opts  Options
		item  record.Item
		attr  string
		index string // the IndexKeyError's Key.Index
		kind  IndexKind
		sort  bool
		want  string // the Reason
	}{
		{"GSI partition key of the wrong type", Options{}, withKeys(record.Item{"status": n("1")}), "status", "by_status", GSI, false,
			`GSI "by_status" partition key "status" must be a string (S) but is a number (N)`},
		{"GSI sort key of the wrong type", Options{}, withKeys(record.Item{"owner": s("ann"), "due": n("20240101")}), "due", "by_owner", GSI, true,
			`GSI "by_owner" sort key "due" must be a string (S) but is a number (N)`},
		{"LSI sort key of the wrong type", Options{}, withKeys(record.Item{"created": s("yesterday")}), "created", "by_created", LSI, true,
			`LSI "by_created" sort key "created" must be a number (N) but is a string (S)`},
		{"index key given as null", Options{}, withKeys(record.Item{"status": &types.AttributeValueMemberNULL{Value: true}}), "status", "by_status", GSI, false,
			`GSI "by_status" partition key "status" must be a string (S) but is null (NULL)`},
		{"index key given as a map", Options{}, withKeys(record.Item{"digest": &types.AttributeValueMemberM{}}), "digest", "by_digest", GSI, false,
			`GSI "by_digest" partition key "digest" must be binary (B) but is a map (M)`},
		{"empty string index key", Options{}, withKeys(record.Item{"status": s("")}), "status", "by_status", GSI, false,
			`GSI "by_status" partition key "status" is empty; DynamoDB key values must not be empty (an item without the attribute is simply not in the index)`},
		{"empty binary index key", Options{}, withKeys(record.Item{"digest": b([]byte{})}), "digest", "by_digest", GSI, false,
			`GSI "by_digest" partition key "digest" is empty; DynamoDB key values must not be empty (an item without the attribute is simply not in the index)`},
		{"index partition key too long", Options{}, withKeys(record.Item{"status": s(strings.Repeat("x", 2049))}), "status", "by_status", GSI, false,
			`GSI "by_status" partition key "status" is 2049 bytes; DynamoDB allows at most 2048`},
		{"index sort key too long", Options{}, withKeys(record.Item{"owner": s("ann"), "due": s(strings.Repeat("é", 513))}), "due", "by_owner", GSI, true,
			`GSI "by_owner" sort key "due" is 1026 bytes; DynamoDB allows at most 1024`},
		{"binary index key too long", Options{}, withKeys(record.Item{"digest": b(make([]byte, 2049))}), "digest", "by_digest", GSI, false,
			`GSI "by_digest" partition key "digest" is 2049 bytes; DynamoDB allows at most 2048`},
		{"key of two indexes takes the sort key's limit", Options{}, withKeys(record.Item{"owner": s(strings.Repeat("o", 1500))}), "owner", "by_team", GSI, true,
			`GSI "by_team" sort key "owner" is 1500 bytes; DynamoDB allows at most 1024`},
		{"table partition key that is an index sort key", Options{}, record.Item{"pk": s(strings.Repeat("p", 1025)), "sk": s("a")}, "pk", "by_sk", GSI, true,
			`GSI "by_sk" sort key "pk" is 1025 bytes; DynamoDB allows at most 1024`},
		{"templated partition key too long for an index sort key", Options{PartitionKey: "{tenant}#{shard}", ShardAttribute: "sk", ShardCount: 10},
			record.Item{"tenant": s(strings.Repeat("t", 1100)), "sk": s("a")}, "pk", "by_sk", GSI, true,
			`GSI "by_sk" sort key "pk" is 1102 bytes; DynamoDB allows at most 1024`},
		{"invalid UTF-8 index key", Options{}, withKeys(record.Item{"status": s("a\xffb")}), "status", "by_status", GSI, false,
			`GSI "by_status" partition key "status" is not valid UTF-8; DynamoDB strings must be UTF-8`},
		{"invalid number index key", Options{}, withKeys(record.Item{"created": n("1.2.3")}), "created", "by_created", LSI, true,
			`LSI "by_created" sort key "created" is not a valid number`},
	} {
		st, err := NewStage(indexed, tc.opts)
		if err != nil {
			t.Fatalf("%s: NewStage: %v", tc.name, err)
		}
		pos := record.Position{File: "data.jsonl", Line: 7, Record: 7}
		err = st.Apply(&record.Record{Item: tc.item, Pos: pos})
		var ke *IndexKeyError
		var ie *record.InputError
		if !errors.As(err, &ke) || !errors.As(err, &ie) {
			t.Errorf("%s: Apply = %v; want an *IndexKeyError wrapping a *record.InputError", tc.name, err)
			continue
		}
		if ke.Key.Index != tc.index || ke.Key.Kind != tc.kind || ke.Key.Sort != tc.sort || ke.Key.Attr.Name != tc.attr {
			t.Errorf("%s: IndexKeyError.Key = %+v; want %s %q, sort %v, attribute %q", tc.name, ke.Key, tc.kind, tc.index, tc.sort, tc.attr)
		}
		if ie.Pos != pos || ie.Attribute != tc.attr || ie.Reason != tc.want {
			t.Errorf("%s: got %+v\nwant attribute %q, reason %q", tc.name, *ie, tc.attr, tc.want)
		}
		// The message names the file and line, the attribute and the index.
		if !strings.HasPrefix(err.Error(), `data.jsonl:7: attribute "`+tc.attr+`": `+string(tc.kind)+` "`+tc.index+`" `) {
			t.Errorf("%s: Error() = %q", tc.name, err)
		}
	}
}

func TestApplyInvalidIndexNumberKeepsTheCause(t *testing.T) {
	t.Parallel()
	st, err := NewStage(indexed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Apply(&record.Record{Item: withKeys(record.Item{"created": n("12abc")}), Pos: record.Position{File: "items", Record: 2}})
	want := `items record 2: attribute "created": LSI "by_created" sort key "created" is not a valid number: "12abc" is not a valid DynamoDB number`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Apply error = %v\nwant it to start with %s", err, want)
	}
}

func TestApplyAcceptsIndexKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		item record.Item
	}{
		{"no index attribute at all (sparse)", withKeys(record.Item{"data": s("x")})},
		{"some index attributes", withKeys(record.Item{"status": s("open")})},
		{"an index's sort key without its partition key", withKeys(record.Item{"due": s("2024-01-01")})},
		{"every index attribute", withKeys(record.Item{
			"created": n("1700000000"), "status": s("open"), "owner": s("ann"), "due": s("2024"), "team": s("a"), "digest": b([]byte{0}),
		})},
		{"index keys at their limits", withKeys(record.Item{
			"status": s(strings.Repeat("s", 2048)), "due": s(strings.Repeat("d", 1024)), "owner": s(strings.Repeat("o", 1024)),
			"digest": b(make([]byte, 2048)),
		})},
		{"table partition key at the index sort key limit", record.Item{"pk": s(strings.Repeat("p", 1024)), "sk": s("a")}},
		{"a number key in any text", withKeys(record.Item{"created": n("-1.5E+3")})},
		{"a nil value counts as absent", withKeys(record.Item{"status": nil})},
		{"non-key attributes may be empty or of any type", withKeys(record.Item{"note": s(""), "blob": b(nil), "tags": &types.AttributeValueMemberSS{Value: []string{"a"}}})},
	} {
		st, err := NewStage(indexed, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Apply(&record.Record{Item: tc.item, Pos: record.Position{File: "f.jsonl", Line: 1}}); err != nil {
			t.Errorf("%s: Apply = %v; want it accepted", tc.name, err)
		}
	}
}

// A table key that is also an index key is reported as the table's key: the table's check
// runs first, and DynamoDB defines one type per attribute.
func TestApplyTableKeyErrorsComeFirst(t *testing.T) {
	t.Parallel()
	st, err := NewStage(indexed, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		item record.Item
		want string
	}{
		{record.Item{"pk": s("u1"), "sk": n("1")}, `f.jsonl:2: attribute "sk": sort key "sk" must be a string (S) but is a number (N)`},
		{record.Item{"pk": s(""), "sk": s("a")}, `f.jsonl:2: attribute "pk": partition key "pk" is empty; DynamoDB key values must not be empty`},
		{record.Item{"pk": s(strings.Repeat("p", 2049)), "sk": s("a")}, `f.jsonl:2: attribute "pk": partition key "pk" is 2049 bytes; DynamoDB allows at most 2048`},
		// Both keys are wrong: the table's comes first.
		{record.Item{"pk": s("u1"), "status": s(""), "sk": s("")}, `f.jsonl:2: attribute "sk": sort key "sk" is empty`},
	} {
		err := st.Apply(&record.Record{Item: tc.item, Pos: record.Position{File: "f.jsonl", Line: 2}})
		var ke *IndexKeyError
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || errors.As(err, &ke) {
			t.Errorf("Apply(%v) = %v; want a table key error starting with %s", tc.item, err, tc.want)
		}
	}
}

func TestIndexChecksOnePerAttribute(t *testing.T) {
	t.Parallel()
	var got []string
	for _, c := range indexChecks(indexed) {
		got = append(got, c.key.String())
	}
	// pk: checked as the table's key, and once more as a sort key of by_sk (smaller limit);
	// sk: the table's sort key, nothing more to check; owner: once, as the sort key of by_team.
	want := []string{
		`GSI "by_sk" sort key pk (S)`,
		`LSI "by_created" sort key created (N)`,
		`GSI "by_status" partition key status (S)`,
		`GSI "by_team" sort key owner (S)`,
		`GSI "by_owner" sort key due (S)`,
		`GSI "by_team" partition key team (S)`,
		`GSI "by_digest" partition key digest (B)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("indexChecks =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestNewStageIndexSchemaErrors(t *testing.T) {
	t.Parallel()
	with := func(keys ...IndexKey) Schema {
		return Schema{PartitionKey: Attr{Name: "pk", Type: "S"}, SortKey: &Attr{Name: "sk", Type: "N"}, IndexKeys: keys}
	}
	for _, tc := range []struct {
		name   string
		schema Schema
		want   string
	}{
		{"index without a name", with(IndexKey{Attr: Attr{Name: "a", Type: "S"}, Kind: GSI}),
			"a secondary index (GSI) of the table has no name"},
		{"index of no kind", with(IndexKey{Attr: Attr{Name: "a", Type: "S"}, Index: "x"}),
			`index "x" of the table is of kind ""; secondary indexes are GSI or LSI`},
		{"index key without a name", with(IndexKey{Attr: Attr{Type: "S"}, Index: "x", Kind: GSI}),
			`the table's GSI "x" partition key has no name`},
		{"index key of a non-key type", with(IndexKey{Attr: Attr{Name: "a", Type: "SS"}, Index: "x", Kind: LSI, Sort: true}),
			`the table's LSI "x" sort key a has type "SS"; key attributes must be S, N or B`},
		{"index key typed unlike the table key", with(IndexKey{Attr: Attr{Name: "sk", Type: "S"}, Index: "x", Kind: GSI}),
			`the table's GSI "x" partition key sk has type "S", but the table's sort key sk has type "N"; an attribute has one type in every key`},
		{"index keys typed unlike each other", with(
			IndexKey{Attr: Attr{Name: "a", Type: "S"}, Index: "x", Kind: GSI},
			IndexKey{Attr: Attr{Name: "a", Type: "B"}, Index: "y", Kind: GSI, Sort: true}),
			`the table's GSI "y" sort key a has type "B", but the table's GSI "x" partition key a has type "S"; an attribute has one type in every key`},
		{"table keys typed unlike each other", Schema{PartitionKey: Attr{Name: "k", Type: "S"}, SortKey: &Attr{Name: "k", Type: "N"}},
			`the table's sort key k has type "N", but the table's partition key k has type "S"; an attribute has one type in every key`},
	} {
		_, err := NewStage(tc.schema, Options{})
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Option != "" || ce.Reason != tc.want {
			t.Errorf("%s: NewStage = %v\nwant a *ConfigError for the schema: %s", tc.name, err, tc.want)
		}
	}
}

func TestSchemaFromTableIndexes(t *testing.T) {
	t.Parallel()
	tbl := &tableinfo.Table{
		PartitionKey: tableinfo.Key{Name: "pk", Type: "S"},
		SortKey:      &tableinfo.Key{Name: "sk", Type: "S"},
		LocalIndexes: []tableinfo.Index{{Name: "by_created", PartitionKey: tableinfo.Key{Name: "pk", Type: "S"}, SortKey: &tableinfo.Key{Name: "created", Type: "N"}}},
		GlobalIndexes: []tableinfo.Index{
			{Name: "by_status", PartitionKey: tableinfo.Key{Name: "status", Type: "S"}},
			{Name: "by_owner", PartitionKey: tableinfo.Key{Name: "owner", Type: "S"}, SortKey: &tableinfo.Key{Name: "created", Type: "N"}},
		},
	}
	got := SchemaFromTable(tbl)
	want := []IndexKey{
		{Attr: Attr{Name: "pk", Type: "S"}, Index: "by_created", Kind: LSI},
		{Attr: Attr{Name: "created", Type: "N"}, Index: "by_created", Kind: LSI, Sort: true},
		{Attr: Attr{Name: "status", Type: "S"}, Index: "by_status", Kind: GSI},
		{Attr: Attr{Name: "owner", Type: "S"}, Index: "by_owner", Kind: GSI},
		{Attr: Attr{Name: "created", Type: "N"}, Index: "by_owner", Kind: GSI, Sort: true},
	}
	if !slices.Equal(got.IndexKeys, want) {
		t.Errorf("SchemaFromTable IndexKeys =\n%+v\nwant\n%+v", got.IndexKeys, want)
	}
	if _, err := NewStage(got, Options{}); err != nil {
		t.Errorf("NewStage(SchemaFromTable) = %v", err)
	}
	if got := SchemaFromTable(&tableinfo.Table{PartitionKey: tableinfo.Key{Name: "pk", Type: "S"}}); got.IndexKeys != nil {
		t.Errorf("SchemaFromTable without indexes: IndexKeys = %+v", got.IndexKeys)
	}
}

// Index keys do not change the primary key, KeyItem or the key templates.
func TestIndexKeysLeaveThePrimaryKeyAlone(t *testing.T) {
	t.Parallel()
	item := withKeys(record.Item{"status": s("open"), "created": n("1")})
	if got, want := indexed.Key(item), pkSK.Key(item); got != want {
		t.Errorf("Key = %q, want %q", got, want)
	}
	if got := KeyItem(item, indexed); len(got) != 2 {
		t.Errorf("KeyItem = %v, want pk and sk only", got)
	}
	st, err := NewStage(indexed, Options{PartitionKey: "{status}#{shard}", ShardAttribute: "created", ShardCount: 4})
	if err != nil {
		t.Fatal(err)
	}
	r := &record.Record{Item: withKeys(record.Item{"status": s("open"), "created": n("1")})}
	if err := st.Apply(r); err != nil {
		t.Fatal(err)
	}
	if text(r.Item["status"]) != "open" || !strings.HasPrefix(text(r.Item["pk"]), "open#") {
		t.Errorf("templates rewrote %v", r.Item)
	}
}

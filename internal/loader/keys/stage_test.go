package keys

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

var (
	pkOnly = Schema{PartitionKey: Attr{Name: "pk", Type: "S"}}
	pkSK   = Schema{PartitionKey: Attr{Name: "pk", Type: "S"}, SortKey: &Attr{Name: "sk", Type: "S"}}
	numPK  = Schema{PartitionKey: Attr{Name: "id", Type: "N"}, SortKey: &Attr{Name: "blob", Type: "B"}}
)

func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }
func b(v []byte) types.AttributeValue { return &types.AttributeValueMemberB{Value: v} }

// text is the S value of v, or a marker that fails any comparison.
func text(v types.AttributeValue) string {
	if sv, ok := v.(*types.AttributeValueMemberS); ok {
		return sv.Value
	}
	return fmt.Sprintf("<not a string: %T>", v)
}

func TestNewStageConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		schema Schema
		opts   Options
		option string
		want   string
	}{
		{"schema without partition key name", Schema{PartitionKey: Attr{Type: "S"}}, Options{}, "",
			"the table's partition key has no name"},
		{"schema with bad partition key type", Schema{PartitionKey: Attr{Name: "pk", Type: "BOOL"}}, Options{}, "",
			`the table's partition key pk has type "BOOL"; key attributes must be S, N or B`},
		{"schema with bad sort key type", Schema{PartitionKey: Attr{Name: "pk", Type: "S"}, SortKey: &Attr{Name: "sk"}}, Options{}, "",
			`the table's sort key sk has type ""; key attributes must be S, N or B`},
		{"unmatched closing brace", pkOnly, Options{PartitionKey: "a}b"}, "PartitionKey",
			`partition key template: unmatched "}" at byte 1 of "a}b"; write "}}" for a literal brace`},
		{"closing brace after placeholder", pkOnly, Options{PartitionKey: "{a}}"}, "PartitionKey",
			`partition key template: unmatched "}" at byte 3 of "{a}}"; write "}}" for a literal brace`},
		{"unclosed placeholder", pkOnly, Options{PartitionKey: "{tenant#x"}, "PartitionKey",
			`partition key template: unclosed "{" at byte 0 of "{tenant#x"; close the placeholder with "}" or write "{{" for a literal brace`},
		{"nested placeholder", pkOnly, Options{PartitionKey: "x{a{b}}"}, "PartitionKey",
			`partition key template: unclosed "{" at byte 1 of "x{a{b}}"; close the placeholder with "}" or write "{{" for a literal brace`},
		{"empty placeholder", pkOnly, Options{PartitionKey: "x#{}"}, "PartitionKey",
			`partition key template: empty placeholder "{}" at byte 2 of "x#{}"; name an attribute, as in "{user_id}"`},
		{"sort key template syntax", pkSK, Options{SortKey: "{ts"}, "SortKey",
			`sort key template: unclosed "{" at byte 0 of "{ts"; close the placeholder with "}" or write "{{" for a literal brace`},
		{"template for a number partition key", numPK, Options{PartitionKey: "{a}"}, "PartitionKey",
			`a partition key template ("{a}") builds a string, but the table's partition key id is a number (N); templates only work for string (S) keys`},
		{"template for a binary sort key", numPK, Options{SortKey: "{a}"}, "SortKey",
			`a sort key template ("{a}") builds a string, but the table's sort key blob is binary (B); templates only work for string (S) keys`},
		{"sort key template without sort key", pkOnly, Options{SortKey: "{ts}"}, "SortKey",
			`a sort key template ("{ts}") is set, but the table has no sort key; remove the template or load into a table with one`},
		{"shard without attribute", pkOnly, Options{PartitionKey: "{a}#{shard}", ShardCount: 10}, "ShardAttribute",
			"{shard} in a key template needs a shard attribute: the attribute whose value picks the shard"},
		{"shard without count", pkOnly, Options{PartitionKey: "{a}#{shard}", ShardAttribute: "a"}, "ShardCount",
			"{shard} in a key template needs a shard count of at least 2, got 0"},
		{"shard with count 1", pkSK, Options{SortKey: "{shard}", ShardAttribute: "a", ShardCount: 1}, "ShardCount",
			"{shard} in a key template needs a shard count of at least 2, got 1"},
		{"shard count too large", pkOnly, Options{PartitionKey: "{shard}", ShardAttribute: "a", ShardCount: 100001}, "ShardCount",
			"shard count 100001 is above the maximum of 100000; every read of a sharded key fans out over all shards"},
		{"shard attribute without {shard}", pkOnly, Options{PartitionKey: "{a}", ShardAttribute: "a"}, "ShardAttribute",
			`shard attribute "a" is set but no key template uses {shard}; add {shard} to a key template or remove the shard settings`},
		{"shard count without {shard}", pkOnly, Options{ShardCount: 8}, "ShardCount",
			"shard count 8 is set but no key template uses {shard}; add {shard} to a key template or remove the shard settings"},
		{"literal {{shard}} is not a shard placeholder", pkOnly, Options{PartitionKey: "{{shard}}", ShardAttribute: "a", ShardCount: 4}, "ShardAttribute",
			`shard attribute "a" is set but no key template uses {shard}; add {shard} to a key template or remove the shard settings`},
	} {
		st, err := NewStage(tc.schema, tc.opts)
		var ce *ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: NewStage = %v, %v; want a *ConfigError", tc.name, st, err)
			continue
		}
		if ce.Option != tc.option || err.Error() != tc.want {
			t.Errorf("%s: ConfigError{Option: %q} %q\nwant {Option: %q} %q", tc.name, ce.Option, err, tc.option, tc.want)
		}
	}
}

func TestNewStageAccepts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		schema Schema
		opts   Options
	}{
		{pkOnly, Options{}},
		{numPK, Options{}},
		{pkOnly, Options{PartitionKey: "{a}#{shard}", ShardAttribute: "a", ShardCount: MaxShardCount}},
		{pkSK, Options{SortKey: "{day}#{shard}", ShardAttribute: "id", ShardCount: 2}},
		{pkOnly, Options{PartitionKey: "static"}},
	} {
		if _, err := NewStage(tc.schema, tc.opts); err != nil {
			t.Errorf("NewStage(%+v) = %v; want it accepted", tc.opts, err)
		}
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 2048)
	for _, tc := range []struct {
		name   string
		schema Schema
		opts   Options
		item   record.Item
		pk, sk string // expected S values; "" = not checked
	}{
		{"item holds its keys", pkSK, Options{}, record.Item{"pk": s("u1"), "sk": s("2024")}, "u1", "2024"},
		{"tenant and shard", pkOnly, Options{PartitionKey: "{tenant}#{shard}", ShardAttribute: "user_id", ShardCount: 10},
			record.Item{"tenant": s("acme"), "user_id": s("user-1")}, "acme#9", ""},
		{"number placeholder in canonical text", pkOnly, Options{PartitionKey: "{date}:{user_id}"},
			record.Item{"date": s("2024-01-15"), "user_id": n("0042.0")}, "2024-01-15:42", ""},
		{"number placeholder with exponent", pkOnly, Options{PartitionKey: "v{x}"}, record.Item{"x": n("15E-1")}, "v1.5", ""},
		{"literal braces", pkOnly, Options{PartitionKey: "{{{kind}}}#}}{{"}, record.Item{"kind": s("order")}, "{order}#}{", ""},
		{"literal {{shard}} is text", pkOnly, Options{PartitionKey: "{{shard}}:{id}"}, record.Item{"id": s("7")}, "{shard}:7", ""},
		{"placeholder name taken verbatim", pkOnly, Options{PartitionKey: "{first name}"}, record.Item{"first name": s("Ada")}, "Ada", ""},
		{"sort key template only", pkSK, Options{SortKey: "{ts}#{id}"},
			record.Item{"pk": s("u1"), "ts": n("1700000000"), "id": s("a")}, "u1", "1700000000#a"},
		{"shard in both templates shares one suffix", pkSK, Options{PartitionKey: "{t}#{shard}", SortKey: "{shard}/{d}", ShardAttribute: "u", ShardCount: 100},
			record.Item{"t": s("acme"), "u": s("tenant#42"), "d": s("x")}, "acme#57", "57/x"},
		{"template rewrites its own attribute", pkOnly, Options{PartitionKey: "{pk}#{shard}", ShardAttribute: "pk", ShardCount: 10},
			record.Item{"pk": s("user-1")}, "user-1#9", ""},
		{"shard on a number uses canonical text", pkOnly, Options{PartitionKey: "{shard}", ShardAttribute: "n", ShardCount: 10},
			record.Item{"n": n("1.50")}, "8", ""},
		{"shard on binary", pkOnly, Options{PartitionKey: "{shard}", ShardAttribute: "b", ShardCount: 90},
			record.Item{"b": b([]byte("foobar"))}, "79", ""},
		{"partition key at the limit", pkOnly, Options{}, record.Item{"pk": s(long)}, long, ""},
		{"template overwrites a key the item had", pkOnly, Options{PartitionKey: "{a}"}, record.Item{"pk": s("old"), "a": s("new")}, "new", ""},
	} {
		st, err := NewStage(tc.schema, tc.opts)
		if err != nil {
			t.Fatalf("%s: NewStage: %v", tc.name, err)
		}
		before := len(tc.item)
		r := &record.Record{Item: tc.item, Pos: record.Position{File: "f.jsonl", Line: 1}}
		if err := st.Apply(r); err != nil {
			t.Errorf("%s: Apply: %v", tc.name, err)
			continue
		}
		if got := text(r.Item["pk"]); got != tc.pk {
			t.Errorf("%s: pk = %q, want %q", tc.name, got, tc.pk)
		}
		if tc.sk != "" {
			if got := text(r.Item["sk"]); got != tc.sk {
				t.Errorf("%s: sk = %q, want %q", tc.name, got, tc.sk)
			}
		}
		// Other attributes stay; only key attributes may be added.
		added := 0
		for _, k := range []string{"pk", "sk"} {
			if _, ok := r.Item[k]; ok {
				added++
			}
		}
		if len(r.Item) < before || len(r.Item) > before+added {
			t.Errorf("%s: item went from %d to %d attributes: %v", tc.name, before, len(r.Item), r.Item)
		}
	}
}

func TestApplyNonStringKeys(t *testing.T) {
	t.Parallel()
	st, err := NewStage(numPK, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &record.Record{Item: record.Item{"id": n("1.0"), "blob": b([]byte{0, 1})}}
	if err := st.Apply(r); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if got, want := st.Key(r.Item), (Key{Partition: "N:1", Sort: "B:\x00\x01"}); got != want {
		t.Fatalf("Key = %q, want %q", got, want)
	}
}

func TestApplyInputErrors(t *testing.T) {
	t.Parallel()
	shard := Options{PartitionKey: "{tenant}#{shard}", ShardAttribute: "user_id", ShardCount: 10}
	for _, tc := range []struct {
		name   string
		schema Schema
		opts   Options
		item   record.Item
		attr   string
		want   string // the Reason
	}{
		{"partition key missing", pkOnly, Options{}, record.Item{"x": s("1")}, "pk",
			`partition key "pk" is missing; the table's partition key is pk (S)`},
		{"nil item", pkOnly, Options{}, nil, "pk",
			`partition key "pk" is missing; the table's partition key is pk (S)`},
		{"sort key missing", pkSK, Options{}, record.Item{"pk": s("a")}, "sk",
			`sort key "sk" is missing; the table's sort key is sk (S)`},
		{"sort key of the wrong type", pkSK, Options{}, record.Item{"pk": s("a"), "sk": n("1")}, "sk",
			`sort key "sk" must be a string (S) but is a number (N)`},
		{"number key given as string", numPK, Options{}, record.Item{"id": s("1"), "blob": b([]byte{1})}, "id",
			`partition key "id" must be a number (N) but is a string (S)`},
		{"binary key given as list", numPK, Options{}, record.Item{"id": n("1"), "blob": &types.AttributeValueMemberL{}}, "blob",
			`sort key "blob" must be binary (B) but is a list (L)`},
		{"empty string key", pkOnly, Options{}, record.Item{"pk": s("")}, "pk",
			`partition key "pk" is empty; DynamoDB key values must not be empty`},
		{"empty binary key", numPK, Options{}, record.Item{"id": n("1"), "blob": b(nil)}, "blob",
			`sort key "blob" is empty; DynamoDB key values must not be empty`},
		{"template renders empty", pkOnly, Options{PartitionKey: "{a}"}, record.Item{"a": s("")}, "pk",
			`partition key "pk" is empty; DynamoDB key values must not be empty`},
		{"partition key too long", pkOnly, Options{}, record.Item{"pk": s(strings.Repeat("é", 1050))}, "pk",
			`partition key "pk" is 2100 bytes; DynamoDB allows at most 2048`},
		{"sort key too long", pkSK, Options{}, record.Item{"pk": s("a"), "sk": s(strings.Repeat("x", 1025))}, "sk",
			`sort key "sk" is 1025 bytes; DynamoDB allows at most 1024`},
		{"binary key too long", numPK, Options{}, record.Item{"id": n("1"), "blob": b(make([]byte, 1030))}, "blob",
			`sort key "blob" is 1030 bytes; DynamoDB allows at most 1024`},
		{"rendered key too long", pkOnly, Options{PartitionKey: "{a}:{b}"}, record.Item{"a": s(strings.Repeat("a", 1100)), "b": s(strings.Repeat("b", 1100))}, "pk",
			`partition key "pk" is 2201 bytes; DynamoDB allows at most 2048`},
		{"invalid UTF-8", pkOnly, Options{}, record.Item{"pk": s("a\xffb")}, "pk",
			`partition key "pk" is not valid UTF-8; DynamoDB strings must be UTF-8`},
		{"invalid number key", numPK, Options{}, record.Item{"id": n("12abc"), "blob": b([]byte{1})}, "id",
			`partition key "id" is not a valid number`},
		{"placeholder missing", pkOnly, shard, record.Item{"user_id": s("u")}, "tenant",
			`the partition key template "{tenant}#{shard}" uses {tenant}, but the item has no attribute "tenant"`},
		{"placeholder is binary", pkSK, Options{SortKey: "{ts}"}, record.Item{"pk": s("a"), "ts": b([]byte{1})}, "ts",
			`the sort key template "{ts}" uses {ts}, which must be a string (S) or number (N) but is binary (B)`},
		{"placeholder is a map", pkOnly, shard, record.Item{"tenant": &types.AttributeValueMemberM{}, "user_id": s("u")}, "tenant",
			`the partition key template "{tenant}#{shard}" uses {tenant}, which must be a string (S) or number (N) but is a map (M)`},
		{"placeholder is an invalid number", pkOnly, shard, record.Item{"tenant": n("NaN"), "user_id": s("u")}, "tenant",
			`attribute "tenant" used by the partition key template "{tenant}#{shard}" is not a valid number`},
		{"shard attribute missing", pkOnly, shard, record.Item{"tenant": s("acme")}, "user_id",
			`shard attribute "user_id" is missing; {shard} is calculated from it`},
		{"shard attribute of the wrong type", pkOnly, shard, record.Item{"tenant": s("acme"), "user_id": &types.AttributeValueMemberSS{Value: []string{"a"}}}, "user_id",
			`shard attribute "user_id" must be a string (S), number (N) or binary (B) but is a string set (SS)`},
		{"shard attribute an invalid number", pkOnly, shard, record.Item{"tenant": s("acme"), "user_id": n("1e999")}, "user_id",
			`shard attribute "user_id" is not a valid number`},
	} {
		st, err := NewStage(tc.schema, tc.opts)
		if err != nil {
			t.Fatalf("%s: NewStage: %v", tc.name, err)
		}
		pos := record.Position{File: "data.jsonl", Line: 3, Record: 3}
		err = st.Apply(&record.Record{Item: tc.item, Pos: pos})
		var ie *record.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: Apply = %v; want a *record.InputError", tc.name, err)
			continue
		}
		if ie.Pos != pos || ie.Attribute != tc.attr || ie.Reason != tc.want {
			t.Errorf("%s: got %+v\nwant attribute %q, reason %q", tc.name, *ie, tc.attr, tc.want)
		}
		if !strings.HasPrefix(err.Error(), `data.jsonl:3: attribute "`+tc.attr+`": `+tc.want) {
			t.Errorf("%s: Error() = %q", tc.name, err)
		}
	}
}

func TestApplyNumberErrorsKeepTheCause(t *testing.T) {
	t.Parallel()
	st, err := NewStage(numPK, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Apply(&record.Record{Item: record.Item{"id": n("1.2.3"), "blob": b([]byte{1})}, Pos: record.Position{File: "items", Record: 2}})
	want := `items record 2: attribute "id": partition key "id" is not a valid number: "1.2.3" is not a valid DynamoDB number: expected decimal digits with an optional sign, fraction and exponent`
	if err == nil || err.Error() != want {
		t.Fatalf("Apply error = %v\nwant %s", err, want)
	}
}

package loader

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/order"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/write"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// startDynalite starts a local DynamoDB and creates the tables; the server stops with the test.
func startDynalite(t *testing.T, tables ...devstack.TableSpec) *dynamodb.Client {
	t.Helper()
	ctx := context.Background()
	d, err := devstack.StartDynalite(ctx, devstack.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	c := d.Client()
	for i := range tables {
		tables[i].OnDemand = true
		if err := devstack.CreateTable(ctx, c, tables[i]); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// numberRoundTrip are the exact numbers the round trip must preserve, by attribute name.
var numberRoundTrip = map[string]string{
	"tenth":   "0.1",
	"long":    "12345678901234567890.123456",
	"tiny":    "-1E-130",
	"nines":   "99999999999999999999999999999999999999",
	"huge":    "9.9999999999999999999999999999999999999E+125",
	"zero":    "-0.0",
	"integer": "1E+2",
}

// roundTripFiles is a varied dataset in every source format, for a table keyed pk (S), sk (N).
// The formats are inferred from the extensions. Together they hold every DynamoDB type, exact
// numbers at DynamoDB's limits, unicode in values, names and keys, and empty values.
func roundTripFiles(t *testing.T, dir string) {
	t.Helper()
	var nums []string
	for name, v := range numberRoundTrip {
		nums = append(nums, fmt.Sprintf("%q:%s", name, v))
	}
	sort.Strings(nums)
	// Plain JSON array; tags, scores, blobs, img and price are typed by AttributeTypes.
	writeFile(t, dir, "a.json", `[
{"pk":"num","sk":1,`+strings.Join(nums, ",")+`,"price":"12.50"},
{"pk":"num","sk":0.1,"what":"a decimal sort key"},
{"pk":"num","sk":-1E-130,"what":"the smallest negative sort key"},
{"pk":"num","sk":99999999999999999999999999999999999999,"what":"38 nines"},
{"pk":"num","sk":-12345678901234567890.123456,"what":"a long negative sort key"},
{"pk":"sets","sk":1,"tags":["a","b","日本","🦆"],"scores":[1,"2.50",-3E2,"0.1"],"blobs":["AAE=","/w==","AA=="],"img":"AP8A"},
{"pk":"nest","sk":1,"m":{"a":{"b":{"c":[1,{"d":"x"},[],{}]}},"empty":{}},"l":[[],[1,[2,[3]]],"s",true,null,""]},
{"pk":"🦆 日本語 é","sk":1,"name":"🦆","cjk":"日本語","comb":"e\u0301","nfc":"é","zwj":"👩‍👩‍👧","empty":"","t":true,"f":false,"n":null,"ключ":"a unicode attribute name"},
{"pk":"e\u0301","sk":1,"what":"a key with a combining mark, not equal to the precomposed one"},
{"pk":"é","sk":1,"what":"the precomposed key"}
]
`)
	// Gzipped JSON Lines: enough records for many batches and scan pages.
	var gen strings.Builder
	for i := range 300 {
		fmt.Fprintf(&gen, `{"pk":"gen-%02d","sk":%d,"v":"%s","n":%d.%03d,"ok":%t,"l":[%d,"x%d"],"m":{"i":%d,"s":"%s"}}`+"\n",
			i%17, i, strings.Repeat("ü", i%5), i, i*7%1000, i%2 == 0, i, i, -i, strings.Repeat("日", i%4))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write([]byte(gen.String())); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "b.jsonl.gz", gz.String())
	// CSV with typed columns (see roundTripSpec); empty S cells are kept as empty strings.
	writeFile(t, dir, "c.csv", `pk,sk,qty,active,gone,tags,scores,blobs,img,list,map,note
csv,1,0.1,true,true,a;b;c,1;2.5;-1E-130,AAE=;/w==,AP8A,"[1,""x"",[true,null]]","{""k"":{""n"":12345678901234567890.123456}}",hello
csv,2,99999999999999999999999999999999999999,false,null,日本;🦆,0,AA==,,[],{},
csv,3,-1E-130,TRUE,,"with space; x",12345678901234567890.123456,AQID,AAECAwQF,"[{""a"":[]}]","{""e"":"""",""f"":false}","🦆 ""quoted"", with comma"
`)
	// DynamoDB JSON, S3-export shape, one item per line.
	writeFile(t, dir, "d.ddb.json", `{"Item":{"pk":{"S":"ddb"},"sk":{"N":"1"},"n":{"N":"-1E-130"},"bin":{"B":"AAEC/w=="},"ss":{"SS":["x","y",""]},"ns":{"NS":["0.1","12345678901234567890.123456","-1E-130"]},"bs":{"BS":["AA==","AQ=="]},"l":{"L":[{"S":""},{"NULL":true},{"BOOL":false},{"M":{}},{"L":[]}]},"m":{"M":{"deep":{"M":{"x":{"N":"1E+2"}}}}},"e":{"S":""}}}
{"Item":{"pk":{"S":"ddb"},"sk":{"N":"2"},"big":{"N":"99999999999999999999999999999999999999"},"unicode":{"S":"日本語 🦆 e\u0301"},"t":{"BOOL":true},"nul":{"NULL":true}}}
{"Item":{"pk":{"S":"ddb"},"sk":{"N":"12345678901234567890.123456"},"what":{"S":"an exact sort key from an export"}}}
`)
	// DynamoDB JSON, an array of plain typed maps; "Item" is an ordinary attribute here.
	writeFile(t, dir, "e.ddb.json", `[
{"pk":{"S":"typed"},"sk":{"N":"1"},"Item":{"S":"an attribute called Item"},"bs":{"BS":["/////w==","AA=="]},"emptyB":{"B":""}},
{"pk":{"S":"typed"},"sk":{"N":"2"},"m":{"M":{"日本":{"SS":["🦆"]},"n":{"NS":["-0.5","5E-1"]},"l":{"L":[{"N":"0.1"},{"B":"AP8="}]}}}},
{"pk":{"S":"typed"},"sk":{"N":"-99999999999999999999999999999999999999"},"s":{"S":"\t\n\"\\ control and escapes \u0001"}}
]
`)
}

func roundTripSpec(dir string) source.Spec {
	return source.Spec{
		BaseDir:  dir,
		Patterns: []string{"*.json", "b.jsonl.gz", "c.csv"},
		AttributeTypes: map[string]string{
			"tags": "SS", "scores": "NS", "blobs": "BS", "img": "B", "price": "N",
		},
		CSV: source.CSVOptions{
			Columns: map[string]string{
				"sk": "N", "qty": "N", "active": "BOOL", "gone": "NULL", "tags": "SS", "scores": "NS",
				"blobs": "BS", "img": "B", "list": "L", "map": "M",
			},
			KeepEmpty: true,
		},
	}
}

// readDataset reads the dataset the way validation does: the readers, then the key stage.
func readDataset(t *testing.T, schema keys.Schema, o Options) []record.Item {
	t.Helper()
	stage, err := keys.NewStage(schema, o.Keys)
	if err != nil {
		t.Fatal(err)
	}
	r, err := source.Open(o.Source)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var items []record.Item
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return items
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := stage.Apply(&rec); err != nil {
			t.Fatal(err)
		}
		items = append(items, rec.Item)
	}
}

// scanAll reads the whole table in small pages, so that pagination is exercised.
func scanAll(ctx context.Context, t *testing.T, c *dynamodb.Client, table string) (items []record.Item, pages int) {
	t.Helper()
	p := dynamodb.NewScanPaginator(c, &dynamodb.ScanInput{
		TableName: aws.String(table), Limit: aws.Int32(40), ConsistentRead: aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		items = append(items, page.Items...)
	}
	return items, pages
}

// byKey indexes items by primary key ID.
func byKey(t *testing.T, schema keys.Schema, items []record.Item) map[string]record.Item {
	t.Helper()
	m := make(map[string]record.Item, len(items))
	for _, it := range items {
		id := schema.Key(it).ID()
		if _, dup := m[id]; dup {
			t.Fatalf("two items with key %s", describeKey(it, schema))
		}
		m[id] = it
	}
	return m
}

// sameContents fails the test unless got and want hold the same items (canonically), and
// names every item that differs.
func sameContents(t *testing.T, schema keys.Schema, got, want []record.Item) {
	t.Helper()
	if strings.Join(canonicalSet(got), "\x00") == strings.Join(canonicalSet(want), "\x00") {
		return
	}
	g, w := byKey(t, schema, got), byKey(t, schema, want)
	bad := 0
	for id, wi := range w {
		gi, ok := g[id]
		switch {
		case !ok:
			t.Errorf("missing from the table: %s", itemText(wi))
		case !bytes.Equal(CanonicalBytes(gi), CanonicalBytes(wi)):
			t.Errorf("item differs:\n\ttable:   %s\n\tdataset: %s", itemText(gi), itemText(wi))
		default:
			continue
		}
		bad++
		if bad > 20 {
			t.Fatal("too many differences")
		}
	}
	for id, gi := range g {
		if _, ok := w[id]; !ok {
			t.Errorf("in the table but not in the dataset: %s", itemText(gi))
		}
	}
	t.FailNow()
}

// itemText renders an item for failure messages, attributes sorted.
func itemText(item record.Item) string {
	names := make([]string, 0, len(item))
	for k := range item {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("{")
	for i, k := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %s", k, dumpValue(item[k]))
	}
	b.WriteString("}")
	return b.String()
}

// dumpValue renders a value for failure messages in DynamoDB JSON, which shows its type and a
// number's text as stored.
func dumpValue(v types.AttributeValue) string {
	if v == nil {
		return "(missing)"
	}
	b, err := attributevalue.MarshalJSON(v)
	if err != nil {
		return fmt.Sprintf("(%T: %v)", v, err)
	}
	return string(b)
}

func sKey(pk, sk string) record.Item {
	return record.Item{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberN{Value: sk}}
}

// TestDynaliteRoundTrip loads a dataset in every format into a local DynamoDB in one Load,
// scans it back and checks the table holds exactly the dataset; then deletes a subset of the
// keys and checks exactly those are gone.
func TestDynaliteRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const table = "round_trip"
	schema := hashRange()
	c := startDynalite(t, devstack.TableSpec{Name: table, PartitionKey: devstack.Key{Name: "pk", Type: "S"}, SortKey: &devstack.Key{Name: "sk", Type: "N"}})
	dir := t.TempDir()
	roundTripFiles(t, dir)
	o := Options{Source: roundTripSpec(dir), Write: write.Options{Concurrency: 8}}

	res, err := Load(ctx, c, table, schema, o)
	if err != nil {
		t.Fatal(err)
	}
	want := readDataset(t, schema, o)
	if len(res.Validated.Files) != 5 || res.Validated.Items != int64(len(want)) || res.Stats.Written != int64(len(want)) || res.Acked.Len() != len(want) {
		t.Fatalf("files %v, validated %d items, %d written, %d acked; want 5 files and %d items", res.Validated.Files, res.Validated.Items, res.Stats.Written, res.Acked.Len(), len(want))
	}
	got, pages := scanAll(ctx, t, c, table)
	if pages < 2 {
		t.Errorf("the scan took %d page(s); the test means to paginate", pages)
	}
	sameContents(t, schema, got, want)

	// A few items attribute by attribute: what came back, not just its canonical form.
	items := byKey(t, schema, got)
	get := func(pk, sk string) record.Item {
		t.Helper()
		it, ok := items[schema.Key(sKey(pk, sk)).ID()]
		if !ok {
			t.Fatalf("no item pk %q sk %s in the table", pk, sk)
		}
		return it
	}
	nums := get("num", "1")
	for name, text := range numberRoundTrip {
		wantN, err := ddbitem.CanonicalNumber(text)
		if err != nil {
			t.Fatal(err)
		}
		n, ok := nums[name].(*types.AttributeValueMemberN)
		if !ok {
			t.Errorf("attribute %s is %s, want N %s", name, dumpValue(nums[name]), text)
			continue
		}
		if gotN, err := ddbitem.CanonicalNumber(n.Value); err != nil || gotN != wantN {
			t.Errorf("attribute %s came back as %q (%v); want the value %s", name, n.Value, err, text)
		}
	}
	for _, sk := range []string{"0.1", "-1E-130", "99999999999999999999999999999999999999", "-12345678901234567890.123456"} {
		get("num", sk) // exact sort keys address their item
	}
	if p, ok := nums["price"].(*types.AttributeValueMemberN); !ok || p.Value != "12.5" && p.Value != "12.50" {
		t.Errorf("price = %s; want N 12.5 (a string typed as N)", dumpValue(nums["price"]))
	}

	uni := get("🦆 日本語 é", "1")
	for name, wantS := range map[string]string{
		"name": "🦆", "cjk": "日本語", "comb": "e\u0301", "nfc": "\u00e9", "zwj": "👩‍👩‍👧", "empty": "", "ключ": "a unicode attribute name",
	} {
		if s, ok := uni[name].(*types.AttributeValueMemberS); !ok || s.Value != wantS {
			t.Errorf("attribute %s = %s; want the exact bytes of %q", name, dumpValue(uni[name]), wantS)
		}
	}
	if b, ok := uni["f"].(*types.AttributeValueMemberBOOL); !ok || b.Value {
		t.Errorf("f = %s; want false", dumpValue(uni["f"]))
	}
	if _, ok := uni["n"].(*types.AttributeValueMemberNULL); !ok {
		t.Errorf("n = %s; want null", dumpValue(uni["n"]))
	}
	decomposed, ok1 := get("e\u0301", "1")["what"].(*types.AttributeValueMemberS)
	precomposed, ok2 := get("\u00e9", "1")["what"].(*types.AttributeValueMemberS)
	if !ok1 || !ok2 || decomposed.Value == precomposed.Value {
		t.Error("keys differing only in unicode normalisation were merged")
	}

	sets := get("sets", "1")
	if img, ok := sets["img"].(*types.AttributeValueMemberB); !ok || !bytes.Equal(img.Value, []byte{0, 0xff, 0}) {
		t.Errorf("img = %s; want the bytes 00 ff 00", dumpValue(sets["img"]))
	}
	if ns, ok := sets["scores"].(*types.AttributeValueMemberNS); !ok || len(ns.Value) != 4 {
		t.Errorf("scores = %s; want a number set of 4", dumpValue(sets["scores"]))
	}

	csvRow := get("csv", "1")
	m, ok := csvRow["map"].(*types.AttributeValueMemberM)
	var inner types.AttributeValue
	if ok {
		if k, ok := m.Value["k"].(*types.AttributeValueMemberM); ok {
			inner = k.Value["n"]
		}
	}
	if n, ok := inner.(*types.AttributeValueMemberN); !ok || n.Value != "12345678901234567890.123456" {
		t.Errorf("csv map.k.n = %s; want N 12345678901234567890.123456", dumpValue(inner))
	}
	if _, ok := csvRow["gone"].(*types.AttributeValueMemberNULL); !ok {
		t.Errorf("csv gone = %s; want null", dumpValue(csvRow["gone"]))
	}
	if note, ok := get("csv", "2")["note"].(*types.AttributeValueMemberS); !ok || note.Value != "" {
		t.Errorf("csv row 2 note = %v; want the empty string (KeepEmpty)", get("csv", "2")["note"])
	}
	if _, ok := get("csv", "2")["img"]; ok {
		t.Error("an empty B cell was written; empty non-S cells are omitted")
	}
	if e, ok := get("typed", "1")["emptyB"].(*types.AttributeValueMemberB); !ok || len(e.Value) != 0 {
		t.Errorf("emptyB = %s; want empty binary", dumpValue(get("typed", "1")["emptyB"]))
	}
	if s, ok := get("ddb", "12345678901234567890.123456")["what"].(*types.AttributeValueMemberS); !ok || !strings.Contains(s.Value, "export") {
		t.Error("the export item with an exact sort key is not addressable by that key")
	}

	// Delete every third item (by key order) and the items with the trickiest keys.
	ids := make([]string, 0, len(items))
	for id := range items {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	gone := map[string]bool{}
	for i, id := range ids {
		if i%3 == 0 {
			gone[id] = true
		}
	}
	for _, k := range []record.Item{sKey("num", "-1E-130"), sKey("🦆 日本語 é", "1"), sKey("e\u0301", "1"), sKey("ddb", "12345678901234567890.123456")} {
		gone[schema.Key(k).ID()] = true
	}
	var toDelete []record.Item
	for _, it := range want {
		if gone[schema.Key(it).ID()] {
			toDelete = append(toDelete, keys.KeyItem(it, schema))
		}
	}
	st, err := Delete(ctx, c, table, func(yield func(record.Item) bool) {
		for _, k := range toDelete {
			if !yield(k) {
				return
			}
		}
	}, write.Options{Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if st.Deleted != int64(len(gone)) || len(toDelete) != len(gone) {
		t.Fatalf("%d deletes for %d keys (%d chosen)", st.Deleted, len(toDelete), len(gone))
	}
	var kept []record.Item
	for _, it := range want {
		if !gone[schema.Key(it).ID()] {
			kept = append(kept, it)
		}
	}
	after, _ := scanAll(ctx, t, c, table)
	if len(after) != len(want)-len(gone) {
		t.Errorf("%d items left after deleting %d of %d", len(after), len(gone), len(want))
	}
	sameContents(t, schema, after, kept)
	if _, ok := byKey(t, schema, after)[schema.Key(sKey("\u00e9", "1")).ID()]; !ok {
		t.Error("deleting the key e+U+0301 also deleted the precomposed é")
	}
}

// TestDynaliteSharded loads with calculated shard suffixes and checks every partition key in
// the table is the tenant and keys.Shard of the user.
func TestDynaliteSharded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const table = "sharded"
	const shards = 8
	schema := hashRange()
	c := startDynalite(t, devstack.TableSpec{Name: table, PartitionKey: devstack.Key{Name: "pk", Type: "S"}, SortKey: &devstack.Key{Name: "sk", Type: "N"}})
	dir := t.TempDir()
	var b strings.Builder
	for i := range 400 {
		user := fmt.Sprintf("%q", fmt.Sprintf("user-%d-ü", i%41))
		if i%10 == 0 {
			user = fmt.Sprintf("%d.50", i) // a number: the suffix hashes its canonical text
		}
		fmt.Fprintf(&b, `{"tenant":"tenant-%d","user":%s,"sk":%d,"pk":"overwritten"}`+"\n", i%3, user, i)
	}
	writeFile(t, dir, "users.jsonl", b.String())
	o := Options{
		Source: source.Spec{BaseDir: dir, Patterns: []string{"users.jsonl"}},
		Keys:   keys.Options{PartitionKey: "{tenant}#{shard}", ShardAttribute: "user", ShardCount: shards},
		Write:  write.Options{Concurrency: 8},
	}
	if _, err := Load(ctx, c, table, schema, o); err != nil {
		t.Fatal(err)
	}
	got, _ := scanAll(ctx, t, c, table)
	if len(got) != 400 {
		t.Fatalf("%d items in the table; want 400", len(got))
	}
	suffixes := map[int]int{}
	for _, it := range got {
		tenant, ok1 := it["tenant"].(*types.AttributeValueMemberS)
		pk, ok2 := it["pk"].(*types.AttributeValueMemberS)
		if !ok1 || !ok2 {
			t.Fatalf("item without string tenant and pk: %s", itemText(it))
		}
		var shard int
		switch u := it["user"].(type) {
		case *types.AttributeValueMemberS:
			shard = keys.Shard(u.Value, shards)
		case *types.AttributeValueMemberN:
			canon, err := ddbitem.CanonicalNumber(u.Value)
			if err != nil {
				t.Fatalf("user %q: %v", u.Value, err)
			}
			shard = keys.Shard(canon, shards) // "10.5", not "10.50"
		default:
			t.Fatalf("user is %s", dumpValue(it["user"]))
		}
		if want := tenant.Value + "#" + strconv.Itoa(shard); pk.Value != want {
			t.Errorf("pk %q; want %q (tenant %q, user %s)", pk.Value, want, tenant.Value, dumpValue(it["user"]))
		}
		suffixes[shard]++
	}
	if len(suffixes) != shards {
		t.Errorf("suffixes used %v; want all of 1..%d", suffixes, shards)
	}
	sameContents(t, schema, got, readDataset(t, schema, o))
}

// TestDynaliteBinaryKeys loads binary partition keys (any bytes, not UTF-8) from JSON Lines
// with a B override and from DynamoDB JSON, then deletes half of them.
func TestDynaliteBinaryKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const table = "binary"
	schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "B"}}
	c := startDynalite(t, devstack.TableSpec{Name: table, PartitionKey: devstack.Key{Name: "pk", Type: "B"}})
	dir := t.TempDir()
	var jl, dj strings.Builder
	for i := range 120 {
		k := []byte{byte(i), 0x00, 0xff, 0xfe, byte(255 - i)}
		if i%4 == 0 {
			k = k[:1] // one byte, 0x00 included
		}
		k64 := base64.StdEncoding.EncodeToString(k)
		if i%2 == 0 {
			fmt.Fprintf(&jl, `{"pk":%q,"i":%d,"raw":%q}`+"\n", k64, i, k64)
		} else {
			fmt.Fprintf(&dj, `{"Item":{"pk":{"B":%q},"i":{"N":"%d"},"bs":{"BS":[%q,"AA=="]}}}`+"\n", k64, i, k64)
		}
	}
	writeFile(t, dir, "keys.jsonl", jl.String())
	writeFile(t, dir, "keys.ddb.jsonl", dj.String())
	o := Options{
		Source: source.Spec{BaseDir: dir, Patterns: []string{"keys.*"}, AttributeTypes: map[string]string{"pk": "B"}},
		Write:  write.Options{Concurrency: 8},
	}
	if _, err := Load(ctx, c, table, schema, o); err != nil {
		t.Fatal(err)
	}
	want := readDataset(t, schema, o)
	got, _ := scanAll(ctx, t, c, table)
	if len(want) != 120 {
		t.Fatalf("the dataset has %d items; want 120", len(want))
	}
	sameContents(t, schema, got, want)

	var toDelete, kept []record.Item
	for _, it := range want {
		n, ok := it["i"].(*types.AttributeValueMemberN)
		if !ok {
			t.Fatalf("item without i: %s", itemText(it))
		}
		if i, err := strconv.Atoi(n.Value); err != nil || i%3 == 1 {
			toDelete = append(toDelete, keys.KeyItem(it, schema))
		} else {
			kept = append(kept, it)
		}
	}
	st, err := Delete(ctx, c, table, func(yield func(record.Item) bool) {
		for _, k := range toDelete {
			if !yield(k) {
				return
			}
		}
	}, write.Options{})
	if err != nil || st.Deleted != int64(len(toDelete)) {
		t.Fatalf("delete: %d deletes, %v; want %d", st.Deleted, err, len(toDelete))
	}
	after, _ := scanAll(ctx, t, c, table)
	sameContents(t, schema, after, kept)
}

// TestDynaliteItemSizeLimit loads items at DynamoDB's limits. An item validation accepts must
// be written: if DynamoDB refuses it, the batches before it are already in the table, and the
// promise that invalid input writes nothing is broken.
func TestDynaliteItemSizeLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const table = "limits"
	schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "S"}}
	c := startDynalite(t, devstack.HashRange(table))

	overrides := map[string]string{"ns": "NS"}
	// pad returns a JSON record whose item is exactly ddbitem.MaxItemBytes by ddbitem.Size.
	pad := func(t *testing.T, head string) string {
		t.Helper()
		rec := func(n int) string { return `{` + head + `,"pad":"` + strings.Repeat("x", n) + `"}` }
		dir := t.TempDir()
		writeFile(t, dir, "probe.jsonl", rec(0)+"\n")
		items := readDataset(t, schema, Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"probe.jsonl"}, AttributeTypes: overrides}})
		return rec(ddbitem.MaxItemBytes - ddbitem.Size(items[0]))
	}
	for _, tc := range []struct{ name, head string }{
		{"strings only", `"pk":"size","sk":"strings"`},
		{"a number with an odd digit count", `"pk":"size","sk":"odd","n":123`},
		{"a number with a fraction", `"pk":"size","sk":"fraction","n":1.2`},
		{"a negative number", `"pk":"size","sk":"negative","n":-12.34`},
		{"a number set", `"pk":"size","sk":"set","ns":[1.5,22.75,-0.125]`},
		{"numbers in a list and a map", `"pk":"size","sk":"nested","l":[1.5,{"x":0.25}]`},
		{"keys at their maximum length", `"pk":"` + strings.Repeat("p", ddbitem.MaxPartitionKeyBytes) + `","sk":"keys` + strings.Repeat("s", ddbitem.MaxSortKeyBytes-4) + `"`},
		{"nesting at the maximum depth", `"pk":"size","sk":"deep","deep":` + nestedLists(ddbitem.MaxDepth)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var good strings.Builder
			for i := range 100 {
				fmt.Fprintf(&good, `{"pk":"good","sk":"%s-%03d"}`+"\n", tc.name, i)
			}
			writeFile(t, dir, "a.jsonl", good.String())
			writeFile(t, dir, "b.jsonl", pad(t, tc.head)+"\n")
			o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl", "b.jsonl"}, AttributeTypes: overrides},
				Order: order.Options{Mode: order.Preserve}, Write: write.Options{Concurrency: 1}}
			v, err := Validate(ctx, schema, o)
			if err != nil {
				t.Fatalf("validation refused an item of exactly %d bytes: %v", ddbitem.MaxItemBytes, err)
			}
			if _, err := Load(ctx, c, table, schema, o); err != nil {
				all, _ := scanAll(ctx, t, c, table)
				written := 0
				for _, it := range all {
					if sk, ok := it["sk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, tc.name+"-") {
						written++
					}
				}
				t.Fatalf("validation accepted the dataset (%d items, the last of %d bytes by ddbitem.Size), but writing "+
					"failed after %d of its items were in the table: %v", v.Items, ddbitem.MaxItemBytes, written, err)
			}
		})
	}
}

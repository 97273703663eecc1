package reliability

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// The suite's table: partition key pk (S), sort key sk (N).
var schema = keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "N"}}

// attributeTypes are the overrides the dataset's Spec needs: JSON arrays as sets, a base64
// string as binary.
var attributeTypes = map[string]string{"tags": "SS", "scores": "NS", "blob": "B"}

// dataset is a generated JSON Lines file and what the table must hold after loading it: the
// rendering (render) of every item, by the rendering of its key.
type dataset struct {
	spec source.Spec
	want map[string]string
	wcu  int64 // Σ write units of the items
}

// writeDataset generates n items into dir/items.jsonl, from a fixed seed. Every item is one Go
// value (orderItem), written to the file by encoding/json and made the SDK attribute values the
// table must return by attributevalue, so the expectation does not depend on the loader's
// parser. The items hold every DynamoDB type (S, N, B, BOOL, NULL, SS, NS, L, M), unicode in
// names, values and keys, numbers of up to 38 digits, and 2% of them are 1.5–3.5 KB (several
// write units). Partition keys repeat (about 25 items per key) and arrive in random order.
func writeDataset(t *testing.T, dir string, n int) *dataset {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, 11))
	f, err := os.Create(filepath.Join(dir, "items.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	d := &dataset{
		spec: source.Spec{BaseDir: dir, Patterns: []string{"items.jsonl"}, AttributeTypes: attributeTypes},
		want: make(map[string]string, n),
	}
	perm := rng.Perm(n) // sort keys in random order: the file is not sorted
	for i := range n {
		line, item := genItem(t, rng, perm[i], max(1, n/25))
		if _, err := w.WriteString(line + "\n"); err != nil {
			t.Fatal(err)
		}
		k := keyOf(item)
		if _, dup := d.want[k]; dup {
			t.Fatalf("the generator made key %s twice", k)
		}
		d.want[k] = render(item)
		d.wcu += ddbitem.WriteUnits(ddbitem.Size(item))
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return d
}

// notes are string values with multi-byte UTF-8, combining marks, emoji and JSON escapes.
var notes = []string{"plain", "größe — Zürich", "日本語のメモ", "e\u0301 (combining)", "👩‍👩‍👧 family", "quote \" and \\ backslash", "tab\tand\nnewline", ""}

// orderItem is a generated item as a Go value. encoding/json writes it as the file's line and
// attributevalue makes of it the attribute values the table must return: neither is the
// loader's parser, so the expectation does not depend on it.
type orderItem struct {
	PK    string      `json:"pk" dynamodbav:"pk"`
	SK    int         `json:"sk" dynamodbav:"sk"`
	Total json.Number `json:"total" dynamodbav:"total"` // decimal text, as written: a float64 would round it
	Big   json.Number `json:"big,omitempty" dynamodbav:"big,omitempty"`
	Note  string      `json:"note" dynamodbav:"note"`
	Paid  bool        `json:"paid" dynamodbav:"paid"`
	Gone  null        `json:"gone,omitempty" dynamodbav:"gone,omitempty"`
	// Tags, Scores and Blob are what attributeTypes makes of them: a JSON array of strings a
	// string set, one of numbers a number set, a base64 string (encoding/json's []byte) binary.
	Tags   []string      `json:"tags,omitempty" dynamodbav:"tags,omitempty,stringset"`
	Scores []json.Number `json:"scores,omitempty" dynamodbav:"scores,omitempty,numberset"`
	Blob   []byte        `json:"blob,omitempty" dynamodbav:"blob,omitempty"`
	Addr   address       `json:"addr" dynamodbav:"addr"`
	Lines  []orderLine   `json:"lines" dynamodbav:"lines"` // never nil: no lines is an empty list
	Pad    string        `json:"pad,omitempty" dynamodbav:"pad,omitempty"`
	Name   string        `json:"ключ" dynamodbav:"ключ"`
}

type address struct {
	City  string        `json:"city" dynamodbav:"city"`
	Zip   string        `json:"zip" dynamodbav:"zip"`
	Geo   []json.Number `json:"geo" dynamodbav:"geo"`
	Extra struct {
		Floor int `json:"floor" dynamodbav:"floor"`
	} `json:"extra" dynamodbav:"extra"`
}

type orderLine struct {
	SKU  string `json:"sku" dynamodbav:"sku"`
	Qty  int    `json:"qty" dynamodbav:"qty"`
	Gift bool   `json:"gift" dynamodbav:"gift"`
}

// null is a null attribute when true (JSON null, DynamoDB NULL) and, with omitempty, none when
// false: neither library has a value that is null in one case and absent in the other.
type null bool

func (null) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

func (null) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberNULL{Value: true}, nil
}

// genItem returns item number seq as a JSON line and as attribute values.
func genItem(t *testing.T, rng *rand.Rand, seq, partitionKeys int) (string, map[string]types.AttributeValue) {
	t.Helper()
	it := orderItem{PK: fmt.Sprintf("cust-%05d", rng.IntN(partitionKeys)), SK: seq}
	if seq%97 == 0 {
		it.PK += "·ü🦆" // unicode in some keys
	}
	it.Total = json.Number(fmt.Sprintf("%d.%02d", rng.IntN(100000), 1+rng.IntN(99)))
	if seq%5 == 0 {
		it.Big = json.Number("9" + strings.Repeat(strconv.Itoa(rng.IntN(10)), 37)) // 38 significant digits
	}
	it.Note = notes[rng.IntN(len(notes))]
	it.Paid = rng.IntN(2) == 0
	it.Gone = seq%3 == 0
	if seq%2 == 0 {
		it.Tags = []string{"a", "β", "tag-" + strconv.Itoa(rng.IntN(50))}
		it.Scores = []json.Number{json.Number(strconv.Itoa(rng.IntN(1000))), "1000.5", "-3"}
	}
	if seq%4 == 1 {
		it.Blob = []byte{0, 1, byte(seq), byte(seq >> 8), 0xff}
	}
	it.Addr = address{City: []string{"Zürich", "Genève", "Kraków"}[seq%3], Zip: strconv.Itoa(8000 + rng.IntN(999))}
	it.Addr.Geo = []json.Number{json.Number(strconv.Itoa(rng.IntN(90)) + ".5"), "8.25"}
	it.Addr.Extra.Floor = seq % 9
	it.Lines = make([]orderLine, rng.IntN(3))
	for j := range it.Lines {
		it.Lines[j] = orderLine{SKU: fmt.Sprintf("sku-%d", rng.IntN(500)), Qty: j + 1}
	}
	if seq%50 == 7 {
		it.Pad = strings.Repeat("x", 1500+rng.IntN(2000)) // several write units
	}
	it.Name = "unicode name"

	line, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	item, err := attributevalue.MarshalMap(it)
	if err != nil {
		t.Fatal(err)
	}
	return string(line), item
}

// keyOf renders an item's primary key.
func keyOf(item map[string]types.AttributeValue) string {
	return render(map[string]types.AttributeValue{"pk": item["pk"], "sk": item["sk"]})
}

// render is an item's exact, order-independent text: map members sorted by name, set members
// sorted (DynamoDB keeps no set order), numbers in canonical form (DynamoDB compares numbers by
// value: "1.50" and "1.5" are the same number), everything else as is. It is written by hand
// rather than as attributevalue.UnmarshalMap and JSON: that makes numbers float64 (or, with
// UseNumber, text that is not canonical) and renders a set like a list, binary like a string.
func render(item map[string]types.AttributeValue) string {
	var b strings.Builder
	renderMap(&b, item)
	return b.String()
}

func renderMap(b *strings.Builder, m map[string]types.AttributeValue) {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	b.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(n) + ":")
		renderValue(b, m[n])
	}
	b.WriteByte('}')
}

func renderValue(b *strings.Builder, v types.AttributeValue) {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		b.WriteString("S" + strconv.Quote(v.Value))
	case *types.AttributeValueMemberN:
		b.WriteString("N" + canonicalNumber(v.Value))
	case *types.AttributeValueMemberB:
		b.WriteString("B" + base64.StdEncoding.EncodeToString(v.Value))
	case *types.AttributeValueMemberBOOL:
		b.WriteString("BOOL" + strconv.FormatBool(v.Value))
	case *types.AttributeValueMemberNULL:
		b.WriteString("NULL" + strconv.FormatBool(v.Value))
	case *types.AttributeValueMemberSS:
		renderSet(b, "SS", v.Value, strconv.Quote)
	case *types.AttributeValueMemberNS:
		renderSet(b, "NS", v.Value, canonicalNumber)
	case *types.AttributeValueMemberBS:
		members := make([]string, len(v.Value))
		for i, m := range v.Value {
			members[i] = base64.StdEncoding.EncodeToString(m)
		}
		renderSet(b, "BS", members, strconv.Quote)
	case *types.AttributeValueMemberL:
		b.WriteString("L[")
		for i, e := range v.Value {
			if i > 0 {
				b.WriteByte(',')
			}
			renderValue(b, e)
		}
		b.WriteByte(']')
	case *types.AttributeValueMemberM:
		b.WriteByte('M')
		renderMap(b, v.Value)
	default:
		fmt.Fprintf(b, "?%T", v)
	}
}

func renderSet(b *strings.Builder, tag string, members []string, f func(string) string) {
	out := make([]string, len(members))
	for i, m := range members {
		out[i] = f(m)
	}
	slices.Sort(out)
	b.WriteString(tag + "<" + strings.Join(out, ",") + ">")
}

func canonicalNumber(s string) string {
	c, err := ddbitem.CanonicalNumber(s)
	if err != nil {
		return "invalid(" + s + ")"
	}
	return c
}

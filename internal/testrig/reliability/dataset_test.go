package reliability

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

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

// writeDataset generates n items into dir/items.jsonl, from a fixed seed. Every item is built
// twice from the same random draws: as JSON text for the file, and as the SDK attribute values
// the table must return, so the expectation does not depend on the loader's parser. The items
// hold every DynamoDB type (S, N, B, BOOL, NULL, SS, NS, L, M), unicode in names, values and
// keys, numbers of up to 38 digits, and 2% of them are 1.5–3.5 KB (several write units).
// Partition keys repeat (about 25 items per key) and arrive in random order.
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
		line, item := genItem(rng, perm[i], max(1, n/25))
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

// genItem returns item number seq as a JSON line and as attribute values.
func genItem(rng *rand.Rand, seq, partitionKeys int) (string, map[string]types.AttributeValue) {
	var js []string
	item := map[string]types.AttributeValue{}
	add := func(name, jsonText string, v types.AttributeValue) {
		js = append(js, strconv.Quote(name)+":"+jsonText)
		item[name] = v
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	num := func(v string) types.AttributeValue { return &types.AttributeValueMemberN{Value: v} }

	pk := fmt.Sprintf("cust-%05d", rng.IntN(partitionKeys))
	if seq%97 == 0 {
		pk += "·ü🦆" // unicode in some keys
	}
	add("pk", jsonString(pk), s(pk))
	sk := strconv.Itoa(seq)
	add("sk", sk, num(sk))

	total := fmt.Sprintf("%d.%02d", rng.IntN(100000), 1+rng.IntN(99))
	add("total", total, num(total))
	if seq%5 == 0 {
		big := "9" + strings.Repeat(strconv.Itoa(rng.IntN(10)), 37) // 38 significant digits
		add("big", big, num(big))
	}
	note := notes[rng.IntN(len(notes))]
	add("note", jsonString(note), s(note))
	paid := rng.IntN(2) == 0
	add("paid", strconv.FormatBool(paid), &types.AttributeValueMemberBOOL{Value: paid})
	if seq%3 == 0 {
		add("gone", "null", &types.AttributeValueMemberNULL{Value: true})
	}
	if seq%2 == 0 {
		tags := []string{"a", "β", "tag-" + strconv.Itoa(rng.IntN(50))}
		add("tags", jsonStrings(tags), &types.AttributeValueMemberSS{Value: tags})
		scores := []string{strconv.Itoa(rng.IntN(1000)), "1000.5", "-3"}
		add("scores", "["+strings.Join(scores, ",")+"]", &types.AttributeValueMemberNS{Value: scores})
	}
	if seq%4 == 1 {
		raw := []byte{0, 1, byte(seq), byte(seq >> 8), 0xff}
		add("blob", jsonString(base64.StdEncoding.EncodeToString(raw)), &types.AttributeValueMemberB{Value: raw})
	}
	city, zip := []string{"Zürich", "Genève", "Kraków"}[seq%3], strconv.Itoa(8000+rng.IntN(999))
	lat := strconv.Itoa(rng.IntN(90)) + ".5"
	add("addr", fmt.Sprintf(`{"city":%s,"zip":%s,"geo":[%s,8.25],"extra":{"floor":%d}}`, jsonString(city), jsonString(zip), lat, seq%9),
		&types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"city": s(city), "zip": s(zip),
			"geo":   &types.AttributeValueMemberL{Value: []types.AttributeValue{num(lat), num("8.25")}},
			"extra": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{"floor": num(strconv.Itoa(seq % 9))}},
		}})
	lines := rng.IntN(3)
	var lineJS []string
	var lineAV []types.AttributeValue
	for j := range lines {
		sku := fmt.Sprintf("sku-%d", rng.IntN(500))
		lineJS = append(lineJS, fmt.Sprintf(`{"sku":%s,"qty":%d,"gift":false}`, jsonString(sku), j+1))
		lineAV = append(lineAV, &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{
			"sku": s(sku), "qty": num(strconv.Itoa(j + 1)), "gift": &types.AttributeValueMemberBOOL{Value: false}}})
	}
	add("lines", "["+strings.Join(lineJS, ",")+"]", &types.AttributeValueMemberL{Value: append([]types.AttributeValue{}, lineAV...)})
	if seq%50 == 7 {
		pad := strings.Repeat("x", 1500+rng.IntN(2000)) // several write units
		add("pad", jsonString(pad), s(pad))
	}
	add("ключ", jsonString("unicode name"), s("unicode name"))
	return "{" + strings.Join(js, ",") + "}", item
}

func jsonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func jsonStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = jsonString(s)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// keyOf renders an item's primary key.
func keyOf(item map[string]types.AttributeValue) string {
	return render(map[string]types.AttributeValue{"pk": item["pk"], "sk": item["sk"]})
}

// render is an item's exact, order-independent text: map members sorted by name, set members
// sorted (DynamoDB keeps no set order), numbers in canonical form (DynamoDB compares numbers by
// value: "1.50" and "1.5" are the same number), everything else as is.
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

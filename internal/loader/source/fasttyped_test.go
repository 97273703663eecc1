package source

import (
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// slowTyped is the full path alone for DynamoDB JSON: parse into a tree, then convert.
func slowTyped(raw []byte) (record.Item, bool) {
	v, err := parseJSON(raw, 0, typedMaxDepth)
	if err != nil {
		return nil, false
	}
	item, fe := typedItem(v)
	return item, fe == nil
}

// checkFastTyped fails when the fast path accepts a DynamoDB JSON record the full path
// rejects, or gives a different item.
func checkFastTyped(t *testing.T, raw []byte) (fastOK bool) {
	t.Helper()
	if !utf8.Valid(raw) {
		return false
	}
	f := &fastPlain{}
	got, ok := f.typedItem(raw)
	want, slowOK := slowTyped(raw)
	if ok && !slowOK {
		t.Fatalf("fast path accepted %q, which the full path rejects", raw)
	}
	if ok && !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path gave %#v for %q; the full path %#v", got, raw, want)
	}
	return ok
}

func TestFastTypedMatchesFullPath(t *testing.T) {
	for _, c := range []struct {
		text string
		fast bool
	}{
		{`{"pk":{"S":"a"},"n":{"N":"1.50"},"ok":{"BOOL":true},"no":{"BOOL":false},"z":{"NULL":true}}`, true},
		{`{"Item":{"pk":{"S":"a"},"l":{"L":[{"N":"1"},{"M":{"x":{"S":"y"}}}]},"m":{"M":{}}}}`, true},
		{` { "Item" : { "pk" : { "S" : "a\u00e9" } } } `, true},
		{`{"Item":{"S":"x"}}`, true},                        // a typed map whose one attribute is named Item
		{`{"Item":{"pk":{"S":"a"}},"sk":{"S":"b"}}`, false}, // two attributes, one named Item
		{`{"Item":{"pk":{"S":"a"}}, "x":1}`, false},
		{`{"b":{"B":"AAE="}}`, false}, // binaries and sets: the full path
		{`{"s":{"SS":["a","b"]}}`, false},
		{`{"pk":{"S":"a","N":"1"}}`, false}, // two tags
		{`{"pk":{}}`, false},                // no tag
		{`{"pk":{"s":"a"}}`, false},         // unknown tag
		{`{"n":{"N":1}}`, false},            // a number not written as a string
		{`{"n":{"N":"1e200"}}`, false},      // out of range
		{`{"z":{"NULL":false}}`, false},
		{`{"pk":{"S":"a"},"pk":{"S":"b"}}`, false}, // a repeated name
		{`{"":{"S":"a"}}`, false},
		{`{"pk":{"S":"a"}} x`, false},
		{`[{"pk":{"S":"a"}}]`, false},
		{`{"pk":"a"}`, false}, // plain, not typed
	} {
		if got := checkFastTyped(t, []byte(c.text)); got != c.fast {
			t.Errorf("fast path took %q: %v; want %v", c.text, got, c.fast)
		}
	}
}

// TestFastTypedDepth: at DynamoDB's nesting limit both paths accept, one deeper both reject.
func TestFastTypedDepth(t *testing.T) {
	nest := func(n int) []byte {
		s := `{"a":`
		for range n {
			s += `{"L":[`
		}
		s += `{"N":"1"}`
		for range n {
			s += `]}`
		}
		return []byte(s + `}`)
	}
	for n := 30; n <= 34; n++ {
		_, slowOK := slowTyped(nest(n))
		if got := checkFastTyped(t, nest(n)); got != slowOK {
			t.Errorf("depth %d: fast path %v, full path %v", n, got, slowOK)
		}
	}
}

func FuzzFastTyped(f *testing.F) {
	for _, s := range []string{
		`{"pk":{"S":"a"},"n":{"N":"0.10"},"l":{"L":[{"BOOL":true},{"NULL":true}]},"m":{"M":{"x":{"S":"y"}}}}`,
		`{"Item":{"pk":{"S":"\ud83d\ude00"}}}`, `{"Item":{"S":"x"}}`, `{"Item":{}}`, `{}`,
		`{"pk":{"S":"a","S":"b"}}`, `{"n":{"N":"-0"}}`, `{"a":{"L":[]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastTyped(t, data)
	})
}

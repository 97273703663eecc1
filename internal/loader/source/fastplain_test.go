package source

import (
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// slowPlain is the full path alone: parse into a tree, then convert.
func slowPlain(raw []byte, overrides map[string]attrType) (record.Item, bool) {
	v, err := parseJSON(raw, 0, plainMaxDepth)
	if err != nil {
		return nil, false
	}
	item, fe := plainItem(v, overrides)
	return item, fe == nil
}

// checkFastPlain fails when the fast path accepts a record the full path rejects, or gives a
// different item.
func checkFastPlain(t *testing.T, raw []byte, overrides map[string]attrType) (fastOK bool) {
	t.Helper()
	if !utf8.Valid(raw) {
		return false // decode rejects it before either path runs
	}
	f := &fastPlain{overrides: overrides}
	got, ok := f.item(raw)
	want, slowOK := slowPlain(raw, overrides)
	if ok && !slowOK {
		t.Fatalf("fast path accepted %q, which the full path rejects", raw)
	}
	if ok && !reflect.DeepEqual(got, want) {
		t.Fatalf("fast path gave %#v for %q; the full path %#v", got, raw, want)
	}
	return ok
}

var fastPlainOverrides = map[string]attrType{"tags": typeSS, "n": typeN, "b": typeB, "ns": typeNS, "flag": typeBOOL}

func TestFastPlainMatchesFullPath(t *testing.T) {
	for _, c := range []struct {
		text string
		fast bool // the fast path is expected to take it
	}{
		{`{"pk":"a","sk":12,"total":1.50,"neg":-0,"e":15E-1,"paid":true,"off":false,"none":null}`, true},
		{`{"tags":["x","y"],"n":"42","b":"AAE=","ns":[1,"2"],"flag":"TRUE","l":[1,[2,[]],{}],"m":{"a":{"b":"c"}}}`, true},
		{` { "pk" : "a\"b\u00e9\ud83d\ude00" , "k\n" : "v" } `, true},
		{`{"größe":"Zürich — ok","empty":"","list":[],"map":{}}`, true},
		{`{"pk":"a","pk":"b"}`, false},                           // a repeated name
		{`{"m":{"a":1,"a":2}}`, false},                           // in a nested map too
		{`{"":1}`, false},                                        // empty name
		{`{"n":123456789012345678901234567890123456789}`, false}, // 39 digits
		{`{"n":1e126}`, false},                                   // out of range
		{`{"n":01}`, false},                                      // leading zero
		{`{"tags":["x","x"]}`, false},                            // a set with duplicates
		{`{"tags":[]}`, false},                                   // an empty set
		{`{"pk":"a",}`, false},                                   // trailing comma
		{`{"pk":"a"} x`, false},                                  // text after the record
		{`["pk"]`, false},                                        // not an object
		{`{"pk":"a` + "\x01" + `"}`, false},                      // a raw control character
		{`{"a":"\ud800"}`, false},                                // unpaired surrogate
		{`{"l":[1,]}`, false},                                    // trailing comma in a list
		{`{"a":tru}`, false},                                     // bad literal
		{`{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`, false},
	} {
		if got := checkFastPlain(t, []byte(c.text), fastPlainOverrides); got != c.fast {
			t.Errorf("fast path took %q: %v; want %v", c.text, got, c.fast)
		}
	}
}

// TestFastPlainDepth checks the nesting limit is the full path's: at the limit both accept,
// one deeper both reject.
func TestFastPlainDepth(t *testing.T) {
	nest := func(n int) []byte {
		s := `{"a":`
		for range n {
			s += `[`
		}
		s += `1`
		for range n {
			s += `]`
		}
		return []byte(s + `}`)
	}
	for n := plainMaxDepth - 2; n <= plainMaxDepth+1; n++ {
		_, slowOK := slowPlain(nest(n), nil)
		if got := checkFastPlain(t, nest(n), nil); got != slowOK {
			t.Errorf("depth %d: fast path %v, full path %v", n, got, slowOK)
		}
	}
}

// TestFastPlainReusesNothingAcrossRecords decodes two records with one decoder and checks the
// first item is intact afterwards: slabs and stacks must not hand out what an item holds.
func TestFastPlainReusesNothingAcrossRecords(t *testing.T) {
	f := &fastPlain{}
	first, ok := f.item([]byte(`{"pk":"a","l":[1,2,{"x":"y"}],"m":{"k":"v"}}`))
	if !ok {
		t.Fatal("fast path refused the first record")
	}
	want, _ := slowPlain([]byte(`{"pk":"a","l":[1,2,{"x":"y"}],"m":{"k":"v"}}`), nil)
	for range 200 {
		if _, ok := f.item([]byte(`{"pk":"b","l":[3,4,{"x":"z"}],"m":{"k":"w"}}`)); !ok {
			t.Fatal("fast path refused a later record")
		}
	}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("the first item changed: %#v", first)
	}
}

func FuzzFastPlain(f *testing.F) {
	for _, s := range []string{
		`{"pk":"a","n":0.1,"tags":["x","y"],"b":"AAE=","m":{"l":[1,null,true]}}`,
		`{"pk":"\ud83d\ude00\u00e9","n":1e5,"flag":"false"}`, `{"a":[[[[]]]]}`, `{"pk":"a",}`,
		`{"n":NaN}`, `{}`, `{"a":"\ud800"}`, `{"tags":["x","x"]}`, `{"":1}`, `{"a":1,"a":1}`,
		`{"ns":[1,1.0]}`, `{"n":-0.000e-5}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastPlain(t, data, fastPlainOverrides)
	})
}

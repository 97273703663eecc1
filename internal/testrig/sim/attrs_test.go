package sim

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ddbload/terraform-provider-ddbload/internal/ddbitem"
)

func TestItemJSONRoundTrip(t *testing.T) {
	t.Parallel()
	in := `{"s":{"S":"quote \" backslash \\ newline \n tab \t nul \u0000 é 😀 \u2028"},` +
		`"n":{"N":"-1.50E3"},"b":{"B":"AAEC/w=="},"yes":{"BOOL":true},"no":{"BOOL":false},"nil":{"NULL":true},` +
		`"ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5"]},"bs":{"BS":["AA==",""]},"emptyB":{"B":""},` +
		`"l":{"L":[{"S":"x"},{"L":[]},{"M":{}}]},"m":{"M":{"k":{"N":"7"},"e":{"SS":[]}}}}`
	var it item
	if err := json.Unmarshal([]byte(in), &it); err != nil {
		t.Fatal(err)
	}
	if err := it.check(); err != nil {
		t.Fatal(err)
	}
	out := it.appendJSON(nil)
	var back item
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("%s does not parse: %v", out, err)
	}
	if !reflect.DeepEqual(it, back) {
		t.Fatalf("round trip changed the item:\n in %s\nout %s", in, out)
	}
	// The same bytes as encoding/json gives for the generic form: the encoder is faithful.
	var want, got any
	_ = json.Unmarshal([]byte(in), &want)
	_ = json.Unmarshal(out, &got)
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("encoded %s, want the equivalent of %s", out, in)
	}
	if got, want := ddbitem.Size(it.sdk()), ddbitem.Size(back.sdk()); got != want || got == 0 {
		t.Fatalf("sizes %d and %d", got, want)
	}
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", "\x00\x1f\x7f", "<html>&", "bad utf8 \xff\xfe end", "\u2028\u2029"} {
		var fromOurs, fromStd string
		if err := json.Unmarshal(appendString(nil, s), &fromOurs); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		std, _ := json.Marshal(s)
		_ = json.Unmarshal(std, &fromStd)
		if fromOurs != fromStd {
			t.Errorf("%q decodes as %q, encoding/json gives %q", s, fromOurs, fromStd)
		}
	}
}

func TestAttributeValuesNeedExactlyOneType(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{"a":{}}`, `{"a":{"S":"x","N":"1"}}`, `{"a":{"S":null}}`, `{"a":{"L":[{}]}}`, `{"a":{"M":{"b":{"X":1}}}}`} {
		var it item
		if err := json.Unmarshal([]byte(in), &it); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if it.check() == nil {
			t.Errorf("%s passed the check", in)
		}
	}
}

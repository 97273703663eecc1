package loader

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestPartitionKeyText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 60) // 120 bytes: the cut falls inside a character
	for _, tc := range []struct{ encoded, want string }{
		{"S:abc", `"abc"`},
		{`S:say "hi"` + "\n", `"say \"hi\"\n"`},
		{"S:1", `"1"`},
		{"N:1", "1"},
		{"N:12.50", "12.50"},
		{"B:\x00\xff", "base64:AP8="},
		{"S:" + strings.Repeat("x", 100), `"` + strings.Repeat("x", 79) + "..."},
		{"S:" + long, `"` + strings.Repeat("é", 39) + "..."},
		{"B:" + strings.Repeat("\xff", 70), "base64:" + strings.Repeat("/", 73) + "..."},
		{"X:abc", `"X:abc"`},
		{"abc", `"abc"`},
	} {
		got := PartitionKeyText(tc.encoded)
		if got != tc.want {
			t.Errorf("PartitionKeyText(%q) = %s; want %s", tc.encoded, got, tc.want)
		}
		if !utf8.ValidString(got) {
			t.Errorf("PartitionKeyText(%q) = %q: invalid UTF-8", tc.encoded, got)
		}
	}
}

func TestValueTextOfNoKeyValue(t *testing.T) {
	t.Parallel()
	if got := valueText(nil); got != "(missing)" {
		t.Errorf("valueText(nil) = %s", got)
	}
	if got := valueText(&types.AttributeValueMemberBOOL{Value: true}); got != "(not a key type)" {
		t.Errorf("valueText(BOOL) = %s", got)
	}
}

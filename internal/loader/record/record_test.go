package record

import (
	"errors"
	"testing"
)

func TestPositionString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		p    Position
		want string
	}{
		{Position{File: "a.jsonl", Line: 12, Record: 12}, "a.jsonl:12"},
		{Position{File: "a.json", Line: 40, Record: 3}, "a.json:40 (record 3)"},
		{Position{File: "items", Record: 2}, "items record 2"},
		{Position{File: "a.csv"}, "a.csv"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestInputError(t *testing.T) {
	t.Parallel()
	cause := errors.New("bad digit")
	err := error(&InputError{Pos: Position{File: "x.csv", Line: 3, Record: 2}, Attribute: "price", Reason: "not a number", Err: cause})
	if got, want := err.Error(), `x.csv:3 (record 2): attribute "price": not a number: bad digit`; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	var ie *InputError
	if !errors.As(err, &ie) || !errors.Is(err, cause) {
		t.Fatal("InputError must be matchable with errors.As and unwrap to its cause")
	}
}

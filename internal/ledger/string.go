package ledger

import (
	"encoding/ascii85"
	"encoding/base64"
	"io"
	"strings"
)

// The private state holds a ledger as a JSON string. The plugin framework writes that value in
// base64 and Terraform the whole private state in base64 again, so each character of the
// string costs (4/3)^2 = 16/9 bytes in the state file, and a denser string is a smaller state.
// EncodeString writes "b94:" and base 94 (base94.go), 11 characters for 9 bytes: its alphabet
// is every one-byte character a JSON string holds unescaped, so the string is a JSON string as
// it stands and no text of one-byte characters is denser. Providers before it wrote "ascii85:"
// and ASCII85, 5 characters for 4 bytes, with '"' and '\' swapped for 'v' and 'w' (which
// ASCII85 does not use), and before that standard base64; DecodeString reads all three.
const (
	base94Prefix  = "b94:"
	ascii85Prefix = "ascii85:"
)

var fromJSONSafe = strings.NewReplacer("v", `"`, "w", `\`)

// EncodeString is Encode as a string that needs no escaping in JSON ("b94:" and base 94), for
// JSON-valued private state. JSONString quotes it.
func (l *Ledger) EncodeString() string { return encodeString(l.Encode()) }

// JSONString is EncodeString as a JSON string value: EncodeString in double quotes, since it
// holds nothing JSON escapes (json.Marshal would turn its '<', '>' and '&' into six bytes each,
// and DEL into six under its HTML escaping too).
func (l *Ledger) JSONString() []byte {
	enc := l.Encode()
	b := make([]byte, 0, len(base94Prefix)+base94EncodedLen(len(enc))+2)
	b = appendBase94(append(b, `"`+base94Prefix...), enc)
	return append(b, '"')
}

// encodeString is EncodeString of the encoding b.
func encodeString(b []byte) string {
	s := make([]byte, 0, len(base94Prefix)+base94EncodedLen(len(b)))
	return string(appendBase94(append(s, base94Prefix...), b))
}

// DecodeString reads a ledger written by EncodeString, or by the providers before it, which
// wrote "ascii85:" and ASCII85 or, earlier, standard base64.
func DecodeString(s string) (*Ledger, error) {
	b, err := decodeString(s)
	if err != nil {
		return nil, err
	}
	return Decode(b)
}

// decodeString is the encoding a string of DecodeString holds.
func decodeString(s string) ([]byte, error) {
	if strings.HasPrefix(s, base94Prefix) {
		return decodeBase94(s, len(base94Prefix))
	}
	if rest, ok := strings.CutPrefix(s, ascii85Prefix); ok {
		b, err := io.ReadAll(ascii85.NewDecoder(strings.NewReader(fromJSONSafe.Replace(rest))))
		if err != nil {
			return nil, &DecodeError{Entry: -1, Reason: "not valid ASCII85", Err: err}
		}
		return b, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, &DecodeError{Entry: -1, Reason: `neither "b94:" nor "ascii85:" text, nor standard base64`, Err: err}
	}
	return b, nil
}

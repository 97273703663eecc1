package ledger

import (
	"encoding/ascii85"
	"encoding/base64"
	"io"
	"strings"
)

// The private state holds a ledger as a JSON string, which the plugin framework and then
// Terraform each wrap in base64 again, so every byte of the string costs 1.78 in the state
// file. ASCII85 writes 4 bytes in 5 characters where base64 takes 5.33. Two of its
// characters need escaping in JSON, '"' and '\'; the string swaps them for 'v' and 'w', which
// ASCII85 does not use, so it is a JSON string as it stands.
const ascii85Prefix = "ascii85:"

var (
	toJSONSafe   = strings.NewReplacer(`"`, "v", `\`, "w")
	fromJSONSafe = strings.NewReplacer("v", `"`, "w", `\`)
)

// EncodeString is Encode as a string that needs no escaping in JSON ("ascii85:" and ASCII85
// with two characters swapped), for JSON-valued private state. JSONString quotes it.
func (l *Ledger) EncodeString() string {
	enc := l.Encode()
	out := make([]byte, ascii85.MaxEncodedLen(len(enc)))
	out = out[:ascii85.Encode(out, enc)]
	return ascii85Prefix + toJSONSafe.Replace(string(out))
}

// JSONString is EncodeString as a JSON string value: EncodeString in double quotes, since it
// holds nothing JSON escapes (json.Marshal would turn its '<', '>' and '&' into six bytes each).
func (l *Ledger) JSONString() []byte { return []byte(`"` + l.EncodeString() + `"`) }

// DecodeString reads a ledger written by EncodeString, or by the providers before it, which
// wrote standard base64.
func DecodeString(s string) (*Ledger, error) {
	var b []byte
	if rest, ok := strings.CutPrefix(s, ascii85Prefix); ok {
		var err error
		b, err = io.ReadAll(ascii85.NewDecoder(strings.NewReader(fromJSONSafe.Replace(rest))))
		if err != nil {
			return nil, &DecodeError{Entry: -1, Reason: "not valid ASCII85", Err: err}
		}
	} else {
		var err error
		if b, err = base64.StdEncoding.DecodeString(s); err != nil {
			return nil, &DecodeError{Entry: -1, Reason: "neither ASCII85 nor standard base64", Err: err}
		}
	}
	return Decode(b)
}

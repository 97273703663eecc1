package keys

import (
	"fmt"
	"strings"
)

// shardPlaceholder is the placeholder replaced by the calculated shard suffix. It shadows an
// attribute named "shard": such an attribute can still feed the suffix as ShardAttribute.
const shardPlaceholder = "shard"

// template is a parsed key template: literal text and placeholders, in order.
type template struct {
	text  string // as the user wrote it, for messages
	parts []part
}

// part is literal text (attr == "" and !shard) or a placeholder.
type part struct {
	literal string
	attr    string // attribute whose value replaces the placeholder
	shard   bool   // {shard}: the calculated suffix
}

// parseTemplate reads "{name}" placeholders, "{{" and "}}" as literal braces, and everything
// else as literal text. A placeholder's name is taken verbatim (spaces included), because
// DynamoDB attribute names may contain any character but braces are reserved here.
func parseTemplate(text string) (*template, error) {
	t := &template{text: text}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t.parts = append(t.parts, part{literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '{' && i+1 < len(text) && text[i+1] == '{':
			lit.WriteByte('{')
			i++
		case c == '}' && i+1 < len(text) && text[i+1] == '}':
			lit.WriteByte('}')
			i++
		case c == '}':
			return nil, fmt.Errorf(`unmatched "}" at byte %d of %q; write "}}" for a literal brace`, i, text)
		case c == '{':
			end := strings.IndexAny(text[i+1:], "{}")
			if end < 0 || text[i+1+end] == '{' {
				return nil, fmt.Errorf(`unclosed "{" at byte %d of %q; close the placeholder with "}" or write "{{" for a literal brace`, i, text)
			}
			name := text[i+1 : i+1+end]
			if name == "" {
				return nil, fmt.Errorf(`empty placeholder "{}" at byte %d of %q; name an attribute, as in "{user_id}"`, i, text)
			}
			flush()
			if name == shardPlaceholder {
				t.parts = append(t.parts, part{shard: true})
			} else {
				t.parts = append(t.parts, part{attr: name})
			}
			i += end + 1
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return t, nil
}

// usesShard reports whether the template contains {shard}.
func (t *template) usesShard() bool {
	if t == nil {
		return false
	}
	for _, p := range t.parts {
		if p.shard {
			return true
		}
	}
	return false
}

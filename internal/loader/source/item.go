package source

import "github.com/ddbload/terraform-provider-ddbload/internal/loader/record"

// PlainItem converts the text of one plain-JSON object into an item, exactly as the json,
// jsonl and inline readers convert each record (numbers keep their decimal text, objects
// become maps, arrays lists, null NULL; no type overrides). name is where the text comes from,
// for messages. Errors are *record.InputError naming the attribute at fault, or for malformed
// JSON the line of the problem.
func PlainItem(name string, text []byte) (record.Item, error) {
	var d recordDecoder
	rec, _, err := d.decode(text, record.Position{File: name, Line: 1})
	if err != nil {
		return nil, err
	}
	return rec.Item, nil
}

package provider

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/keys"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
	"github.com/ddbload/terraform-provider-ddbload/internal/testrig/devstack"
)

// mixedBadRecords is a JSON Lines file with four invalid records of different kinds among
// valid ones, for a table keyed pk (S), sk (S).
const mixedBadRecords = `{"pk":"a","sk":"1"}
{"pk":"b","sk":
{"pk":"c","sk":"3"}
{"pk":"d"}
{"pk":"e","sk":"5","n":1e999}
{"pk":"a","sk":"1"}
{"pk":"f","sk":"7"}
`

// mixedBadLines is what the diagnostic lists for mixedBadRecords in "mixed.jsonl".
var mixedBadLines = []string{
	`mixed.jsonl:2: malformed JSON: unexpected end of input: the value is cut short (a closing quote, '}' or ']' is missing)`,
	`mixed.jsonl:4: attribute "sk": sort key "sk" is missing; the table's sort key is sk (S)`,
	`mixed.jsonl:5: attribute "n": "1e999" is not a valid DynamoDB number: its magnitude exceeds DynamoDB's maximum of 9.9999999999999999999999999999999999999E+125`,
	`mixed.jsonl:6: duplicate primary key pk "a", sk "1", already used by mixed.jsonl:1; remove one of them, or choose the last_wins or first_wins duplicate policy`,
}

// manyBadRecords is a JSON Lines file of n valid records, each followed by one without a
// sort key: the invalid ones are on the even lines.
func manyBadRecords(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"pk":"good-%d","sk":"%d"}`+"\n"+`{"pk":"bad-%d"}`+"\n", i, i, i)
	}
	return b.String()
}

func manyBadLine(line int) string {
	return fmt.Sprintf(`many.jsonl:%d: attribute "sk": sort key "sk" is missing; the table's sort key is sk (S)`, line)
}

// TestDatasetErrorDiag_invalidRecords: every invalid record is one line of one "Invalid
// Dataset" diagnostic, the first 20 of them, then how many more; one invalid record reads as
// it always has.
func TestDatasetErrorDiag_invalidRecords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeData(t, dir, "mixed.jsonl", mixedBadRecords)
	writeData(t, dir, "many.jsonl", manyBadRecords(25))
	writeData(t, dir, "one.jsonl", `{"pk":"a","sk":"1"}`+"\n"+`{"pk":"b"}`+"\n")
	writeData(t, dir, "broken.json", `[{"pk":"a","sk":"1","n":1e999}, {"pk":"b","sk":"2"} {"pk":"c","sk":"3"}]`)
	validate := func(file string) error {
		schema := keys.Schema{PartitionKey: keys.Attr{Name: "pk", Type: "S"}, SortKey: &keys.Attr{Name: "sk", Type: "S"}}
		_, err := loader.Validate(context.Background(), schema, loader.Options{Source: source.Spec{BaseDir: dir, Patterns: []string{file}}})
		if err == nil {
			t.Fatalf("%s is valid", file)
		}
		return err
	}
	var many []string
	for line := 2; line <= 40; line += 2 {
		many = append(many, manyBadLine(line))
	}
	one := &record.InputError{Pos: record.Position{File: "a.jsonl", Line: 7}, Attribute: "sk", Reason: "bad"}
	failed := &fs.PathError{Op: "read", Path: "b.jsonl", Err: fs.ErrPermission}
	const (
		fixOne  = "\n\nNothing was written. Fix the record (or the settings that shape it) and plan again."
		fixMany = "\n\nNothing was written. Fix the records (or the settings that shape them) and plan again."
	)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{
			"kinds of invalid records", validate("mixed.jsonl"),
			"The dataset has 4 invalid records:\n" + strings.Join(mixedBadLines, "\n") + fixMany,
		},
		{
			"more than 20", validate("many.jsonl"),
			"The dataset has 25 invalid records:\n" + strings.Join(many, "\n") + "\nand 5 more invalid records" + fixMany,
		},
		{
			"one, as before", validate("one.jsonl"),
			`one.jsonl:2: attribute "sk": sort key "sk" is missing; the table's sort key is sk (S)` + fixOne,
		},
		{"one, as an InputError alone", one, `a.jsonl:7: attribute "sk": bad` + fixOne},
		{
			"a broken JSON array", validate("broken.json"),
			"The dataset has at least 2 invalid records:\n" +
				`broken.json:1: attribute "n": "1e999" is not a valid DynamoDB number: its magnitude exceeds DynamoDB's maximum of 9.9999999999999999999999999999999999999E+125` + "\n" +
				`broken.json:1 (record 3): malformed JSON: expected ',' or ']' after record 2, found '{'` +
				"\n\nThe file cannot be read past the last of these errors, so the records after it were not checked." + fixMany,
		},
		{
			"one more than listed", &loader.InvalidRecordsError{Errors: []error{one}, Total: 2},
			"The dataset has 2 invalid records:\n" + `a.jsonl:7: attribute "sk": bad` + "\nand 1 more invalid record" + fixMany,
		},
		{
			"a failed read after an invalid record", &loader.InvalidRecordsError{Errors: []error{one}, Total: 1, Stop: failed},
			`a.jsonl:7: attribute "sk": bad` +
				"\n\nReading stopped, so the records after this point were not checked: read b.jsonl: permission denied" + fixOne,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := &datasetModel{}
			m.Items = types.StringNull()
			d := datasetErrorDiag(&m.datasetSourceModel, tc.err)
			if d.Summary() != "Invalid Dataset" || d.Detail() != tc.want {
				t.Errorf("%s:\n%s\n\twant:\n%s", d.Summary(), d.Detail(), tc.want)
			}
			if p := pathOf(d); !p.Equal(path.Root("files")) {
				t.Errorf("the diagnostic is on %s; want files", p)
			}
			// The partition estimate reads datasets the same way and lists the same records.
			e := estimateDatasetErrorDiag(&estimateDatasetModel{datasetSourceModel: m.datasetSourceModel}, true, tc.err)
			list, _, _ := strings.Cut(tc.want, "\n\nNothing was written.")
			if !strings.HasPrefix(e.Detail(), list+"\n\nThe estimate reads the dataset exactly as ddbload_dataset would load it.") {
				t.Errorf("estimate:\n%s\n\twant it to list:\n%s", e.Detail(), list)
			}
		})
	}
	// Errors that are not about records keep their own diagnostics.
	if d := datasetErrorDiag(&datasetSourceModel{}, loader.ErrDatasetChanged); d.Summary() != "Dataset Changed During Apply" {
		t.Errorf("ErrDatasetChanged gives %q", d.Summary())
	}
	if d := datasetErrorDiag(&datasetSourceModel{}, fmt.Errorf("reading: %w", errors.New("disk"))); d.Summary() != "Load Failed" {
		t.Errorf("a failed read gives %q", d.Summary())
	}
}

// pathOf is the attribute a diagnostic points at, or an empty path.
func pathOf(d diag.Diagnostic) path.Path {
	if a, ok := d.(diag.DiagnosticWithPath); ok {
		return a.Path()
	}
	return path.Empty()
}

// printed matches text as Terraform prints it in an error: wrapped at any space, each line
// behind a "│" border.
func printed(text string) string {
	f := strings.Fields(text)
	for i, w := range f {
		f[i] = regexp.QuoteMeta(w)
	}
	return strings.Join(f, `[\s│]+`)
}

// TestAccDataset_manyBadRecords: a plan lists every invalid record of a file at once, with its
// line and reason, up to 20 of them, and says how many more there are; nothing is written.
func TestAccDataset_manyBadRecords(t *testing.T) {
	table := uniqueName(t)
	dir := t.TempDir()
	mixed := writeData(t, dir, "mixed.jsonl", mixedBadRecords)
	many := writeData(t, dir, "many.jsonl", manyBadRecords(25))

	var mixedWant []string
	for _, l := range mixedBadLines {
		mixedWant = append(mixedWant, printed(strings.ReplaceAll(l, "mixed.jsonl", mixed)))
	}
	var manyWant []string
	for line := 2; line <= 40; line += 2 {
		manyWant = append(manyWant, printed(strings.ReplaceAll(manyBadLine(line), "many.jsonl", many)))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		PreCheck:                 func() { createTable(t, devstack.HashRange(table)) },
		Steps: []resource.TestStep{
			{
				Config: datasetConfig(table, mixed, ""),
				ExpectError: regexp.MustCompile(`(?s)Invalid Dataset.*` + printed("The dataset has 4 invalid records:") + `[\s│]+` +
					strings.Join(mixedWant, `[\s│]+`) + `[\s│]+` + printed("Nothing was written.")),
			},
			{
				// The 20th listed record is followed by the count of the rest: the 21st is not listed.
				Config: datasetConfig(table, many, ""),
				ExpectError: regexp.MustCompile(`(?s)Invalid Dataset.*` + printed("The dataset has 25 invalid records:") + `[\s│]+` +
					strings.Join(manyWant, `[\s│]+`) + `[\s│]+` + printed("and 5 more invalid records") + `[\s│]+` +
					printed("Nothing was written.")),
			},
		},
	})
	if items := scanTable(t, table); len(items) != 0 {
		t.Fatalf("invalid input wrote %d items", len(items))
	}
}

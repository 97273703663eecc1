package loader

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// TestLoadLogsProgress: a load's logger gets progress lines a person can read, the last one
// saying every item is written, with the numbers as fields.
func TestLoadLogsProgress(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(300, 7))
	var buf bytes.Buffer
	o := Options{Source: source.Spec{BaseDir: dir, Patterns: []string{"a.jsonl"}}, Write: fastWrite(),
		Logger: hclog.New(&hclog.LoggerOptions{Output: &buf, JSONFormat: true, Level: hclog.Info})}
	if _, err := Load(context.Background(), newSink(hashRange()), "orders", hashRange(), o); err != nil {
		t.Fatal(err)
	}
	var last map[string]any
	for line := range bytes.Lines(buf.Bytes()) {
		if err := json.Unmarshal(line, &last); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
	}
	if last == nil {
		t.Fatal("no progress logged")
	}
	if last["@message"] != "Loading orders: 300/300 items" || last["@level"] != "info" || last["items"] != float64(300) ||
		last["total"] != float64(300) || last["table_name"] != "orders" || last["throttled"] != float64(0) {
		t.Errorf("last progress line: %v", last)
	}
}

// TestProgressOfAnUpdateEndsAtItsTotal: records in place are not in the total, so the last
// progress line of an update that writes 10 of 300 items says 10/10.
func TestProgressOfAnUpdateEndsAtItsTotal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "a.jsonl", jsonl(300, 300))
	o := skipOptions(dir)
	v := validateMarking(t, hashRange(), o, sortKeyIn(func(sk int) bool { return sk%30 != 0 }))
	var last Progress
	var calls int
	o.Progress = func(p Progress) { last, calls = p, calls+1 }
	res, err := LoadValidated(context.Background(), newSink(hashRange()), "orders", hashRange(), o, v)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != 290 || calls == 0 || last.Done != 10 || last.Total != 10 {
		t.Errorf("unchanged %d, %d progress calls, last %d/%d; want 290 unchanged and a last call at 10/10",
			res.Unchanged, calls, last.Done, last.Total)
	}
}

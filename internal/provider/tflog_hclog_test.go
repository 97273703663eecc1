package provider

import (
	"bytes"
	"context"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestTFLogLogger: what the engine logs through hclog reaches tflog with its level, name and
// fields, including With's; a standard logger's lines arrive one by one.
func TestTFLogLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := newTFLogger(tflogtest.RootLogger(context.Background(), &buf)).Named("prewarm").With("table_name", "orders")
	l.Info("Calling UpdateTable", "step", "warm", "indexes", 2)
	l.Warn("a value without a key", "lonely")
	l.Log(hclog.Error, "failed", 7, "seven")
	l.StandardLogger(&hclog.StandardLoggerOptions{ForceLevel: hclog.Debug}).Print("first line\nsecond line")

	entries, err := tflogtest.MultilineJSONDecode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"@level": "info", "@message": "prewarm: Calling UpdateTable", "table_name": "orders", "step": "warm", "indexes": float64(2)},
		{"@level": "warn", "@message": "prewarm: a value without a key", "table_name": "orders", hclog.MissingKey: "lonely"},
		{"@level": "error", "@message": "prewarm: failed", "table_name": "orders", "7": "seven"},
		{"@level": "debug", "@message": "prewarm: first line", "table_name": "orders"},
		{"@level": "debug", "@message": "prewarm: second line", "table_name": "orders"},
	}
	if len(entries) != len(want) {
		t.Fatalf("%d log entries, want %d: %v", len(entries), len(want), entries)
	}
	for i, w := range want {
		for k, v := range w {
			if entries[i][k] != v {
				t.Errorf("entry %d: %s = %v, want %v (%v)", i, k, entries[i][k], v, entries[i])
			}
		}
	}
	if got := l.ImpliedArgs(); len(got) != 2 || got[0] != "table_name" {
		t.Errorf("ImpliedArgs = %v", got)
	}
	if l.Name() != "prewarm" || l.Named("steps").Name() != "prewarm.steps" || l.ResetNamed("x").Name() != "x" {
		t.Errorf("names: %q, %q, %q", l.Name(), l.Named("steps").Name(), l.ResetNamed("x").Name())
	}
}

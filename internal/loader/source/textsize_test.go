package source

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTextSize: the text size of a plain file is its size; of a gzip file, the size its
// trailer records, unless that is far below the stored size (several members).
func TestTextSize(t *testing.T) {
	t.Parallel()
	text := strings.Repeat(`{"pk":"a","sk":1}`+"\n", 5000)
	twoMembers := gzipped(t, text) + gzipped(t, "{}\n")
	dir := writeFiles(t, map[string]string{
		"plain.jsonl":     text,
		"one.jsonl.gz":    gzipped(t, text),
		"stored.jsonl.gz": gzippedLevel(t, text, 0),
		"two.jsonl.gz":    twoMembers,
		"tiny.jsonl.gz":   "\x1f\x8b",
	})
	for name, want := range map[string]int64{
		"plain.jsonl":     int64(len(text)),
		"one.jsonl.gz":    int64(len(text)),
		"stored.jsonl.gz": int64(len(text)),
		"two.jsonl.gz":    int64(len(twoMembers)),
		"tiny.jsonl.gz":   2,
		"missing":         0,
	} {
		if got := textSize(dataFile{name: name, path: filepath.Join(dir, name)}); got != want {
			t.Errorf("%s: textSize %d, want %d", name, got, want)
		}
	}
}

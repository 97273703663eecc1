package sim

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestTimelineRecordsWCUPerPartitionPerSecond(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s, c := startSim(t, Config{Now: clock.Now, Tables: map[string]TableConfig{"tbl": sinkTableConfig(2, 0, true)}})

	// Two partition keys on different partitions.
	a, b := "a", ""
	for _, k := range []string{"b", "c", "d", "e", "f", "g"} {
		if PartitionOf([]byte(k), 2) != PartitionOf([]byte(a), 2) {
			b = k
			break
		}
	}
	pa, pb := PartitionOf([]byte(a), 2), PartitionOf([]byte(b), 2)

	if n, _, err := writeBatch(t, c, keyItems(t, a, "s", 10, 1024)); err != nil || n != 10 {
		t.Fatal(n, err)
	}
	clock.Advance(1500 * time.Millisecond)
	if n, _, err := writeBatch(t, c, keyItems(t, b, "s", 20, 2048)); err != nil || n != 20 {
		t.Fatal(n, err)
	}
	if n, _, err := writeBatch(t, c, keyItems(t, a, "t", 5, 1024)); err != nil || n != 5 {
		t.Fatal(n, err)
	}

	want := []Sample{
		{Table: "tbl", Second: 0, Partition: pa, WCU: 10},
		{Table: "tbl", Second: 1, Partition: pa, WCU: 5},
		{Table: "tbl", Second: 1, Partition: pb, WCU: 40},
	}
	if pb < pa {
		want[1], want[2] = want[2], want[1]
	}
	got := s.Timeline()
	if len(got) != len(want) {
		t.Fatalf("timeline %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("timeline %+v, want %+v", got, want)
		}
	}

	var buf bytes.Buffer
	s.PrintTimeline(&buf)
	out := buf.String()
	for _, line := range []string{"table tbl: consumed WCU per partition per second", "second  p0  p1  total", "1"} {
		if !strings.Contains(out, line) {
			t.Fatalf("PrintTimeline output lacks %q:\n%s", line, out)
		}
	}
	if strings.Count(out, "\n") != 4 {
		t.Fatalf("want a title, a header and two rows:\n%s", out)
	}
}

func TestPrintTimelineWithoutWrites(t *testing.T) {
	t.Parallel()
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	s.PrintTimeline(&buf)
	if !strings.Contains(buf.String(), "no writes") {
		t.Fatalf("got %q", buf.String())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

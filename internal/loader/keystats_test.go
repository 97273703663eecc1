package loader

import (
	"fmt"
	"math"
	"testing"
)

func TestKeyStatsExact(t *testing.T) {
	t.Parallel()
	c := newKeyCounter()
	// 90/10 split between two candidates, plus 10 single-item keys.
	for range 900 {
		c.add("S:alice", 100)
	}
	for range 100 {
		c.add("S:bob", 300)
	}
	for i := range 10 {
		c.add(fmt.Sprintf("S:k%d", i), 10)
	}
	s := c.stats()
	if s.Approximate || s.DistinctPartitionKeys != 12 || s.Items != 1010 || s.Bytes != 900*100+100*300+100 {
		t.Fatalf("stats = %+v", s)
	}
	if s.Hottest[0].PartitionKey != "S:alice" || s.Hottest[0].Items != 900 || math.Abs(s.Hottest[0].ItemShare-900.0/1010) > 1e-9 {
		t.Fatalf("hottest = %+v", s.Hottest[0])
	}
	if len(s.Hottest) != HottestKeys || s.Hottest[1].PartitionKey != "S:bob" {
		t.Fatalf("hottest list = %+v", s.Hottest)
	}
	if s.LargestCollection.PartitionKey != "S:alice" || s.LargestCollection.Bytes != 90000 {
		t.Fatalf("largest = %+v", s.LargestCollection)
	}
}

// Beyond ExactKeyLimit the counter switches to bounded sketches: the heavy key must still be
// found with its exact count (Space-Saving never under-counts), and the distinct count must be
// within a few percent.
func TestKeyStatsSketch(t *testing.T) {
	t.Parallel()
	c := newKeyCounter()
	const distinct = 3 * ExactKeyLimit
	for i := range distinct {
		c.add(fmt.Sprintf("S:user-%d", i), 50)
		if i%10 == 0 {
			c.add("S:hot", 1000)
		}
	}
	s := c.stats()
	if !s.Approximate {
		t.Fatal("want approximate stats beyond the exact limit")
	}
	if got := float64(s.DistinctPartitionKeys); math.Abs(got-distinct)/distinct > 0.03 {
		t.Fatalf("distinct estimate %v, want within 3%% of %d", got, distinct)
	}
	if s.Hottest[0].PartitionKey != "S:hot" || s.Hottest[0].Items < distinct/10 {
		t.Fatalf("hottest = %+v", s.Hottest[0])
	}
	if s.LargestCollection.PartitionKey != "S:hot" {
		t.Fatalf("largest = %+v", s.LargestCollection)
	}
}

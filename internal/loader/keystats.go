package loader

import (
	"container/heap"
	"math"
	"math/bits"

	"sort"
	"strings"

	"github.com/ddbload/terraform-provider-ddbload/internal/hashing"
)

// KeyStats describes a dataset's partition-key distribution: what the partition estimate and
// the dataset's plan-time warning need to judge whether one partition can serve a key.
type KeyStats struct {
	Items int64
	Bytes int64
	// DistinctPartitionKeys counts partition-key values; Approximate tells whether the count
	// and the shares below are estimates (datasets with more than ExactKeyLimit distinct keys).
	DistinctPartitionKeys int64
	Approximate           bool
	// Hottest are the partition keys with the most items, most first (at most HottestKeys).
	Hottest []KeyShare
	// LargestCollection is the partition key whose items take the most bytes.
	LargestCollection KeyShare
}

// KeyShare is one partition key's part of the dataset.
type KeyShare struct {
	PartitionKey string // the key's canonical encoding (type-tagged)
	Items        int64
	Bytes        int64
	ItemShare    float64 // Items / all items
	ByteShare    float64 // Bytes / all bytes
}

// ExactKeyLimit is how many distinct partition keys are counted exactly; beyond it the counter
// keeps the heaviest keys only (Space-Saving, SketchCapacity of them) and counts distinct keys
// with a HyperLogLog sketch, so memory stays bounded.
const ExactKeyLimit = 100_000

// SketchCapacity is how many of the heaviest keys are kept beyond ExactKeyLimit.
const SketchCapacity = 10_000

// HottestKeys is how many keys KeyStats.Hottest lists.
const HottestKeys = 5

// keyCounter accumulates KeyStats in bounded memory.
type keyCounter struct {
	items, bytes int64
	exact        map[string]*keyCount // nil once switched to the sketch
	sketch       *spaceSaving
	hll          *hyperLogLog
}

type keyCount struct {
	key          string
	items, bytes int64
	index        int // heap position, sketch mode only
}

func newKeyCounter() *keyCounter {
	return &keyCounter{exact: map[string]*keyCount{}}
}

func (c *keyCounter) add(partitionKey string, size int) {
	c.items++
	c.bytes += int64(size)
	if c.exact != nil {
		k := c.exact[partitionKey]
		if k == nil {
			if len(c.exact) >= ExactKeyLimit {
				c.toSketch()
				c.add2(partitionKey, size)
				return
			}
			k = &keyCount{key: partitionKey}
			c.exact[partitionKey] = k
		}
		k.items++
		k.bytes += int64(size)
		return
	}
	c.add2(partitionKey, size)
}

func (c *keyCounter) add2(partitionKey string, size int) {
	c.hll.add(partitionKey)
	c.sketch.add(partitionKey, int64(size))
}

// toSketch moves from exact counting to the bounded sketch, keeping the heaviest keys.
func (c *keyCounter) toSketch() {
	c.hll = newHyperLogLog()
	all := make([]*keyCount, 0, len(c.exact))
	for _, k := range c.exact {
		c.hll.add(k.key)
		all = append(all, k)
	}
	sort.Slice(all, func(i, j int) bool { return heavier(all[i], all[j]) })
	c.sketch = &spaceSaving{capacity: SketchCapacity, byKey: map[string]*keyCount{}}
	for _, k := range all[:min(len(all), SketchCapacity)] {
		c.sketch.push(k)
	}
	c.exact = nil
}

func heavier(a, b *keyCount) bool {
	if a.items != b.items {
		return a.items > b.items
	}
	return a.key < b.key
}

func (c *keyCounter) stats() KeyStats {
	s := KeyStats{Items: c.items, Bytes: c.bytes}
	var counts []*keyCount
	if c.exact != nil {
		s.DistinctPartitionKeys = int64(len(c.exact))
		for _, k := range c.exact {
			counts = append(counts, k)
		}
	} else {
		s.Approximate = true
		s.DistinctPartitionKeys = c.hll.estimate()
		counts = append(counts, c.sketch.h...)
	}
	sort.Slice(counts, func(i, j int) bool { return heavier(counts[i], counts[j]) })
	for _, k := range counts[:min(len(counts), HottestKeys)] {
		s.Hottest = append(s.Hottest, c.share(k))
	}
	var largest *keyCount
	for _, k := range counts {
		if largest == nil || k.bytes > largest.bytes || (k.bytes == largest.bytes && k.key < largest.key) {
			largest = k
		}
	}
	if largest != nil {
		s.LargestCollection = c.share(largest)
	}
	return s
}

func (c *keyCounter) share(k *keyCount) KeyShare {
	// A copy: a recalled key is part of its line memo's keys, which it would keep alive.
	ks := KeyShare{PartitionKey: strings.Clone(k.key), Items: k.items, Bytes: k.bytes}
	if c.items > 0 {
		ks.ItemShare = float64(k.items) / float64(c.items)
	}
	if c.bytes > 0 {
		ks.ByteShare = float64(k.bytes) / float64(c.bytes)
	}
	return ks
}

// spaceSaving is the Space-Saving heavy-hitters sketch (Metwally et al.): a min-heap of at most
// capacity counters; an unseen key replaces the lightest counter and inherits its counts, so
// heavy keys are never under-counted and their over-count is at most the evicted minimum.
type spaceSaving struct {
	capacity int
	h        []*keyCount
	byKey    map[string]*keyCount
}

func (s *spaceSaving) Len() int           { return len(s.h) }
func (s *spaceSaving) Less(i, j int) bool { return s.h[i].items < s.h[j].items }
func (s *spaceSaving) Swap(i, j int) {
	s.h[i], s.h[j] = s.h[j], s.h[i]
	s.h[i].index, s.h[j].index = i, j
}

func (s *spaceSaving) Push(x any) {
	k, _ := x.(*keyCount)
	k.index = len(s.h)
	s.h = append(s.h, k)
}

func (s *spaceSaving) Pop() any {
	k := s.h[len(s.h)-1]
	s.h = s.h[:len(s.h)-1]
	return k
}

func (s *spaceSaving) push(k *keyCount) {
	heap.Push(s, k)
	s.byKey[k.key] = k
}

func (s *spaceSaving) add(key string, size int64) {
	if k := s.byKey[key]; k != nil {
		k.items++
		k.bytes += size
		heap.Fix(s, k.index)
		return
	}
	if len(s.h) < s.capacity {
		s.push(&keyCount{key: key, items: 1, bytes: size})
		return
	}
	lightest := s.h[0]
	delete(s.byKey, lightest.key)
	lightest.key = key
	lightest.items++
	lightest.bytes += size
	s.byKey[key] = lightest
	heap.Fix(s, 0)
}

// hyperLogLog counts distinct keys in 16 KB with about 1% error. It hashes with FNV-1a and a
// fixed finaliser, so every machine gets the same estimate for the same data.
type hyperLogLog struct {
	registers [1 << hllPrecision]uint8
}

const hllPrecision = 14

func newHyperLogLog() *hyperLogLog { return &hyperLogLog{} }

func (h *hyperLogLog) add(key string) {
	x := hashing.String(key)
	idx := x >> (64 - hllPrecision)
	rank := uint8(bits.LeadingZeros64(x<<hllPrecision|1<<(hllPrecision-1)) + 1)
	if rank > h.registers[idx] {
		h.registers[idx] = rank
	}
}

func (h *hyperLogLog) estimate() int64 {
	m := float64(len(h.registers))
	sum, zeros := 0.0, 0
	for _, r := range &h.registers {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	e := 0.7213 / (1 + 1.079/m) * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros)) // linear counting for small cardinalities
	}
	return int64(math.Round(e))
}

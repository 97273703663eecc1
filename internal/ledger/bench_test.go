package ledger

import "testing"

// benchEntries are a million entries of the benchmark dataset's key shape.
func benchEntries(b *testing.B) []Entry {
	b.Helper()
	shape := keyShapes[2]
	if shape.name != "customer and order" {
		b.Fatalf("keyShapes[2] is %q", shape.name)
	}
	es := make([]Entry, 1_000_000)
	for i := range es {
		es[i] = shape.entry(i)
	}
	return es
}

func BenchmarkBuild(b *testing.B) {
	es := benchEntries(b)
	for b.Loop() {
		var bl Builder
		bl.Grow(len(es))
		for _, e := range es {
			bl.Add(e.KeyID, e.Hash)
		}
		bl.Build()
	}
}

func BenchmarkEncode(b *testing.B) {
	l := build(benchEntries(b)...)
	for b.Loop() {
		l.encode()
	}
}

func BenchmarkDecode(b *testing.B) {
	enc := build(benchEntries(b)...).Encode()
	for b.Loop() {
		if _, err := Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeVersion2 reads the format providers wrote before version 3.
func BenchmarkDecodeVersion2(b *testing.B) {
	enc := encodeV2(build(benchEntries(b)...))
	for b.Loop() {
		if _, err := Decode(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	es := benchEntries(b)
	l := build(es...)
	l.Find("") // index outside the timing
	i := 0
	for b.Loop() {
		if _, ok := lookup(l, es[i%len(es)].KeyID); !ok {
			b.Fatal("missing")
		}
		i++
	}
}

func BenchmarkFromFlat(b *testing.B) {
	var ids []byte
	var ends []int
	var hashes []uint32
	for _, e := range benchEntries(b) {
		ids = append(ids, e.KeyID...)
		ends = append(ends, len(ids))
		hashes = append(hashes, e.Hash)
	}
	for b.Loop() {
		FromFlat(ids, ends, hashes, nil)
	}
}

// BenchmarkFromFlatLike is BenchmarkFromFlat after an update that kept every key: the
// entries in their file order (not sorted), each placed in the prior ledger.
func BenchmarkFromFlatLike(b *testing.B) {
	var ids []byte
	var ends []int
	var hashes []uint32
	var bl Builder
	for _, e := range benchEntries(b) {
		ids = append(ids, e.KeyID...)
		ends = append(ends, len(ids))
		hashes = append(hashes, e.Hash)
		bl.Add(e.KeyID, e.Hash)
	}
	like := bl.Build()
	at := make([]int32, len(ends))
	start := 0
	for i, end := range ends {
		at[i] = int32(like.Find(string(ids[start:end])))
		start = end
	}
	for b.Loop() {
		FromFlatLike(like, at, ids, ends, hashes, nil)
	}
}

// BenchmarkFindEach looks up a million keys in their file order (not the ledger's), one at a
// time with Find and all at once with FindEach.
func BenchmarkFindEach(b *testing.B) {
	es := benchEntries(b)
	l := build(es...)
	l.Find("") // index outside the timing
	keys := make([][]byte, len(es))
	for i, e := range es {
		keys[i] = []byte(e.KeyID)
	}
	at := make([]int32, len(keys))
	b.Run("Find", func(b *testing.B) {
		for b.Loop() {
			for i, k := range keys {
				at[i] = int32(l.Find(string(k)))
			}
		}
	})
	b.Run("FindEach", func(b *testing.B) {
		for b.Loop() {
			l.FindEach(len(keys), func(i int) []byte { return keys[i] }, at)
		}
	})
}

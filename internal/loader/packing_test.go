package loader

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

// checkRoundTrip packs item and unpacks it: the result must encode exactly like item (so
// DynamoDB stores the same), or, for an item holding a value no dataset reader makes (nil,
// an unknown union member), unpacking must fail with errCorrupt.
func checkRoundTrip(t *testing.T, name string, item record.Item) {
	t.Helper()
	var buf []byte
	packed := pack(&buf, item)
	got, err := new(unpacker).unpack(packed)
	if !writable(item) {
		if !errors.Is(err, errCorrupt) {
			t.Fatalf("%s: an item with an unwritable value unpacked with error %v; want errCorrupt", name, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if again := CanonicalBytes(got); !bytes.Equal(again, []byte(packed)) {
		t.Fatalf("%s: unpacked item encodes differently\n got %x\nwant %x", name, again, packed)
	}
}

// writable reports whether every value of item is one of DynamoDB's ten types.
func writable(item record.Item) bool {
	for _, v := range item {
		if !writableValue(v) {
			return false
		}
	}
	return true
}

func writableValue(v types.AttributeValue) bool {
	switch v := v.(type) {
	case *avS, *avN, *avB, *avBOOL, *avNULL, *avSS, *avNS, *avBS:
		return true
	case *avL:
		for _, x := range v.Value {
			if !writableValue(x) {
				return false
			}
		}
		return true
	case *avM:
		return writable(v.Value)
	}
	return false
}

func TestUnpackRoundTrip(t *testing.T) {
	t.Parallel()
	for name, item := range goldenCorpus() {
		checkRoundTrip(t, name, item)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 2048)
	unwritable := 0
	for i := range 2000 {
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		g := itemGen{b: buf}
		item := g.item(0)
		if !writable(item) {
			unwritable++
		}
		checkRoundTrip(t, fmt.Sprint("random ", i), item)
	}
	if unwritable == 0 || unwritable == 2000 {
		t.Fatalf("%d of 2000 random items unwritable: the generator no longer covers both cases", unwritable)
	}
}

// TestUnpackRejectsDamage: every truncation of a packed item, and every single-byte change
// that breaks its structure, is an error, never a panic or a silently different item of the
// same length.
func TestUnpackRejectsDamage(t *testing.T) {
	t.Parallel()
	var buf []byte
	packed := pack(&buf, goldenCorpus()["nested"])
	for n := range len(packed) {
		if _, err := new(unpacker).unpack(packed[:n]); !errors.Is(err, errCorrupt) {
			t.Fatalf("the first %d of %d bytes: %v, want errCorrupt", n, len(packed), err)
		}
	}
	if _, err := new(unpacker).unpack(packed + "x"); !errors.Is(err, errCorrupt) {
		t.Fatalf("a trailing byte: %v, want errCorrupt", err)
	}
	for i := range len(packed) {
		damaged := []byte(packed)
		damaged[i] ^= 0xff
		_, _ = new(unpacker).unpack(string(damaged)) // must not panic
	}
}

func FuzzUnpackRoundTrip(f *testing.F) {
	addItemSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		g := itemGen{b: data}
		checkRoundTrip(t, "fuzzed", g.item(0))
	})
}

// FuzzUnpackAnything: unpack never panics on any input, fails only with errCorrupt, and
// what it accepts is an item pack and unpack carry through again.
func FuzzUnpackAnything(f *testing.F) {
	var buf []byte
	for _, item := range goldenCorpus() {
		if writable(item) {
			f.Add(pack(&buf, item))
		}
	}
	f.Add("{\x01\x00")
	f.Add("{\x01\x01\x01aS\x01b")
	f.Fuzz(func(t *testing.T, s string) {
		item, err := new(unpacker).unpack(s)
		if err != nil {
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("error %v is not errCorrupt", err)
			}
			return
		}
		if _, err := new(unpacker).unpack(pack(&buf, item)); err != nil {
			t.Fatalf("accepted %q, but its repacking does not unpack: %v", s, err)
		}
	})
}

// TestUnpackerKeepsItemsApart: the write pass unpacks every item with one unpacker, its items'
// values sharing blocks, so an item must not change when the next is unpacked, in its batch
// or a later one.
func TestUnpackerKeepsItemsApart(t *testing.T) {
	t.Parallel()
	var u unpacker
	var buf []byte
	packed := map[string]string{}
	got := map[string]record.Item{}
	for round := range 2 { // a round is a batch: the second's blocks are sized by the first
		u.vals.Start()
		for name, item := range goldenCorpus() {
			if !writable(item) {
				continue
			}
			packed[name] = pack(&buf, item)
			it, err := u.unpack(packed[name])
			if err != nil {
				t.Fatalf("round %d, %s: %v", round, name, err)
			}
			got[fmt.Sprint(round, name)] = it
		}
	}
	for key, item := range got {
		name := key[1:]
		if again := CanonicalBytes(item); !bytes.Equal(again, []byte(packed[name])) {
			t.Fatalf("%s changed after later items were unpacked\n got %x\nwant %x", key, again, packed[name])
		}
	}
}

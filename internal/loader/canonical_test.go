package loader

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/record"
)

type (
	avS    = types.AttributeValueMemberS
	avN    = types.AttributeValueMemberN
	avB    = types.AttributeValueMemberB
	avBOOL = types.AttributeValueMemberBOOL
	avNULL = types.AttributeValueMemberNULL
	avSS   = types.AttributeValueMemberSS
	avNS   = types.AttributeValueMemberNS
	avBS   = types.AttributeValueMemberBS
	avL    = types.AttributeValueMemberL
	avM    = types.AttributeValueMemberM
)

// goldenCorpus is a varied set of items whose canonical encodings are pinned by
// TestCanonicalGolden: all ten types, nesting, unsorted and canonicalisable set members,
// non-canonical and invalid numbers, unicode and empty names, binary with zero bytes, and
// sizes past one-byte varints and past the encoder's small fixed-size arrays.
func goldenCorpus() map[string]record.Item {
	many := func(n int, f func(i int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(n - 1 - i) // reverse order: the encoder must sort
		}
		return out
	}
	wide := record.Item{}
	for i := range 70 {
		wide[fmt.Sprintf("a%02d", (i*37)%70)] = &avN{Value: fmt.Sprint(i)}
	}
	long := make([]types.AttributeValue, 300)
	for i := range long {
		long[i] = &avS{Value: strings.Repeat("x", i%5)}
	}
	bigBS := make([][]byte, 40)
	for i := range bigBS {
		bigBS[i] = []byte{byte(i * 7), 0, byte(i)}
	}
	return map[string]record.Item{
		"nil":   nil,
		"empty": {},
		"scalars": {
			"s": &avS{Value: "hello"}, "s0": &avS{Value: ""}, "n": &avN{Value: "42"},
			"b": &avB{Value: []byte{0, 1, 0}}, "b0": &avB{Value: []byte{}}, "bnil": &avB{},
			"t": &avBOOL{Value: true}, "f": &avBOOL{Value: false}, "null": &avNULL{Value: true},
			"ss": &avSS{Value: []string{"b", "a"}}, "ns": &avNS{Value: []string{"2", "1"}},
			"bs": &avBS{Value: [][]byte{{2}, {1}}}, "l": &avL{Value: []types.AttributeValue{&avS{Value: "x"}}},
			"m": &avM{Value: map[string]types.AttributeValue{"k": &avNULL{Value: true}}},
		},
		"numbers": {
			"a": &avN{Value: "1.50"}, "b": &avN{Value: "15E-1"}, "c": &avN{Value: "-0"},
			"d": &avN{Value: "0.000"}, "e": &avN{Value: "1e125"}, "f": &avN{Value: "+7"},
			"g": &avN{Value: "007"}, "h": &avN{Value: "-1E-130"}, "i": &avN{Value: "0.000001"},
			"j": &avN{Value: "99999999999999999999999999999999999999"}, "k": &avN{Value: "abc"},
			"l": &avN{Value: "1e126"}, "m": &avN{Value: ""}, "n": &avN{Value: "NaN"},
			"o": &avN{Value: "123456789012345678901234567890123456789"}, "p": &avN{Value: "-12.3400e+2"},
			"q": &avN{Value: ".5"}, "r": &avN{Value: "5."}, "s": &avN{Value: "1E-131"}, "t": &avN{Value: "-0.0e5"},
		},
		"unicode": {
			"größe": &avS{Value: "Zürich"}, "日本": &avS{Value: "東京"}, "emoji 🎉": &avS{Value: "🎉"},
			"": &avS{Value: "empty name"}, "nul": &avS{Value: "a\x00b"}, "bad": &avS{Value: "\xff\xfe"},
			"Z": &avNULL{Value: true}, "z": &avNULL{Value: true}, "é": &avNULL{Value: true}, "e\u0301": &avNULL{Value: true},
		},
		"sets": {
			"ss":      &avSS{Value: []string{"b", "a", "c", "ab", "", "é", "e", "Z"}},
			"ssDup":   &avSS{Value: []string{"x", "x", "a"}},
			"ssEmpty": &avSS{Value: []string{}},
			"ssNil":   &avSS{},
			"ns":      &avNS{Value: []string{"10", "9", "1.0", "-1", "15E-1", "0.5", "-0", "1e2", "100.00"}},
			"nsBad":   &avNS{Value: []string{"x", "1", "NaN", "1e999"}},
			"bs":      &avBS{Value: [][]byte{{2}, {1, 0}, {1}, {}, {0}, nil, {0xff}}},
			"ssBig":   &avSS{Value: many(40, func(i int) string { return fmt.Sprintf("m%03d", i) })},
			"nsBig":   &avNS{Value: many(40, func(i int) string { return fmt.Sprintf("%d.50", i) })},
			"bsBig":   &avBS{Value: bigBS},
		},
		"nested": {
			"m": &avM{Value: map[string]types.AttributeValue{
				"l": &avL{Value: []types.AttributeValue{
					&avM{Value: map[string]types.AttributeValue{"x": &avN{Value: "1.0"}, "a": &avSS{Value: []string{"q", "p"}}}},
					&avL{Value: []types.AttributeValue{}},
					&avM{Value: map[string]types.AttributeValue{}},
					&avL{Value: []types.AttributeValue{&avL{Value: []types.AttributeValue{&avBOOL{Value: true}}}}},
					nil,
				}},
				"deep": &avM{Value: map[string]types.AttributeValue{"deeper": &avM{Value: map[string]types.AttributeValue{
					"deepest": &avBS{Value: [][]byte{{0, 0}, {0}}},
				}}}},
			}},
			"nilList": &avL{},
			"nilMap":  &avM{},
		},
		"odd": {
			"nil":     nil,
			"unknown": &types.UnknownUnionMember{Tag: "X", Value: []byte("y")},
		},
		"sizes": {
			"s127":                            &avS{Value: strings.Repeat("a", 127)},
			"s128":                            &avS{Value: strings.Repeat("a", 128)},
			"s20k":                            &avS{Value: strings.Repeat("ab", 10_000)},
			"b300":                            &avB{Value: make([]byte, 300)},
			"l300":                            &avL{Value: long},
			"wide":                            &avM{Value: wide},
			"name" + strings.Repeat("n", 200): &avNULL{Value: true},
		},
		"wide": wide,
		"bench": {
			"pk": &avS{Value: "customer#000042"}, "sk": &avN{Value: "845"}, "total": &avN{Value: "845.45"},
			"qty": &avN{Value: "5"}, "status": &avS{Value: "shipped"}, "note": &avS{Value: "größe — order 00000845 ok"},
			"paid": &avBOOL{Value: false}, "tags": &avL{Value: []types.AttributeValue{&avS{Value: "a"}, &avS{Value: "b"}, &avS{Value: "c"}}},
			"addr": &avM{Value: map[string]types.AttributeValue{
				"city": &avS{Value: "Zürich"}, "zip": &avS{Value: "8045"},
				"geo": &avL{Value: []types.AttributeValue{&avN{Value: "47.3769"}, &avN{Value: "8.5417"}}},
			}},
		},
	}
}

// goldenHex pins whole encodings of small items, to show the format itself.
var goldenHex = map[string]string{
	"nil":     "7b0100",
	"empty":   "7b0100",
	"scalars": "7b010e01624203000100026230420004626e696c42000262736201020101010201665400016c5b0101530178016d7b0101016b30016e4e023432026e736e010201310132046e756c6c300173530568656c6c6f02733053000273737301020161016201745401",
	"odd":     "7b0102036e696c3f07756e6b6e6f776e3f",
	"bench":   "7b010904616464727b0103046369747953075ac3bc726963680367656f5b01024e0734372e333736394e06382e35343137037a6970530438303435046e6f7465531d6772c3b6c39f6520e28094206f72646572203030303030383435206f6b0470616964540002706b530f637573746f6d657223303030303432037174794e013502736b4e033834350673746174757353077368697070656404746167735b010353016153016253016305746f74616c4e063834352e3435",
}

// goldenSHA256 pins the encoding of every corpus item, recorded from the original encoder.
var goldenSHA256 = map[string]string{
	"bench":   "c624496c0f1c21d7aaf5777d59c7e1d64051f5a053bf19780b37eef0c9d57397",
	"empty":   "793e3cb5b037986ce9da9eb392a0c79efbb6866ffbbf80cbb271f74e6588ca78",
	"nested":  "e20c5a306286af5c7366b342a6ec3f25d762501edd467d5ce671b4d0fcd90b80",
	"nil":     "793e3cb5b037986ce9da9eb392a0c79efbb6866ffbbf80cbb271f74e6588ca78",
	"numbers": "5b52b7e92f4ed15702d2a742581fc9c7ed07e40fc0c39a251ffc24d68b09289e",
	"odd":     "ae57bd3ae0b8623c86baf330073659699907b400499d4c9ef821d53d865f45ad",
	"scalars": "a72617b7046b075d980876b14ea926c723bf9176df10f5b2060d98b4716119bd",
	"sets":    "ca1d4e7324c223edf1827644131f6234202e56a6a37c39106d7cb657cf8f794a",
	"sizes":   "3474c104f35f89fcc90cb3dc278d4427e2447fe651cdd278dc56caf7e69c0fda",
	"unicode": "c50cb989d32cc265fe5707197a55abd033e7279eacd679a74d2c3a35ca2bfbaf",
	"wide":    "9dfc9362fd8d5b4e4cf169c429f98a6921c901b6f9ec907a7fc9edee4427d891",
}

// TestCanonicalGolden pins CanonicalBytes: its output feeds content digests kept in users'
// Terraform state, so it must never change for any input.
func TestCanonicalGolden(t *testing.T) {
	t.Parallel()
	for name, item := range goldenCorpus() {
		got := CanonicalBytes(item)
		sum := sha256.Sum256(got)
		if want, ok := goldenSHA256[name]; !ok || hex.EncodeToString(sum[:]) != want {
			t.Errorf("%q: sha256 %x; want %s", name, sum, want)
		}
		if want, ok := goldenHex[name]; ok && hex.EncodeToString(got) != want {
			t.Errorf("%q: %x; want %s", name, got, want)
		}
	}
}

// itemGen builds items from a byte stream (a fuzz input or random bytes), with names and
// members from small alphabets so that sorting meets ties, prefixes and multi-byte runes.
type itemGen struct{ b []byte }

func (g *itemGen) next() int {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return int(c)
}

var (
	genStrings = []string{"", "a", "b", "ab", "ba", "A", "é", "e\u0301", "日本", "🎉", "a\x00", "\xff", "aa", "z"}
	genNumbers = []string{"0", "-0", "1", "1.0", "1.50", "15E-1", "-1.5", "007", "+7", "0.000", "1e125", "1e126",
		"1E-130", "1E-131", "12.30e-4", ".5", "5.", "x", "", "NaN", "99999999999999999999999999999999999999",
		"123456789012345678901234567890123456789", "-0.001e3", "100", "1e2"}
)

func (g *itemGen) str() string {
	n := g.next() % 4
	var sb strings.Builder
	for range n {
		sb.WriteString(genStrings[g.next()%len(genStrings)])
	}
	return sb.String()
}

func (g *itemGen) num() string {
	if c := g.next(); c%3 != 0 {
		return genNumbers[c%len(genNumbers)]
	}
	return fmt.Sprintf("%d.%d", g.next()-128, g.next()) // random-ish digits
}

func (g *itemGen) bytes() []byte {
	n := g.next() % 5
	if n == 4 {
		return nil
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(g.next() % 3)
	}
	return out
}

func (g *itemGen) item(depth int) record.Item {
	n := g.next() % 12
	if n == 11 {
		n = 20 + g.next()%30 // now and then wider than the encoder's small arrays
	}
	m := make(record.Item, n)
	for range n {
		m[g.str()] = g.value(depth)
	}
	return m
}

func (g *itemGen) count() int {
	if n := g.next() % 8; n < 7 {
		return n
	}
	return 10 + g.next()%40
}

func (g *itemGen) value(depth int) types.AttributeValue {
	kind := g.next() % 12
	if depth > 3 && kind >= 8 {
		kind = 0
	}
	switch kind {
	case 0:
		return &avS{Value: g.str()}
	case 1:
		return &avN{Value: g.num()}
	case 2:
		return &avB{Value: g.bytes()}
	case 3:
		return &avBOOL{Value: g.next()%2 == 0}
	case 4:
		return &avNULL{Value: true}
	case 5:
		v := make([]string, g.count())
		for i := range v {
			v[i] = g.str()
		}
		return &avSS{Value: v}
	case 6:
		v := make([]string, g.count())
		for i := range v {
			v[i] = g.num()
		}
		return &avNS{Value: v}
	case 7:
		v := make([][]byte, g.count())
		for i := range v {
			v[i] = g.bytes()
		}
		return &avBS{Value: v}
	case 8:
		v := make([]types.AttributeValue, g.count())
		for i := range v {
			v[i] = g.value(depth + 1)
		}
		return &avL{Value: v}
	case 9:
		return &avM{Value: g.item(depth + 1)}
	case 10:
		return nil
	default:
		return &types.UnknownUnionMember{Tag: "X"}
	}
}

// TestCanonicalMatchesReference compares the encoder with the original one on the golden
// corpus and on many random items.
func TestCanonicalMatchesReference(t *testing.T) {
	t.Parallel()
	check := func(name string, item record.Item) {
		t.Helper()
		want := refCanonicalBytes(item)
		if got := CanonicalBytes(item); !bytes.Equal(got, want) {
			t.Fatalf("%s: CanonicalBytes\n got %x\nwant %x", name, got, want)
		}
		if got := AppendCanonical([]byte("prefix"), item); !bytes.Equal(got, append([]byte("prefix"), want...)) {
			t.Fatalf("%s: AppendCanonical\n got %x\nwant prefix+%x", name, got, want)
		}
		var w bytes.Buffer
		WriteCanonical(&w, item)
		if !bytes.Equal(w.Bytes(), want) {
			t.Fatalf("%s: WriteCanonical\n got %x\nwant %x", name, w.Bytes(), want)
		}
	}
	for name, item := range goldenCorpus() {
		check(name, item)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	buf := make([]byte, 2048)
	for i := range 2000 {
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		g := itemGen{b: buf}
		check(fmt.Sprint("random ", i), g.item(0))
	}
}

// addItemSeeds seeds a fuzz target whose input drives itemGen.
func addItemSeeds(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{5, 1, 2, 6, 3, 1, 2, 3, 4, 9, 8, 7, 6, 5, 4, 3, 2, 1})
	f.Add(bytes.Repeat([]byte{11, 7, 9, 3}, 64))
}

func FuzzCanonicalMatchesReference(f *testing.F) {
	addItemSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		g := itemGen{b: data}
		item := g.item(0)
		want := refCanonicalBytes(item)
		if got := AppendCanonical(nil, item); !bytes.Equal(got, want) {
			t.Fatalf("AppendCanonical\n got %x\nwant %x", got, want)
		}
	})
}

// TestAppendCanonicalAllocs: typical items (small maps and sets, canonical numbers) encode
// into a reused buffer without allocating.
func TestAppendCanonicalAllocs(t *testing.T) {
	corpus := goldenCorpus()
	for _, name := range []string{"bench", "scalars", "unicode", "nested"} {
		buf := AppendCanonical(nil, corpus[name])
		if n := testing.AllocsPerRun(100, func() { buf = AppendCanonical(buf[:0], corpus[name]) }); n != 0 {
			t.Errorf("%s: %v allocs; want 0", name, n)
		}
	}
}

func BenchmarkCanonical(b *testing.B) {
	item := goldenCorpus()["bench"]
	b.Run("AppendCanonical", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = AppendCanonical(buf[:0], item)
		}
	})
	b.Run("CanonicalBytes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = CanonicalBytes(item)
		}
	})
	b.Run("reference", func(b *testing.B) { // the original encoder
		b.ReportAllocs()
		for b.Loop() {
			_ = refCanonicalBytes(item)
		}
	})
}

package ledger

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// roundTripCases are ledgers whose encoding must read back exactly.
var roundTripCases = []struct {
	name    string
	entries []Entry
}{
	{"empty", nil},
	{"one entry", []Entry{{"3:S:aN:1", 0xdeadbeef, true}}},
	{"binary bytes", []Entry{{"4:B:\x00\xffB:\x00", 1, true}, {"4:B:\x00\x00", 2, true}, {"3:B:\xff", 3, true}, {"\x00", 4, true}}},
	{"unicode", []Entry{{"11:S:日本語", 1, true}, {"6:S:🙂", 2, true}, {"4:S:éS:ü", 3, true}, {"3:S:e", 4, true}}},
	{"prefixes of each other", []Entry{{"a", 1, true}, {"ab", 2, true}, {"abc", 3, true}, {"abcd", 4, true}, {"abd", 5, true}, {"b", 6, true}}},
	{"an empty key first", []Entry{{"", 9, true}, {"x", 8, true}}},
	{"hash extremes", []Entry{{"a", 0, true}, {"b", 0xffffffff, true}}},
	{"the longest key allowed", []Entry{{strings.Repeat("k", MaxKeyIDLen), 1, true}, {strings.Repeat("k", MaxKeyIDLen-1) + "l", 2, true}}},
}

func TestEncodeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range roundTripCases {
		l := build(tc.entries...)
		got, err := Decode(l.Encode())
		if err != nil {
			t.Errorf("%s: Decode: %v", tc.name, err)
			continue
		}
		if !sameLedger(got, l) || got.Len() != len(tc.entries) {
			t.Errorf("%s: round trip = %s, want %s", tc.name, show(entries(got)), show(entries(l)))
		}
		gotS, err := DecodeString(l.EncodeString())
		if err != nil || !sameLedger(gotS, l) {
			t.Errorf("%s: string round trip = %s, %v; want %s", tc.name, show(entries(gotS)), err, show(entries(l)))
		}
		if !bytes.Equal(l.Encode(), got.Encode()) {
			t.Errorf("%s: re-encoding the decoded ledger gives different bytes", tc.name)
		}
	}
}

func TestEncodeLayout(t *testing.T) {
	t.Parallel()
	// The format, spelled out: version, count, the steps' coding (uvarints), the starts
	// (doubled, plus 1 for a numeric entry), the rests' lengths, the numeric steps, the unknown
	// blocks (none), the rests and the checksum, compressed; then the blocks' sums as they are.
	// "4:S:bc" steps the previous key's leading "3" by 1, which a Rice code would not write in
	// fewer bytes.
	es := []Entry{{"3:S:a", 0x01020304, true}, {"3:S:b", 0x0a0b0c0d, true}, {"4:S:bc", 0xffffffff, true}}
	payload := []byte{5, 3, 0, 0, 8, 1, 5, 1, 5, 1, 0, '3', ':', 'S', ':', 'a', 'b', ':', 'S', ':', 'b', 'c'}
	checkLayout(t, es, stepsAuto, payload, nil)
	// As a Rice code with k = 2: "S:15" steps "S:10" by 5 and "S:23" steps "S:15" by 8, whose 4
	// and 7 are 0 1 00 and 0 1 11 (rice.go), bits filling a byte from its least significant one.
	es = []Entry{{"S:10", 1, true}, {"S:15", 2, true}, {"S:23", 3, true}}
	payload = []byte{5, 3, 1, 2, 1, 0, 5, 5, 4, 0, 0, 0, 'S', ':', '1', '0'}
	checkLayout(t, es, stepsRice, payload, []byte{0b1110_0010})
	checkLayout(t, es, stepsAuto, payload, []byte{0b1110_0010})
}

// checkLayout checks that the ledger of es, encoded as coding says, is payload (without its
// checksum) compressed, then rice and the blocks' sums. None of the keys after the first may
// start a block.
func checkLayout(t *testing.T, es []Entry, coding stepCoding, payload, rice []byte) {
	t.Helper()
	var sum uint32
	for _, e := range es {
		sum += ItemSum(e.KeyID, e.Hash)
		if e.KeyID != es[0].KeyID && startsBlock(e.KeyID) {
			t.Fatalf("%q starts a block: the layout has one", e.KeyID)
		}
	}
	tail := binary.BigEndian.AppendUint32(slices.Clone(rice), sum)
	payload = binary.BigEndian.AppendUint32(slices.Clone(payload), crc32.Update(crc32.ChecksumIEEE(payload), crc32.IEEETable, tail))
	enc := build(es...).encodeSteps(coding)
	src := bytes.NewReader(enc)
	got, err := io.ReadAll(flate.NewReader(src))
	if err != nil {
		t.Fatalf("inflate: %v", err)
	}
	if !bytes.Equal(got, payload) {
		t.Errorf("payload = %v, want %v", got, payload)
	}
	if rest := enc[len(enc)-src.Len():]; !bytes.Equal(rest, tail) {
		t.Errorf("after the compressed payload: %v, want the Rice code and block sum %v", rest, tail)
	}
}

// TestNumericEntries checks which keys step a number, and that all of them read back.
func TestNumericEntries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		prev, key string
		start     int
		delta     uint64
		rest      int
	}{
		{"S:order-00000042", "S:order-00000057", 8, 15, 16},
		{"S:order-00000042x", "S:order-00000057", 8, 15, 16},                // rest may be shorter
		{"12:S:cust-19616S:order-9", "12:S:cust-19617S:order-1", 10, 1, 15}, // the step is in the partition
		{"S:a9", "S:a10", 3, 0, 3},                                          // widths differ: plain
		{"S:a9z", "S:b1", 2, 0, 2},                                          // first difference not a digit
		{"S:1", "S:1a", 3, 0, 3},                                            // key extends prev: plain
		{"S:" + strings.Repeat("1", 18), "S:" + strings.Repeat("1", 17) + "2", 2, 1, 20},
		{"S:" + strings.Repeat("1", 19), "S:" + strings.Repeat("1", 18) + "2", 20, 0, 20}, // 19 digits: plain
		{"S:099999999999999999", "S:999999999999999999", 2, 900000000000000000, 20},
	} {
		start, delta, rest := step(tc.prev, tc.key)
		if start != tc.start || delta != tc.delta || rest != tc.rest {
			t.Errorf("step(%q, %q) = %d, %d, %d; want %d, %d, %d", tc.prev, tc.key, start, delta, rest, tc.start, tc.delta, tc.rest)
		}
		l := build(Entry{tc.prev, 1, true}, Entry{tc.key, 2, true})
		if got, err := Decode(l.Encode()); err != nil || !sameLedger(got, l) {
			t.Errorf("%q, %q: round trip = %s, %v", tc.prev, tc.key, show(entries(got)), err)
		}
	}
}

// TestNumericRoundTrip encodes random keys full of digit runs of every width, zero padding
// and nines that carry: every ledger must read back exactly.
func TestNumericRoundTrip(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	numerics := 0
	var chosen [2]int // how often Encode chose each coding of the steps
	for range 300 {
		var es []Entry
		for range 1 + r.IntN(200) {
			var k strings.Builder
			for range 1 + r.IntN(4) {
				switch r.IntN(4) {
				case 0:
					k.WriteString([]string{"S:", "#", "a", "", "-"}[r.IntN(5)])
				case 1:
					w := 1 + r.IntN(20)
					for range w {
						k.WriteByte(byte('0' + r.IntN(10)))
					}
				case 2:
					k.WriteString(strings.Repeat("9", 1+r.IntN(19)))
				default:
					k.WriteString(strings.Repeat("0", r.IntN(3)) + strconv.Itoa(r.IntN(30)))
				}
			}
			es = append(es, Entry{k.String(), r.Uint32(), true})
		}
		l := build(es...)
		prev := ""
		for e := range l.All() {
			if _, delta, _ := step(prev, e.KeyID); delta > 0 {
				numerics++
			}
			prev = e.KeyID
		}
		for _, coding := range []stepCoding{stepsAuto, stepsUvarint, stepsRice} {
			enc := l.encodeSteps(coding)
			got, err := Decode(enc)
			if err != nil || !sameLedger(got, l) {
				t.Fatalf("round trip of %d entries (coding %d): %v", l.Len(), coding, err)
			}
			if coding == stepsAuto {
				chosen[stepsOf(t, enc)]++
			}
		}
	}
	if numerics < 1000 {
		t.Errorf("only %d numeric entries in all: the test does not exercise them", numerics)
	}
	if chosen[stepsUvarint] == 0 || chosen[stepsRice] == 0 {
		t.Errorf("Encode chose uvarints %d times and a Rice code %d times: the test does not exercise both", chosen[stepsUvarint], chosen[stepsRice])
	}
}

// stepsOf is the coding of the steps in a version 5 encoding.
func stepsOf(t *testing.T, enc []byte) stepCoding {
	t.Helper()
	payload, err := io.ReadAll(flate.NewReader(bytes.NewReader(enc)))
	if err != nil || len(payload) < 2 || payload[0] != 5 {
		t.Fatalf("not a version 5 encoding: %v", err)
	}
	_, n := binary.Uvarint(payload[1:])
	return stepCoding(payload[1+n])
}

// TestDecodeVersion2 reads ledgers as providers before format version 3 wrote them.
func TestDecodeVersion2(t *testing.T) {
	t.Parallel()
	cases := slices.Clone(roundTripCases)
	for _, s := range keyShapes {
		es := make([]Entry, 1000)
		for i := range es {
			es[i] = s.entry(i)
		}
		cases = append(cases, struct {
			name    string
			entries []Entry
		}{s.name, es})
	}
	for _, tc := range cases {
		l := build(tc.entries...)
		got, err := Decode(encodeV2(l))
		if err != nil || !slices.Equal(entries(got), entries(l)) {
			t.Errorf("%s: Decode of version 2 = %s, %v; want %s", tc.name, show(entries(got)), err, show(entries(l)))
		}
	}
}

// encodeV2 is the version 2 encoder, as providers before version 3 ran it.
func encodeV2(l *Ledger) []byte {
	n := l.Len()
	payload := []byte{2}
	payload = binary.AppendUvarint(payload, uint64(n))
	shared := make([]int, n)
	prev := ""
	for i := range n {
		k := l.key(i)
		shared[i] = commonPrefix(prev, k)
		payload = binary.AppendUvarint(payload, uint64(shared[i]))
		prev = k
	}
	for i := range n {
		payload = binary.AppendUvarint(payload, uint64(len(l.key(i))-shared[i]))
	}
	for i := range n {
		payload = append(payload, l.key(i)[shared[i]:]...)
	}
	var hashes []byte
	for i := range n {
		hashes = binary.BigEndian.AppendUint32(hashes, l.hashes[i])
	}
	return sealedBody(payload, hashes)
}

// TestDecodeVersion4 reads ledgers as providers before format version 5 wrote them, unknown
// blocks included.
func TestDecodeVersion4(t *testing.T) {
	t.Parallel()
	var ledgers []*Ledger
	for _, tc := range roundTripCases {
		ledgers = append(ledgers, build(tc.entries...))
	}
	for _, s := range keyShapes {
		var b Builder
		for i := range 1000 {
			b.AddEntry(s.entry(i))
		}
		for i := range 1000 {
			if i%97 == 0 {
				b.AddUnknown(s.entry(i).KeyID)
			}
		}
		ledgers = append(ledgers, b.Build())
	}
	for _, l := range ledgers {
		got, err := Decode(encodeV4(l))
		if err != nil || !sameLedger(got, l) {
			t.Errorf("Decode of version 4 = %s, %v; want %s", show(entries(got)), err, show(entries(l)))
		}
	}
}

// encodeV4 is the version 4 encoder, as providers before version 5 ran it.
func encodeV4(l *Ledger) []byte {
	n := l.Len()
	starts := make([]byte, 0, n+16)
	starts = append(starts, 4)
	starts = binary.AppendUvarint(starts, uint64(n))
	rests := make([]int, n)
	var deltas []byte
	prev := ""
	for i := range n {
		k := l.key(i)
		start, delta, rest := step(prev, k)
		numeric := 0
		if delta > 0 {
			numeric = 1
			deltas = binary.AppendUvarint(deltas, delta)
		}
		starts = binary.AppendUvarint(starts, uint64(2*start+numeric))
		rests[i] = rest
		prev = k
	}
	payload := starts
	for i := range n {
		payload = binary.AppendUvarint(payload, uint64(len(l.key(i))-rests[i]))
	}
	payload = append(payload, deltas...)
	var sums, unknown []byte
	last, nUnknown := -1, 0
	for b, bl := range l.Blocks() {
		sums = binary.BigEndian.AppendUint32(sums, bl.Sum)
		if !bl.Known {
			unknown = binary.AppendUvarint(unknown, uint64(b-last))
			last = b
			nUnknown++
		}
	}
	payload = binary.AppendUvarint(payload, uint64(nUnknown))
	payload = append(payload, unknown...)
	for i := range n {
		payload = append(payload, l.key(i)[rests[i]:]...)
	}
	return sealedBody(payload, sums)
}

// TestDecodeVersion1 reads a ledger as providers before format version 2 wrote it.
func TestDecodeVersion1(t *testing.T) {
	t.Parallel()
	v1 := sealed(1, 3,
		0, 5, '3', ':', 'S', ':', 'a', 1, 2, 3, 4,
		4, 1, 'b', 10, 11, 12, 13,
		0, 6, '4', ':', 'S', ':', 'b', 'c', 0xff, 0xff, 0xff, 0xff)
	got, err := Decode(v1)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := []Entry{{"3:S:a", 0x01020304, true}, {"3:S:b", 0x0a0b0c0d, true}, {"4:S:bc", 0xffffffff, true}}
	if !slices.Equal(entries(got), want) {
		t.Errorf("Decode = %s, want %s", show(entries(got)), show(want))
	}
}

// deflate compresses payload as Encode does.
func deflate(payload []byte) []byte {
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestCompression)
	_, _ = w.Write(payload)
	_ = w.Close()
	return out.Bytes()
}

// sealed is a hand-made encoding: version, body and a correct checksum, compressed, so Decode
// gets past the checksum to the rule under test.
func sealed(version byte, body ...byte) []byte {
	p := append([]byte{version}, body...)
	return deflate(binary.BigEndian.AppendUint32(p, crc32.ChecksumIEEE(p)))
}

// sealed2 to sealed5 are hand-made version 2 to 5 encodings.
func sealed2(body, hashes []byte) []byte { return sealedBody(append([]byte{2}, body...), hashes) }
func sealed3(body, hashes []byte) []byte { return sealedBody(append([]byte{3}, body...), hashes) }
func sealed4(body, sums []byte) []byte   { return sealedBody(append([]byte{4}, body...), sums) }
func sealed5(body, tail []byte) []byte   { return sealedBody(append([]byte{5}, body...), tail) }

// sealedBody compresses a payload with a checksum that also covers hashes, then appends hashes.
func sealedBody(p, hashes []byte) []byte {
	p = binary.BigEndian.AppendUint32(slices.Clone(p), crc32.Update(crc32.ChecksumIEEE(p), crc32.IEEETable, hashes))
	return append(deflate(p), hashes...)
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	good := sealed(1, 2, 0, 5, '3', ':', 'S', ':', 'a', 0, 0, 0, 1, 4, 1, 'b', 0, 0, 0, 2)
	long := make([]byte, 0, MaxKeyIDLen+16)
	long = append(long, 1, 0, 0x81, 0x20) // count 1, shared 0, suffix length 4097
	long = append(long, bytes.Repeat([]byte{'k'}, MaxKeyIDLen+1)...)
	long = append(long, 0, 0, 0, 0)
	for _, tc := range []struct {
		name  string
		in    []byte
		entry int
		want  string
	}{
		{"no input", nil, -1, "not a complete DEFLATE stream"},
		{"not DEFLATE", []byte("hello, ledger"), -1, "not a complete DEFLATE stream"},
		{"truncated stream", good[:len(good)/2], -1, "not a complete DEFLATE stream"},
		{"bytes after the stream", append(slices.Clone(good), 0), -1, "1 unexpected bytes after the compressed data"},
		{"empty payload", deflate(nil), -1, "empty payload"},
		{"unknown version", sealed(6, 0), -1, "format version 6, but this provider reads only versions 1 to 5"},
		{"version 0", sealed(0, 0), -1, "format version 0"},
		{"no room for a checksum", deflate([]byte{1, 0, 0}), -1, "too short"},
		{"checksum mismatch", deflate([]byte{1, 0, 1, 2, 3, 4}), -1, "checksum mismatch"},
		{"count beyond the data", sealed(1, 2, 0, 1, 'a', 0, 0, 0, 0), -1, "counts 2 entries"},
		{"count overflows", sealed(1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), -1, "overflows 64 bits"},
		{"count truncated", sealed(1, 0x80), -1, "ends inside the entry count"},
		{"fewer entries than data", sealed(1, 1, 0, 1, 'a', 0, 0, 0, 0, 0, 1, 'b', 0, 0, 0, 0), -1, "7 unexpected bytes after the 1 entries"},
		{"first entry shares a prefix", sealed(1, 1, 1, 1, 'a', 0, 0, 0, 0), 0, "shares 1 bytes with a previous key of 0 bytes"},
		{"shares more than the previous key", sealed(1, 2, 0, 1, 'a', 0, 0, 0, 0, 2, 1, 'b', 0, 0, 0, 0), 1, "shares 2 bytes"},
		{"unsorted", sealed(1, 2, 0, 1, 'b', 0, 0, 0, 0, 0, 1, 'a', 0, 0, 0, 0), 1, `key "a" is not after the previous key "b"`},
		{"duplicate", sealed(1, 2, 0, 1, 'a', 0, 0, 0, 0, 1, 0, 0, 0, 0, 0), 1, `key "a" is not after the previous key "a"`},
		{"prefix after its extension", sealed(1, 2, 0, 2, 'a', 'b', 0, 0, 0, 0, 1, 0, 0, 0, 0, 0), 1, `key "a" is not after the previous key "ab"`},
		{"suffix truncated", sealed(1, 1, 0, 9, 'a', 'b', 'c', 0), 0, "a 9-byte key suffix, but only 4 bytes remain"},
		{"hash truncated", sealed(1, 1, 0, 4, 'a', 'b', 'c', 'd', 0, 0), 0, "ends inside the hash"},
		{"shared length truncated", sealed(1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80), 0, "ends inside the shared prefix length"},
		{"key too long", sealed(1, long...), 0, "a 4097-byte key ID, longer than the 4096-byte maximum"},
		// Version 2: the body is count, shared lengths, suffix lengths, suffixes.
		{"v2 count beyond the hashes", sealed2([]byte{2, 0, 0, 1, 1, 'a', 'b'}, []byte{0, 0, 0, 1}), -1, "counts 2 entries, but 4 bytes of hashes"},
		{"v2 hashes not whole", sealed2([]byte{1, 0, 1, 'a'}, []byte{0, 0, 0, 1, 2}), -1, "5 bytes of hashes"},
		{"v2 hash bit flipped", flipLast(sealed2([]byte{1, 0, 1, 'a'}, []byte{0, 0, 0, 1})), -1, "checksum mismatch"},
		{"v2 count beyond the key data", sealed2([]byte{2, 0}, make([]byte, 8)), -1, "2 entries, but 1 bytes of key data"},
		{"v2 lengths truncated", sealed2([]byte{1, 0x80, 0x80}, make([]byte, 4)), 0, "ends inside the shared prefix length"},
		{"v2 first entry shares a prefix", sealed2([]byte{1, 1, 1, 'a'}, make([]byte, 4)), 0, "shares 1 bytes with a previous key of 0 bytes"},
		{"v2 shares more than the previous key", sealed2([]byte{2, 0, 2, 1, 1, 'a', 'b'}, make([]byte, 8)), 1, "shares 2 bytes"},
		{"v2 suffix too long", sealed2([]byte{1, 0, 0x81, 0x20}, make([]byte, 4)), 0, "a suffix length of 4097 bytes"},
		{"v2 key too long", sealed2(append([]byte{2, 0, 0x80, 0x20, 0x80, 0x20, 1}, bytes.Repeat([]byte{'k'}, MaxKeyIDLen+1)...), make([]byte, 8)), 1, "a 4097-byte key ID"},
		{"v2 suffixes short", sealed2([]byte{1, 0, 3, 'a'}, make([]byte, 4)), -1, "add up to 3 bytes, but 1 bytes remain"},
		{"v2 suffixes long", sealed2([]byte{1, 0, 1, 'a', 'b'}, make([]byte, 4)), -1, "add up to 1 bytes, but 2 bytes remain"},
		{"v2 unsorted", sealed2([]byte{2, 0, 0, 1, 1, 'b', 'a'}, make([]byte, 8)), 1, `key "a" is not after the previous key "b"`},
		{"v2 duplicate", sealed2([]byte{2, 0, 1, 1, 0, 'a'}, make([]byte, 8)), 1, `key "a" is not after the previous key "a"`},
		// Version 4: version 3's columns, the unknown blocks before the rests, block sums.
		{"v4 sums not whole", sealed4([]byte{1, 0, 1, 0, 'a'}, make([]byte, 5)), -1, "5 bytes of block sums"},
		{"v4 no sums", sealed4([]byte{1, 0, 1, 0, 'a'}, nil), -1, "1 entries, but 0 bytes of block sums"},
		{"v4 sums without entries", sealed4([]byte{0, 0}, make([]byte, 4)), -1, "0 entries, but 4 bytes of block sums"},
		{"v4 more sums than blocks", sealed4([]byte{2, 0, 2, 1, 1, 0, 'a', 'b'}, make([]byte, 8)), -1, "the keys make 1 blocks, but 2 block sums"},
		{"v4 unknown beyond the blocks", sealed4([]byte{1, 0, 1, 2, 1, 1, 'a'}, make([]byte, 4)), -1, "2 unknown blocks, but only 1 block sums"},
		{"v4 unknown block past the end", sealed4([]byte{1, 0, 1, 1, 2, 'a'}, make([]byte, 4)), -1, "unknown block 1 after -1"},
		{"v4 unknown block twice", sealed4([]byte{2, 0, 2, 1, 1, 2, 1, 0, 'a', 'b'}, make([]byte, 8)), -1, "out of order"},
		{"v4 unknown list truncated", sealed4([]byte{1, 0, 1, 1}, make([]byte, 4)), -1, "truncated or overflowing list of unknown blocks"},
		// Version 5: version 4 with the steps' coding after the count; a Rice code (1), its
		// parameter and length, and the code after the compressed payload, before the sums.
		// Keys "1" then "2" are count 2, starts 0 and 1 (numeric), lengths 1 and 0, no unknown
		// blocks, rest "1"; step 1 is Rice code 0b1 with k = 0.
		{"v5 no coding", sealed5([]byte{0}, nil), -1, "ends inside the step coding"},
		{"v5 unknown coding", sealed5([]byte{1, 2, 0, 1, 0, 'a'}, make([]byte, 4)), -1, "step coding 2, but only 0 (uvarints) and 1 (Rice) exist"},
		{"v5 no Rice parameter", sealed5([]byte{0, 1}, nil), -1, "ends inside the Rice parameter"},
		{"v5 Rice parameter too large", sealed5([]byte{2, 1, 64, 1, 0, 1, 1, 0, 0, '1'}, []byte{1, 0, 0, 0, 0}), -1, "a Rice parameter of 64, more than 63"},
		{"v5 Rice length truncated", sealed5([]byte{2, 1, 0, 0x80}, nil), -1, "truncated or overflowing length of the Rice-coded steps"},
		{"v5 Rice length beyond the tail", sealed5([]byte{2, 1, 0, 9, 0, 1, 1, 0, 0, '1'}, make([]byte, 4)), -1, "9 bytes of Rice-coded steps, but 4 bytes follow"},
		{"v5 sums after the Rice code not whole", sealed5([]byte{2, 1, 0, 1, 0, 1, 1, 0, 0, '1'}, []byte{1, 0, 0, 0}), -1, "3 bytes of block sums"},
		{"v5 Rice unary run to the end", sealed5([]byte{2, 1, 0, 1, 0, 1, 1, 0, 0, '1'}, []byte{0, 0, 0, 0, 0}), 1, "the Rice-coded steps end inside the numeric step"},
		{"v5 Rice low bits cut short", sealed5([]byte{2, 1, 9, 1, 0, 1, 1, 0, 0, '1'}, []byte{1, 0, 0, 0, 0}), 1, "the Rice-coded steps end inside the numeric step"},
		{"v5 Rice quotient overflows", sealed5([]byte{2, 1, 63, 1, 0, 1, 1, 0, 0, '1'}, []byte{0b100, 0, 0, 0, 0}), 1, "a Rice-coded numeric step that overflows 64 bits"},
		{"v5 Rice step overflows", sealed5([]byte{2, 1, 63, 9, 0, 1, 1, 0, 0, '1'}, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0}), 1, "a Rice-coded numeric step that overflows 64 bits"},
		{"v5 Rice step past the width", sealed5([]byte{2, 1, 0, 2, 0, 1, 1, 0, 0, '1'}, []byte{0, 0b10, 0, 0, 0, 0}), 1, "past the 1 digits"},
		{"v5 Rice step past 18 digits", sealed5(append([]byte{2, 1, 59, 8, 0, 1, 18, 0, 0}, bytes.Repeat([]byte{'0'}, 18)...), []byte{0b1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), 1, "past the 18 digits"},
		{"v5 Rice bytes left over", sealed5([]byte{2, 1, 0, 2, 0, 1, 1, 0, 0, '1'}, []byte{1, 0, 0, 0, 0, 0}), -1, "15 bits of the Rice-coded steps are left after the last step"},
		{"v5 Rice code without steps", sealed5([]byte{1, 1, 0, 1, 0, 1, 0, 'a'}, []byte{0, 0, 0, 0, 0}), -1, "8 bits of the Rice-coded steps are left"},
		{"v5 Rice padding set", sealed5([]byte{2, 1, 0, 1, 0, 1, 1, 0, 0, '1'}, []byte{0b11, 0, 0, 0, 0}), -1, "padding bits are not 0"},
		{"v5 uvarint step 0", sealed5([]byte{2, 0, 0, 1, 1, 0, 0, 0, '1'}, make([]byte, 4)), 1, "a numeric step that is 0"},
		{"v5 uvarint step truncated", sealed5([]byte{2, 0, 0, 1, 1, 0, 0x80}, make([]byte, 4)), 1, "ends inside the numeric step"},
		// Version 3: count, starts (doubled, +1 numeric), rest lengths, numeric steps, rests.
		{"v3 numeric first entry", sealed3([]byte{1, 1, 1, 1, 'a'}, make([]byte, 4)), 0, "where the previous key has no digit"},
		{"v3 numeric where prev has no digit", sealed3([]byte{2, 0, 3, 1, 0, 1, 'a'}, make([]byte, 8)), 1, "where the previous key has no digit"},
		{"v3 numeric step truncated", sealed3([]byte{2, 0, 1, 1, 0, 0x80}, make([]byte, 8)), 1, "ends inside the numeric step"},
		{"v3 numeric step 0", sealed3([]byte{2, 0, 1, 1, 0, 0, '1'}, make([]byte, 8)), 1, "a numeric step that is 0"},
		{"v3 numeric step past the width", sealed3([]byte{2, 0, 1, 1, 0, 9, '1'}, make([]byte, 8)), 1, "past the 1 digits"},
		{"v3 numeric step overflows", sealed3(append([]byte{2, 0, 1, 18, 0}, append(bytes.Repeat([]byte{0xff}, 9), 0x01, '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1', '1')...), make([]byte, 8)), 1, "past the 18 digits"},
		{"v3 numeric run too wide", sealed3(append([]byte{2, 0, 1, 19, 0, 1}, bytes.Repeat([]byte{'1'}, 19)...), make([]byte, 8)), 1, "a run of 19 digits"},
		{"v3 starts beyond the previous key", sealed3([]byte{2, 0, 4, 1, 1, 'a', 'b'}, make([]byte, 8)), 1, "shares 2 bytes with a previous key of 1 bytes"},
		{"v3 start too long", sealed3([]byte{1, 0x82, 0x40, 1, 'a'}, make([]byte, 4)), 0, "a shared prefix length of 4097 bytes"},
		{"v3 unsorted", sealed3([]byte{2, 0, 0, 1, 1, '2', '1'}, make([]byte, 8)), 1, `key "1" is not after the previous key "2"`},
		{"v3 key too long after a step", sealed3(append(append([]byte{2, 0, 0xff, 0x3f, 0x80, 0x20, 1, 1}, bytes.Repeat([]byte{'k'}, 4095)...), '1', 'k'), make([]byte, 8)), 1, "a 4097-byte key ID"},
	} {
		l, err := Decode(tc.in)
		var de *DecodeError
		if !errors.As(err, &de) {
			t.Errorf("%s: Decode = %v entries, %v; want a *DecodeError", tc.name, l.Len(), err)
			continue
		}
		if l != nil || de.Entry != tc.entry || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode error %q at entry %d; want %q at entry %d", tc.name, err, de.Entry, tc.want, tc.entry)
		}
	}
}

// flipLast flips the last bit of b.
func flipLast(b []byte) []byte {
	b[len(b)-1] ^= 1
	return b
}

// TestEncodeStringIsJSON checks that EncodeString needs no escaping as a JSON string, and that
// it and the ASCII85 and base64 strings earlier providers wrote read back.
func TestEncodeStringIsJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	ledgers := []*Ledger{nil}
	for _, tc := range roundTripCases {
		ledgers = append(ledgers, build(tc.entries...))
	}
	for range 50 {
		var es []Entry
		for range r.IntN(300) {
			k := make([]byte, 1+r.IntN(40))
			for i := range k {
				k[i] = byte(r.Uint32())
			}
			es = append(es, Entry{string(k), r.Uint32(), true})
		}
		ledgers = append(ledgers, build(es...))
	}
	for _, l := range ledgers {
		s := l.EncodeString()
		if strings.ContainsAny(s, `"\`) || strings.ContainsFunc(s, func(c rune) bool { return c < ' ' || c > 0x7f }) {
			t.Fatalf("EncodeString %q holds a character JSON escapes", s)
		}
		var fromJSON string
		if !json.Valid(l.JSONString()) || json.Unmarshal(l.JSONString(), &fromJSON) != nil || fromJSON != s || string(l.JSONString()) != `"`+s+`"` {
			t.Fatalf("JSONString %s is not the JSON string of %q", l.JSONString(), s)
		}
		for _, in := range []string{s, encodeASCII85(l.Encode()), base64.StdEncoding.EncodeToString(l.Encode())} {
			got, err := DecodeString(in)
			if err != nil || !sameLedger(got, l) {
				t.Fatalf("DecodeString(%.40q…) = %s, %v; want %s", in, show(entries(got)), err, show(entries(l)))
			}
		}
	}
}

func TestDecodeStringErrors(t *testing.T) {
	t.Parallel()
	l := build(Entry{"a", 1, true})
	good, good85 := l.EncodeString(), encodeASCII85(l.Encode())
	for _, in := range []string{
		"not base64!", "AAAA", "b94:", "b94:" + good[5:], good[:len(good)-2], good[:len(good)-11], good + "~",
		"ascii85:~~~~", "ascii85:" + good85[9:], good85[:len(good85)-3],
	} {
		var de *DecodeError
		if _, err := DecodeString(in); !errors.As(err, &de) {
			t.Errorf("DecodeString(%q) = %v, want a *DecodeError", in, err)
		}
	}
	var cause base64.CorruptInputError
	if _, err := DecodeString("not base64!"); !errors.As(err, &cause) {
		t.Errorf("DecodeString error %v does not wrap the base64 error", err)
	}
}

// TestDecodeCorruption flips bits all over a real encoding, in each coding of the steps: Decode
// must reject the result or read back the very same ledger (a flip in DEFLATE's padding bits
// changes nothing).
func TestDecodeCorruption(t *testing.T) {
	t.Parallel()
	var b Builder
	for i := range 100 {
		b.Add("8:S:user-"+string(rune('a'+i%26))+"N:"+string(rune('0'+i/26)), uint32(i)*2654435761)
	}
	l := b.Build()
	for _, coding := range []stepCoding{stepsUvarint, stepsRice} {
		good := l.encodeSteps(coding)
		accepted := 0
		for i := range good {
			for _, mask := range []byte{0x01, 0x10, 0x80, 0xff} {
				bad := slices.Clone(good)
				bad[i] ^= mask
				got, err := Decode(bad)
				if err != nil {
					continue
				}
				accepted++
				if !sameLedger(got, l) {
					t.Fatalf("coding %d, byte %d ^ %#x: Decode accepted corrupted data as a different ledger", coding, i, mask)
				}
			}
		}
		// Up to 7 padding bits end the stream: the 0x01, 0x10 and 0x80 flips of its last byte.
		if accepted > 3+len(good)/50 {
			t.Errorf("coding %d: %d of %d corruptions decoded (to the right ledger); expected only a few padding-bit flips", coding, accepted, 4*len(good))
		}
	}
}

// FuzzDecode checks that Decode never panics, and that whatever it accepts is a valid ledger
// (sorted, unique) that encodes and decodes to itself. Random bytes rarely get past DEFLATE and
// the checksum, so each input is also decoded as a payload: compressed and given a correct
// checksum, which takes the fuzzer straight to the entry parser.
func FuzzDecode(f *testing.F) {
	for _, tc := range roundTripCases {
		enc := build(tc.entries...).Encode()
		f.Add(enc)
		f.Add(enc[:len(enc)/2])
	}
	f.Add([]byte{})
	f.Add([]byte("garbage"))
	f.Add([]byte{1, 2, 0, 1, 'a', 0, 0, 0, 0, 0, 1, 'b', 0, 0, 0, 0})
	f.Add([]byte{1, 3, 0, 2, 'a', 'b', 0, 0, 0, 0, 1, 1, 'c', 0, 0, 0, 0, 2, 0, 1, 2, 3, 4})
	f.Add([]byte{1, 2, 0, 1, 'b', 0, 0, 0, 0, 0, 1, 'a', 0, 0, 0, 0})
	f.Add([]byte{2, 0})
	f.Add([]byte{2, 2, 0, 1, 1, 1, 'a', 'b', 0, 0, 0, 1, 0, 0, 0, 2})
	f.Add([]byte{2, 1, 0, 2, 'a', 'b', 0, 0, 0, 1})
	f.Add([]byte{3, 2, 0, 1, 2, 1, 3, '1', '9', 0, 0, 0, 1, 0, 0, 0, 2})
	f.Add(build(Entry{"S:order-0042", 1, true}, Entry{"S:order-0057", 2, true}, Entry{"S:order-0999", 3, true}).Encode())
	f.Add([]byte(build(Entry{"S:order-0042", 1, true}).EncodeString()))
	f.Add([]byte(encodeASCII85(build(Entry{"S:order-0042", 1, true}).Encode())))
	f.Add([]byte("b94:" + strings.Repeat("\x7f", 11) + "~~~~~~~~~~"))
	f.Add([]byte("b94:~~~~~~~~~~~~"))
	f.Add([]byte("b94:  \"~"))
	numeric := build(Entry{"S:order-0042", 1, true}, Entry{"S:order-0057", 2, true}, Entry{"S:order-0999", 3, true}, Entry{"S:order-1000x", 4, true})
	for _, coding := range []stepCoding{stepsUvarint, stepsRice} {
		enc := numeric.encodeSteps(coding)
		f.Add(enc)
		f.Add(v5Body(enc))
	}
	f.Add([]byte{5, 2, 1, 0, 1, 0, 1, 1, 0, 0, '1', 1, 0, 0, 0, 0, 5})
	f.Add([]byte{5, 2, 0, 0, 1, 1, 0, 1, 0, '1', 0, 0, 0, 0, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
		if l, err := DecodeString(string(data)); err != nil {
			var de *DecodeError
			if !errors.As(err, &de) || l != nil {
				t.Fatalf("DecodeString = %v, %v; want nil and a *DecodeError", l, err)
			}
		}
		// Base 94 reads a text back to one byte string at most, which encodes to that text.
		if s, ok := strings.CutPrefix(string(data), base94Prefix); ok {
			if b, err := decodeBase94(string(data), len(base94Prefix)); err == nil && encodeString(b) != string(data) {
				t.Fatalf("base 94 %q reads back as %x, which encodes to %q", s, b, encodeString(b))
			}
		}
		payload := binary.BigEndian.AppendUint32(slices.Clone(data), crc32.ChecksumIEEE(data))
		checkDecode(t, huffman(payload))
		// As a version 2 to 4 body: the last whole multiple of 4 bytes of the second half are
		// hashes or block sums.
		if len(data) > 0 && data[0] >= 2 && data[0] <= 4 {
			cut := len(data) - (len(data)/2)/4*4
			checkDecode(t, sealedFast(data[:cut], data[cut:]))
		}
		// As a version 5 body: the last byte counts the bytes before it that follow the
		// compressed payload, a Rice code and block sums.
		if len(data) > 1 && data[0] == 5 && int(data[len(data)-1]) < len(data) {
			cut := len(data) - 1 - int(data[len(data)-1])
			checkDecode(t, sealedFast(data[:cut], data[cut:len(data)-1]))
		}
	})
}

// v5Body is FuzzDecode's form of a version 5 encoding: its payload without the checksum, what
// follows the payload, and the length of that (at most 255 bytes).
func v5Body(enc []byte) []byte {
	src := bytes.NewReader(enc)
	payload, err := io.ReadAll(flate.NewReader(src))
	if err != nil || src.Len() > 255 {
		panic("v5Body: not a small encoding")
	}
	body := slices.Concat(payload[:len(payload)-crcBytes], enc[len(enc)-src.Len():])
	return append(body, byte(src.Len()))
}

// sealedFast is sealedBody with huffman's compression.
func sealedFast(body, tail []byte) []byte {
	p := binary.BigEndian.AppendUint32(slices.Clone(body), crc32.Update(crc32.ChecksumIEEE(body), crc32.IEEETable, tail))
	return append(huffman(p), tail...)
}

// huffman compresses p fast; any DEFLATE stream will do.
func huffman(p []byte) []byte {
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.HuffmanOnly)
	_, _ = w.Write(p)
	_ = w.Close()
	return z.Bytes()
}

func checkDecode(t *testing.T, data []byte) {
	t.Helper()
	l, err := Decode(data)
	if err != nil {
		var de *DecodeError
		if !errors.As(err, &de) || l != nil {
			t.Fatalf("Decode = %v, %v; want nil and a *DecodeError", l, err)
		}
		return
	}
	es := entries(l)
	if len(es) != l.Len() {
		t.Fatalf("All yields %d entries, Len is %d", len(es), l.Len())
	}
	for i := 1; i < len(es); i++ {
		if es[i-1].KeyID >= es[i].KeyID {
			t.Fatalf("entries %d and %d out of order: %q, %q", i-1, i, es[i-1].KeyID, es[i].KeyID)
		}
	}
	again, err := Decode(l.Encode())
	if err != nil || !sameLedger(again, l) {
		t.Fatalf("re-encoding a decoded ledger does not round-trip: %v", err)
	}
}

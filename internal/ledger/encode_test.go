package ledger

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"slices"
	"strings"
	"testing"
)

// roundTripCases are ledgers whose encoding must read back exactly.
var roundTripCases = []struct {
	name    string
	entries []Entry
}{
	{"empty", nil},
	{"one entry", []Entry{{"3:S:aN:1", 0xdeadbeef}}},
	{"binary bytes", []Entry{{"4:B:\x00\xffB:\x00", 1}, {"4:B:\x00\x00", 2}, {"3:B:\xff", 3}, {"\x00", 4}}},
	{"unicode", []Entry{{"11:S:日本語", 1}, {"6:S:🙂", 2}, {"4:S:éS:ü", 3}, {"3:S:e", 4}}},
	{"prefixes of each other", []Entry{{"a", 1}, {"ab", 2}, {"abc", 3}, {"abcd", 4}, {"abd", 5}, {"b", 6}}},
	{"an empty key first", []Entry{{"", 9}, {"x", 8}}},
	{"hash extremes", []Entry{{"a", 0}, {"b", 0xffffffff}}},
	{"the longest key allowed", []Entry{{strings.Repeat("k", MaxKeyIDLen), 1}, {strings.Repeat("k", MaxKeyIDLen-1) + "l", 2}}},
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
		if !slices.Equal(entries(got), entries(l)) || got.Len() != len(tc.entries) {
			t.Errorf("%s: round trip = %s, want %s", tc.name, show(entries(got)), show(entries(l)))
		}
		gotS, err := DecodeString(l.EncodeString())
		if err != nil || !slices.Equal(entries(gotS), entries(l)) {
			t.Errorf("%s: string round trip = %s, %v; want %s", tc.name, show(entries(gotS)), err, show(entries(l)))
		}
		if !bytes.Equal(l.Encode(), got.Encode()) {
			t.Errorf("%s: re-encoding the decoded ledger gives different bytes", tc.name)
		}
	}
}

func TestEncodeLayout(t *testing.T) {
	t.Parallel()
	// The format, spelled out: version, count, the shared lengths, the suffix lengths, the
	// suffixes and the checksum, compressed; then the hashes as they are.
	l := build(Entry{"3:S:a", 0x01020304}, Entry{"3:S:b", 0x0a0b0c0d}, Entry{"4:S:bc", 0xffffffff})
	payload := []byte{2, 3, 0, 4, 0, 5, 1, 6, '3', ':', 'S', ':', 'a', 'b', '4', ':', 'S', ':', 'b', 'c'}
	hashes := []byte{1, 2, 3, 4, 10, 11, 12, 13, 0xff, 0xff, 0xff, 0xff}
	payload = binary.BigEndian.AppendUint32(payload, crc32.Update(crc32.ChecksumIEEE(payload), crc32.IEEETable, hashes))
	enc := l.Encode()
	src := bytes.NewReader(enc)
	got, err := io.ReadAll(flate.NewReader(src))
	if err != nil {
		t.Fatalf("inflate: %v", err)
	}
	if !bytes.Equal(got, payload) {
		t.Errorf("payload = %v, want %v", got, payload)
	}
	if rest := enc[len(enc)-src.Len():]; !bytes.Equal(rest, hashes) {
		t.Errorf("after the compressed payload: %v, want the hashes %v", rest, hashes)
	}
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
	want := []Entry{{"3:S:a", 0x01020304}, {"3:S:b", 0x0a0b0c0d}, {"4:S:bc", 0xffffffff}}
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

// sealed2 is a hand-made version 2 encoding: the body compressed with a checksum that also
// covers hashes, then hashes.
func sealed2(body, hashes []byte) []byte {
	p := append([]byte{2}, body...)
	p = binary.BigEndian.AppendUint32(p, crc32.Update(crc32.ChecksumIEEE(p), crc32.IEEETable, hashes))
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
		{"unknown version", sealed(3, 0), -1, "format version 3, but this provider reads only versions 1 and 2"},
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

func TestDecodeStringErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"not base64!", build(Entry{"a", 1}).EncodeString()[:8], "AAAA"} {
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

// TestDecodeCorruption flips bits all over a real encoding: Decode must reject the result or
// read back the very same ledger (a flip in DEFLATE's padding bits changes nothing).
func TestDecodeCorruption(t *testing.T) {
	t.Parallel()
	var b Builder
	for i := range 100 {
		b.Add("8:S:user-"+string(rune('a'+i%26))+"N:"+string(rune('0'+i/26)), uint32(i)*2654435761)
	}
	l := b.Build()
	want := entries(l)
	good := l.Encode()
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
			if !slices.Equal(entries(got), want) {
				t.Fatalf("byte %d ^ %#x: Decode accepted corrupted data as a different ledger", i, mask)
			}
		}
	}
	if accepted > len(good)/50 {
		t.Errorf("%d of %d corruptions decoded (to the right ledger); expected only a few padding-bit flips", accepted, 4*len(good))
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
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
		payload := binary.BigEndian.AppendUint32(slices.Clone(data), crc32.ChecksumIEEE(data))
		checkDecode(t, huffman(payload))
		// As a version 2 body: the last whole multiple of 4 bytes of the second half are hashes.
		if len(data) > 0 && data[0] == 2 {
			cut := len(data) - (len(data)/2)/4*4
			body, hashes := data[:cut], data[cut:]
			p := binary.BigEndian.AppendUint32(slices.Clone(body), crc32.Update(crc32.ChecksumIEEE(body), crc32.IEEETable, hashes))
			checkDecode(t, append(huffman(p), hashes...))
		}
	})
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
	if err != nil || !slices.Equal(entries(again), es) {
		t.Fatalf("re-encoding a decoded ledger does not round-trip: %v", err)
	}
}

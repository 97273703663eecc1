package loader

import "testing"

func TestBitmapRoundTrip(t *testing.T) {
	t.Parallel()
	var b Bitmap
	seqs := []uint64{0, 1, 63, 64, 1000, 999_999}
	for _, s := range seqs {
		b.Set(s)
	}
	enc := b.Encode()
	got, err := DecodeBitmap(enc)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range seqs {
		if !got.Has(s) {
			t.Errorf("decoded bitmap lost %d", s)
		}
	}
	if got.Has(2) || got.Has(1_000_000) || got.Len() != len(seqs) {
		t.Fatalf("decoded bitmap has %d members", got.Len())
	}
	if len(enc) > 2000 {
		t.Fatalf("a sparse million-bit bitmap encodes to %d bytes; it should compress", len(enc))
	}
	if _, err := DecodeBitmap("not base64!"); err == nil {
		t.Fatal("want an error for garbage")
	}
}

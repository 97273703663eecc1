package loader

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"fmt"

	"github.com/ddbload/terraform-provider-ddbload/internal/loader/source"
)

// Validated is the dataset as Validate found it, without writing anything: what it holds and
// costs, and what the write pass needs to write it (the duplicate losers, the records in
// place, the fingerprint of the bytes validated).
type Validated struct {
	Records    int64 // records read
	Items      int64 // items to write: Records less Duplicates
	Duplicates int64 // records dropped by the last_wins or first_wins policy
	Bytes      int64 // Σ item size of Items
	WriteUnits int64 // Σ WCU of Items: what one full load costs
	// Digest identifies the content: the same items and key schema give the same digest on
	// every machine, in any order; any change of an item or a key option changes it.
	Digest string
	Keys   KeyStats
	Files  []string

	losers    *Bitmap           // records that lose a duplicate contest
	unchanged *Bitmap           // records in place (WithUnchanged): not written
	files     [sha256.Size]byte // the source's Fingerprint: the write pass reads the same bytes
	stripes   source.Stripes    // where an interleaving write pass starts reading; none: one stripe
}

// Dropped tells whether the record with sequence number seq loses a duplicate contest: it is
// read but never written.
func (v *Validated) Dropped(seq uint64) bool { return v.losers.Has(seq) }

// FilesFingerprint is the SHA-256 of the bytes validated (source.Fingerprint of the files).
func (v *Validated) FilesFingerprint() [sha256.Size]byte { return v.files }

// Stripes is how many stripes an interleaving write pass reads at once (1: the file order).
func (v *Validated) Stripes() int { return max(1, len(v.stripes.List)) }

// Unchanged tells whether the record with sequence number seq is already in place
// (WithUnchanged): the write pass skips it.
func (v *Validated) Unchanged(seq uint64) bool { return v.unchanged.Has(seq) }

// WithUnchanged is v with the records of unchanged (by sequence number) in place, as an
// update finds them from its ledger: the write pass skips them. v is not modified.
func (v *Validated) WithUnchanged(unchanged *Bitmap) *Validated {
	w := *v
	w.unchanged = unchanged
	return &w
}

// FilesUnchanged tells whether spec's files are still, byte for byte, the ones validated into
// v. It hashes them without decoding. A load that stopped before its write pass reached the
// end (and made the same check) learns from it whether what it wrote is what was validated.
func (v *Validated) FilesUnchanged(spec source.Spec) (bool, error) {
	f, err := source.Fingerprint(spec)
	return err == nil && f == v.files, err
}

// planWire is a Validated with its unexported parts, as MarshalBinary stores it. Its name is
// from when Validated was called Plan, and stays: gob writes the type's name into the bytes,
// which the validation cache stores, and a new name would change them for nothing.
type planWire struct {
	Records, Items, Duplicates, Bytes, WriteUnits int64
	Digest                                        string
	Keys                                          KeyStats
	Files                                         []string
	Losers, Unchanged                             string // Bitmap.Encode
	FilesFingerprint                              [sha256.Size]byte
	// Stripes came later: gob leaves it empty in what older versions stored (one stripe), and
	// they skip it.
	Stripes source.Stripes
}

// MarshalBinary stores v, so that a later process can write the dataset it describes without
// validating it again (the write pass still checks it reads the bytes validated).
func (v *Validated) MarshalBinary() ([]byte, error) {
	w := planWire{Records: v.Records, Items: v.Items, Duplicates: v.Duplicates, Bytes: v.Bytes, WriteUnits: v.WriteUnits,
		Digest: v.Digest, Keys: v.Keys, Files: v.Files, Losers: v.losers.Encode(), Unchanged: v.unchanged.Encode(),
		FilesFingerprint: v.files, Stripes: v.stripes}
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(&w)
	return b.Bytes(), err
}

// UnmarshalBinary reads what MarshalBinary stored.
func (v *Validated) UnmarshalBinary(data []byte) error {
	var w planWire
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return fmt.Errorf("reading a stored validated dataset: %w", err)
	}
	losers, err := DecodeBitmap(w.Losers)
	if err != nil {
		return err
	}
	unchanged, err := DecodeBitmap(w.Unchanged)
	if err != nil {
		return err
	}
	*v = Validated{Records: w.Records, Items: w.Items, Duplicates: w.Duplicates, Bytes: w.Bytes, WriteUnits: w.WriteUnits,
		Digest: w.Digest, Keys: w.Keys, Files: w.Files, losers: losers, unchanged: unchanged, files: w.FilesFingerprint,
		stripes: w.Stripes}
	return nil
}

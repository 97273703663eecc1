package loader

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"fmt"
)

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
}

// MarshalBinary stores v, so that a later process can write the dataset it describes without
// validating it again (the write pass still checks it reads the bytes validated).
func (v *Validated) MarshalBinary() ([]byte, error) {
	w := planWire{Records: v.Records, Items: v.Items, Duplicates: v.Duplicates, Bytes: v.Bytes, WriteUnits: v.WriteUnits,
		Digest: v.Digest, Keys: v.Keys, Files: v.Files, Losers: v.losers.Encode(), Unchanged: v.unchanged.Encode(),
		FilesFingerprint: v.files}
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
		Digest: w.Digest, Keys: w.Keys, Files: w.Files, losers: losers, unchanged: unchanged, files: w.FilesFingerprint}
	return nil
}

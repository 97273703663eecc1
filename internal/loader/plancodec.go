package loader

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"fmt"
)

// planWire is a Plan with its unexported parts, as MarshalBinary stores it.
type planWire struct {
	Records, Items, Duplicates, Bytes, WriteUnits int64
	Digest                                        string
	Keys                                          KeyStats
	Files                                         []string
	Losers, Unchanged                             string // Bitmap.Encode
	FilesFingerprint                              [sha256.Size]byte
}

// MarshalBinary stores the plan, so that a later process can write the dataset it describes
// without validating it again (the write pass still checks it reads the bytes validated).
func (p *Plan) MarshalBinary() ([]byte, error) {
	w := planWire{Records: p.Records, Items: p.Items, Duplicates: p.Duplicates, Bytes: p.Bytes, WriteUnits: p.WriteUnits,
		Digest: p.Digest, Keys: p.Keys, Files: p.Files, Losers: p.losers.Encode(), Unchanged: p.unchanged.Encode(),
		FilesFingerprint: p.files}
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(&w)
	return b.Bytes(), err
}

// UnmarshalBinary reads what MarshalBinary stored.
func (p *Plan) UnmarshalBinary(data []byte) error {
	var w planWire
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return fmt.Errorf("reading a stored plan: %w", err)
	}
	losers, err := DecodeBitmap(w.Losers)
	if err != nil {
		return err
	}
	unchanged, err := DecodeBitmap(w.Unchanged)
	if err != nil {
		return err
	}
	*p = Plan{Records: w.Records, Items: w.Items, Duplicates: w.Duplicates, Bytes: w.Bytes, WriteUnits: w.WriteUnits,
		Digest: w.Digest, Keys: w.Keys, Files: w.Files, losers: losers, unchanged: unchanged, files: w.FilesFingerprint}
	return nil
}

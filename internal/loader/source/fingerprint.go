package source

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash"
	"io"
	"os"
)

// Fingerprint reads spec's files as stored, without decoding them, and returns the
// fingerprint a Reader over spec has once it has read them all: a caller holding an earlier
// reading's fingerprint learns whether any file changed since, at the cost of hashing them.
func Fingerprint(spec Spec) ([sha256.Size]byte, error) {
	return sumFiles(spec, hashFile)
}

// sumFiles is the SHA-256 of spec's files: each object as writeObject writes it, inline items
// as their name and text, and each local file as its name and then what local writes of it.
func sumFiles(spec Spec, local func(hash.Hash, dataFile) error) ([sha256.Size]byte, error) {
	var f [sha256.Size]byte
	files, err := resolve(&spec)
	if err != nil {
		return f, err
	}
	sum := sha256.New()
	for _, df := range files {
		if df.obj != nil {
			writeObject(sum, df.obj)
			continue
		}
		writeName(sum, df.name)
		if df.inline {
			_, _ = io.WriteString(sum, spec.Inline)
			continue
		}
		if err := local(sum, df); err != nil {
			return f, err
		}
	}
	sum.Sum(f[:0])
	return f, nil
}

func hashFile(h hash.Hash, f dataFile) error {
	file, err := f.open(0, -1)
	if err != nil {
		return err
	}
	defer file.Close()
	_, err = io.Copy(h, file)
	return err
}

// writeObject is an object's part of a fingerprint: its name, size and ETag, which change
// when its content does, so that telling whether it changed needs no reading of it. A reading
// asks the store for the object of that ETag (ObjectStore.Read), so the bytes it reads are
// those the fingerprint names.
func writeObject(h hash.Hash, o *Object) {
	writeName(h, o.Name())
	_, _ = h.Write(binary.BigEndian.AppendUint64(nil, uint64(o.Size)))
	writeName(h, o.ETag)
}

// writeName starts a file's part of a fingerprint: its name, length first, so that a name
// and the bytes after it cannot pass for another name and other bytes.
func writeName(h hash.Hash, name string) {
	_, _ = h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(name)))) // a hash.Hash never fails to write
	_, _ = io.WriteString(h, name)
}

// Stamp identifies spec's files by what is known of them without reading them: their names,
// and each file's size and modification time (objects and inline items as Fingerprint writes
// them). A file rewritten in place with both kept keeps its stamp, so whoever trusts a stamp
// must still check the bytes it reads. false if a file cannot be found or is not a regular
// file.
func Stamp(spec Spec) ([sha256.Size]byte, bool) {
	s, err := sumFiles(spec, func(h hash.Hash, df dataFile) error {
		info, err := os.Stat(df.path)
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return errNotRegular
		}
		_, _ = h.Write(binary.BigEndian.AppendUint64(nil, uint64(info.Size())))
		_, _ = h.Write(binary.BigEndian.AppendUint64(nil, uint64(info.ModTime().UnixNano())))
		return nil
	})
	return s, err == nil
}

var errNotRegular = errors.New("not a regular file")

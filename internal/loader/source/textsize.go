package source

import (
	"encoding/binary"
)

// textSize is how many bytes of text file f holds, as far as can be told without reading it:
// its size, or for gzip the uncompressed size its trailer records. The trailer holds that size
// modulo 4 GiB, and only the last member's when the file has several (bgzip, pigz -i), so it is
// a hint: the stripes it places are as valid, only less even. It is 0 for a file that cannot
// be read; the reading reports why.
func textSize(f dataFile) int64 {
	stored := f.storedSize()
	if stored < 0 {
		return 0
	}
	var head [2]byte
	var tail [4]byte
	if stored < 18 || !f.readAt(head[:], 0) || head != [2]byte{0x1f, 0x8b} || !f.readAt(tail[:], stored-4) {
		return stored
	}
	// Text much shorter than its gzip means a size past 4 GiB or a last member smaller than
	// the others (JSON compresses well; gzip grows what does not by a few bytes): then the
	// stored size is the better guess.
	isize := int64(binary.LittleEndian.Uint32(tail[:]))
	if isize < stored-stored/8 {
		return stored
	}
	return isize
}

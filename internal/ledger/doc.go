// Package ledger is the compact record of the items a dataset load wrote: for every item, its
// primary key (keys.Key.ID()) and a 32-bit hash of its content (ContentHash of
// loader.CanonicalBytes). The dataset resource keeps it in its private state, so that an
// update can delete the items the new dataset no longer has, write only new and changed items
// (Find, Lookup), and check a deterministic sample of items for drift (Sample, Lookup), all without
// the old source files. ParseKeyID and KeyItem turn a ledger key back into the key attributes
// of a DeleteRequest or BatchGetItem.
//
// A Ledger is immutable and sorted by KeyID; a Builder makes one from entries in any order.
// Lookup and Find use a hash index built on first use. Encode writes the KeyIDs in columns
// (each KeyID's prefix shared with the previous one left out, and a number that climbs from
// one KeyID to the next written as its step) DEFLATE-compressed with a format version and a
// CRC-32, then the hashes (the layout is in encode.go); EncodeString writes that as a string
// JSON takes without escapes (string.go). Decode reads this format and the two before it,
// checks every rule of each and fails with a *DecodeError, never a panic.
//
// # Size
//
// Measured by TestLedgerSizeAtAMillion, for a million entries:
//
//	key shape (KeyID length)                             encoded      as a string
//	"S:user-000123" + "N:1700000000123" (31 bytes)        7.4 B/entry   9.3 MB
//	"S:cust-01234" + "S:order-00000042" (31 bytes)        6.4 B/entry   8.0 MB
//	"S:7#tenant-42" + "S:order-00000042" (33 bytes)       4.0 B/entry   5.0 MB
//	"S:" + random UUID, no sort key (41 bytes)           21.5 B/entry  26.9 MB
//
// Four bytes of every entry are its hash, which does not compress; structured keys cost one
// to four bytes more, random keys about their entropy (16 bytes for a UUID) plus framing. The
// test fails if the structured shapes reach 16 bytes per entry or the UUIDs 32.
//
// In memory, a Ledger takes len(KeyID) + 12 bytes per entry (about 43 MB for the first shape
// at a million), and its index 12 to 24 bytes more once used. A Builder takes 32 bytes per entry
// plus the KeyID strings it is given, until it is dropped. Decode additionally holds the
// decompressed payload (2 to 22 bytes per entry for the shapes above) while it reads, and
// refuses a payload over 1 GiB, a KeyID over MaxKeyIDLen or KeyIDs over 4 GiB in total, so no
// input can demand unbounded memory.
package ledger

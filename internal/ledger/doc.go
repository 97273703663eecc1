// Package ledger is the compact record of the items a dataset load wrote: every item's
// primary key (keys.Key.ID()) and, for each block of about BlockSpan neighbouring keys, a
// 32-bit sum of their items' content hashes (ItemSum of the key and ContentHash of
// loader.CanonicalBytes). The dataset resource keeps it in its private state, so that an update
// can delete the items the new dataset no longer has and write only new and changed items
// (Find, Blocks: a block whose sum the new items reproduce is in place; the items of the other
// blocks are read back from the table), and check a deterministic sample of blocks for drift
// (SampleBlocks), all without the old source files. ParseKeyID and KeyItem turn a ledger key
// back into the key attributes of a DeleteRequest or BatchGetItem.
//
// A block begins at a key whose hash says so, not at a position, so adding or removing a key
// changes only its own block. A ledger built from items (Builder, FromFlat) knows each item's
// hash and sums the blocks from them; one decoded from a state knows the block sums alone. A
// block with an item of unknown content (a stopped load may or may not have replaced it) is
// unknown: the next update reads all of its items back.
//
// A Ledger is immutable and sorted by KeyID; a Builder makes one from entries in any order.
// Find uses a hash index built on first use. Encode writes the KeyIDs in columns (each KeyID's
// prefix shared with the previous one left out, and a number that climbs from one KeyID to the
// next written as its step) DEFLATE-compressed with a format version and a CRC-32, then the
// steps as a Rice code when that is smaller than DEFLATE makes them (rice.go), then the block
// sums (the layout is in encode.go); EncodeString writes that as a string JSON takes without
// escapes (string.go). Decode reads this format and the four before it (the last of which
// always compressed the steps, and the three before that held item hashes), checks every rule
// of each and fails with a *DecodeError, never a panic.
//
// # Size
//
// Measured by TestLedgerSizeAtAMillion, for a million entries:
//
//	key shape (KeyID length)                             encoded      as a string
//	"S:user-000123" + "N:1700000000123" (31 bytes)        3.4 B/entry   4.2 MB
//	"S:cust-01234" + "S:order-00000042" (31 bytes)        2.2 B/entry   2.7 MB
//	"S:7#tenant-42" + "S:order-00000042" (33 bytes)       0.2 B/entry   0.2 MB
//	"S:" + random UUID, no sort key (41 bytes)           17.6 B/entry  21.5 MB
//
// The block sums take an eighth of a byte per entry; the rest is the keys: structured keys
// cost about the entropy of what changes from one to the next, random keys about their
// entropy (16 bytes for a UUID) plus framing. The test fails if the structured shapes reach 8
// bytes per entry or the UUIDs 24.
//
// In memory, a Ledger takes len(KeyID) + 12 bytes per entry (about 43 MB for the first shape
// at a million; 4 fewer when decoded, without item hashes), its blocks 24 bytes per block,
// and its index 12 to 24 bytes per entry more once used. A Builder takes 32 bytes per entry
// plus the KeyID strings it is given, until it is dropped. Decode additionally holds the
// decompressed payload (2 to 34 bytes per entry for the shapes above) and 8 bytes per numeric
// step while it reads, and refuses a payload over 1 GiB, a KeyID over MaxKeyIDLen or KeyIDs over
// 4 GiB in total, so no input can demand unbounded memory.
package ledger

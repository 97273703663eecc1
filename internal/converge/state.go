package converge

import (
	"crypto/sha256"

	"github.com/ddbload/terraform-provider-ddbload/internal/ledger"
	"github.com/ddbload/terraform-provider-ddbload/internal/loader"
)

// State is what one apply leaves for the next one, and for destroy. The zero value is the
// state of a dataset never loaded.
type State struct {
	// Ledger holds the key and content hash of every item of the dataset that the table holds
	// as written: acknowledged by DynamoDB and not deleted since.
	Ledger *ledger.Ledger
	// Unconfirmed holds the keys of items a stopped load had sent without DynamoDB
	// acknowledging them (their hashes mean nothing): each may be in the table, with any
	// content. The next apply writes those the dataset has and deletes the others; destroy
	// deletes them all.
	Unconfirmed *ledger.Ledger
	// Resume is set after a stopped load whose writes match what was validated: the next
	// apply of the same dataset skips the records it lists.
	Resume *Resume
	// Drifted means the table's copy cannot be trusted item by item (refresh found items
	// missing or changed, or a load's files changed under it): the next apply writes every
	// item instead of only new and changed ones.
	Drifted bool
}

// Resume is the resume point of a stopped load: the dataset it was loading (its content
// digest, and the fingerprint of the files' bytes, since records are told by their position in
// them) and the records (by sequence number) DynamoDB acknowledged.
type Resume struct {
	Digest string
	Files  [sha256.Size]byte
	Acked  *loader.Bitmap
}

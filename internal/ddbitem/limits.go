package ddbitem

// DynamoDB limits (the BatchWriteItem and capacity unit limits of the DynamoDB developer guide).
const (
	MaxItemBytes         = 400 * 1024       // one item, attribute names and values
	MaxBatchItems        = 25               // put/delete requests per BatchWriteItem
	MaxBatchBytes        = 16 * 1024 * 1024 // one BatchWriteItem request
	MaxPartitionKeyBytes = 2048
	MaxSortKeyBytes      = 1024
	MaxNumberDigits      = 38 // significant digits of a Number
	// MaxDepth is how deeply lists and maps may nest: an item's top-level attribute is depth 1.
	MaxDepth       = 32
	WriteUnitBytes = 1024 // one WCU writes up to 1 KB
)

// Package ddbitem holds DynamoDB's item rules in one place: limits, item size and write-unit
// math, and exact number validation. The loader's batcher, the plan-time estimates, the stats
// and the capacity simulator all use these functions, so they always agree.
package ddbitem

//go:build race

package ledger

// raceEnabled reports a -race build, whose instrumentation makes large tests slow.
const raceEnabled = true

// Package reliability holds the reliability suite, the proof that a load under faults ends
// with the table equal to the dataset: whole loads through
// the capacity simulator (package sim, in front of dynalite) with injected faults, checked by
// a full scan against the dataset: nothing lost, nothing extra, every attribute exact. The tests use the
// provider's own SDK client (package awsclient), so its retry and transport settings are the
// ones under test. The suite is plain go test, run by `make test`. It is part of the test rig
// (internal/testrig), not the shipped provider.
//
// The bad-input catalogue lives in internal/loader (catalogue_test.go) and the parser fuzzing
// in scripts/fuzz.sh; they are not repeated here.
package reliability

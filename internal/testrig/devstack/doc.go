// Package devstack runs the project's local DynamoDB-compatible test stack: a dynalite server
// on 127.0.0.1 (scripts/dynalite.js, installed with `npm ci`) and helpers that create and
// delete tables of every shape the provider must handle. Tests, `make demo` and benchmarks use
// it. It is part of the test rig (internal/testrig), not the shipped provider.
package devstack

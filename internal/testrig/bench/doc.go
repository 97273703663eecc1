// Package bench is the benchmark harness behind `make bench`, which reports throughput as a
// ratio against the physical limit and against peers: it runs
// the loader and its peers against the capacity simulator (package sim) on 127.0.0.1 and
// prints tables. It measures; it asserts nothing about speed. It is part of the test rig
// (internal/testrig), not the shipped provider.
//
// Every loader runs in a child process of its own (ours and the naive Go loader through
// `ddbload-bench load`, boto3 and the AWS CLI through scripts/), so each one's CPU time and
// peak RSS are its own, and the simulator, which serves them all, stays in the harness
// process. The simulator is wrapped to count, from the server side and identically for every
// loader, the BatchWriteItem calls, the throttled ones (a whole-call throttling exception or
// any item returned in UnprocessedItems) and the span from the first call to the last answer.
//
// The physical limit of a load (issue 7) is R_phys = ΣWCU / T_phys with
// T_phys = max(hottest partition's WCU / partition WCU/s, ΣWCU / table cap): no client can
// finish sooner, because the hottest partition must absorb its share at its own rate. The
// per-partition WCU come from the simulator's timeline, which records every admitted write.
package bench

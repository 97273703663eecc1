// Package converge makes a table hold exactly one dataset, starting from what earlier applies
// left behind. It is the engine of the dataset resource, in plain Go: the provider maps its
// model onto Params and its private state onto State, and nothing else.
//
// Apply validates the dataset, writes its new and changed items (all of them when the table's
// copy cannot be trusted), skips what an interrupted load of the same dataset already wrote,
// deletes the items the dataset no longer has, and returns the State the next apply (or
// destroy) starts from. It returns that State whatever stops the load, so nothing it may have
// written is forgotten: acknowledged items go to the ledger, items sent without an answer to
// Unconfirmed, which the next apply rewrites or deletes and destroy deletes.
package converge

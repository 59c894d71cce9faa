// Package node owns one opdis server as a sans-IO state machine: the
// keyspace, the command table, clients and their buffers, blocking
// operations, transactions, pub/sub, INFO/CONFIG and expiry.
//
// A Node never blocks and never touches the world directly. It is driven by
// calls — a connection arrives (Connect), bytes arrive (Feed), a connection
// closes (Disconnect), time passes (Tick) — and it answers by queueing bytes
// on connections (TakeOutput, Pending). The clock, the random source and
// (later) the file system and dialer come from Env. The same code runs under
// the simulator and in the production server; the server serializes calls
// under one lock.
package node

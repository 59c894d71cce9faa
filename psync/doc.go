// Package psync owns the replication protocol's pure core (DESIGN §5):
//
//   - the replication ids and offsets of Redis PSYNC2 (ReplState): replid,
//     replid2, second_repl_offset, master_repl_offset, and the backlog's
//     life (creation, resize, repl-backlog-ttl);
//   - the backlog (Backlog): the last repl-backlog-size bytes of the
//     stream, in chunks, read from any offset it still holds by Readers
//     that stream without copying;
//   - the master's side of a sync: parsing PSYNC and REPLCONF and deciding,
//     in order, CONTINUE from the backlog, AOFCONTINUE from the AOF
//     (ApsaraCache's AOF psync, guarded by the epoch log-matching rule) or
//     FULLRESYNC, with the exact reply bytes (Decide);
//   - the replica's side: the handshake state machine from PING to a
//     connected stream, including the RDB transfer in both framings
//     (Handshake).
//
// Like etcd's raft it does no I/O, reads no clock and starts no goroutine:
// the node feeds it bytes, times and randomness and carries out what it
// returns.
package psync

// Package aofbinlog owns opdis's multi-file AOF binlog (DESIGN §4): the
// appendonly-inc-*.aof files and the two index files that describe them
// (aof-inc.index and rdb.index), appending oplog entries under an fsync
// policy, splitting to a new file, purging old files behind their guards,
// finding an op id (index binary search, then a sparse per-file mark
// table, then a short forward scan), readers that stream entries from an
// op id across files, the start-up load (with torn-tail repair of the last
// file and point-in-time stop), and truncating a divergent tail.
//
// The package never touches the operating system itself: every disk call
// goes through the FS interface (fs.go), implemented by node/osenv for the
// real server and by sim/simfs (with crash and fault injection) for tests
// and the simulator. Time comes in as arguments. Nothing here starts a
// goroutine or keeps state that depends on map order, so a Log driven by the
// same calls on the same FS behaves identically every run.
//
// Entry bytes are the wire oplog framing (wire.AppendEntry / ParseEntry):
// one entry is `opinfo <header>` plus the command(s) it covers.
//
// Files in the data directory:
//
//	appendonly-inc-<unix>.aof      entries; -<k> suffix when a name is taken
//	aof-inc.index                  the AOF files, oldest first (IndexLine)
//	rdb.index                      snapshot and AOF position (RDBIndex)
//	appendonly-inc-<unix>.aof.marks  sparse-index cache of a closed file (marks.go)
//	tmp-aof-inc.index, tmp-rdb.index  atomic-rewrite temporaries
//
// Start-up sequence for the node: Open; load the snapshot rdb.index names;
// apply the entries of Load; Split(now). Then Append per write, SyncIfDue
// from cron (everysec), Split on aof-max-size / AOFFLUSH / before a
// snapshot / on role change, WriteRDBIndex after a snapshot, Purge or
// PurgeToSize from cron and PURGEAOFTO, NewReader for AOF psync and
// OPGET, HeaderOf for the log-matching check, TruncateFrom to drop a
// divergent tail. A full resync that changes history: Split, write the
// snapshot, WriteRDBIndex at the new live file, Purge everything before
// it (the log is then empty and accepts any op id), then Append.
package aofbinlog

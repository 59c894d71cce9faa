package node

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"opdis/aofbinlog"
	"opdis/sim/simfs"
	"opdis/wire"
)

// An applied entry cut short by a crash leaves its header alone at the end
// of the log: the restart must not count it in the applied-opid
// dictionary, or a consumer resuming from there skips the lost entry.
func TestLoneHeaderDoesNotAdvanceApplied(t *testing.T) {
	tc := newCluster(t)
	src := tc.add("src", "server-id", "863", "opget-master-min-slaves", "0")
	dst := tc.add("dst", "server-id", "985", "opget-master-min-slaves", "0")
	sid := src.connect()
	src.do(sid, "SET", "a", "1")
	src.do(sid, "SET", "b", "2")
	_, es := opget(t, src, sid, "1", "COUNT", "10")
	ap := dst.connect()
	dst.do(ap, "OPAPPLY")
	dst.send(ap, es[0]+es[1])
	if got := infoField(dst.tnode, dst.connect(), "oplog", "opapply_source_0"); got != "server_id=863,applied_opid=2" {
		t.Fatalf("before the crash: %q", got)
	}
	last := readLog(t, dst, 2)[0].raw
	_, hdr, err := wire.ParseCommand([]byte(last), wire.Limits{MaxBulkLen: 1 << 20})
	if err != nil || hdr == 0 || hdr >= len(last) {
		t.Fatalf("the entry's opinfo: %d bytes, %v", hdr, err)
	}
	tc.stop(dst)
	// The crash: the last entry's commands never reached the disk.
	files := dst.fs
	name := ""
	names, _ := files.List()
	for _, n := range names {
		if data, _ := files.ReadFile(n); strings.HasSuffix(string(data), last) {
			name = n
		}
	}
	if name == "" {
		t.Fatal("no AOF file ends with the last entry")
	}
	data, _ := files.ReadFile(name)
	files.WriteFile(name, data[:len(data)-len(last)+hdr])
	tc.restart(dst)
	id := dst.connect()
	if got := infoField(dst.tnode, id, "oplog", "opapply_source_0"); got != "server_id=863,applied_opid=1" {
		t.Fatalf("after the restart: %q, want applied_opid=1 (entry 2 was lost)", got)
	}
	if got := dst.do(id, "GET", "b"); !got.Null {
		t.Fatalf("GET b after the restart: %s", got)
	}
}

// A full sync that a crash cut short between writing rdb.index and purging
// the old history leaves AOF files before the snapshot's that are not this
// dataset's past (their entry next_opid-1 has another epoch): the restart
// purges them, so OPGET and AOF psync cannot serve them. Files that are
// the snapshot's own past stay.
func TestLoadPurgesReplacedHistory(t *testing.T) {
	tc := newCluster(t)
	n := tc.add("n", "opget-master-min-slaves", "0")
	id := n.connect()
	for _, k := range []string{"a", "b", "c"} {
		n.do(id, "SET", k, k)
	}
	n.do(id, "BGSAVE")
	tc.settle(time.Second)
	n.do(id, "SET", "d", "d")

	tc.stop(n)
	tc.restart(n)
	id = n.connect()
	if next, es := opget(t, n, id, "1"); next != 5 || len(es) != 4 {
		t.Fatalf("the snapshot's own past: OPGET 1 = %d, %d entries", next, len(es))
	}

	tc.stop(n)
	l, err := aofbinlog.Open(n.fs, aofbinlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	idx, ok := l.RDBIndex()
	if !ok || idx.NextOpID != 4 {
		t.Fatalf("rdb.index %+v", idx)
	}
	idx.LastEpoch++ // as if the snapshot came in a full sync from another history
	if err := l.WriteRDBIndex(idx); err != nil {
		t.Fatal(err)
	}
	l.Close()
	tc.restart(n)
	id = n.connect()
	if got := n.do(id, "OPGET", "1"); got.Kind != wire.Error {
		t.Fatalf("OPGET 1 after the restart: %s, want an error (purged)", got)
	}
	if next, es := opget(t, n, id, "4"); next != 5 || len(es) != 1 {
		t.Fatalf("OPGET 4 = %d, %d entries", next, len(es))
	}
	if got := n.do(id, "MGET", "a", "d").String(); got != `["a", "d"]` {
		t.Fatalf("MGET a d: %s", got)
	}
}

// replicaWithFailingSnapshot is a master holding a, b, c (id its client)
// and a replica not yet linked whose first directory fsync fails: the
// snapshot of its first full sync cannot be written.
func replicaWithFailingSnapshot(t *testing.T) (tc *tcluster, m *cnode, id int64, r *cnode) {
	tc = newCluster(t)
	m = tc.add("m")
	id = m.connect()
	for _, k := range []string{"a", "b", "c"} {
		m.do(id, "SET", k, k)
	}
	r = tc.add("r")
	r.fs.Inject(simfs.Fault{Op: simfs.OpSyncDir, Count: 1, Err: syscall.EIO})
	return tc, m, id, r
}

// writeThenRestartReplica writes d on the master, and checks that the
// replica converges and that its restart keeps what the first sync and
// the stream brought.
func writeThenRestartReplica(t *testing.T, tc *tcluster, m *cnode, id int64, r *cnode) {
	t.Helper()
	m.do(id, "SET", "d", "d")
	tc.settle(time.Second)
	converged(t, m, r, 0)
	tc.stop(r)
	tc.restart(r)
	if got := r.do(r.connect(), "MGET", "a", "d").String(); got != `["a", "d"]` {
		t.Fatalf("after the replica's restart MGET a d: %s", got)
	}
}

// A replica whose synced snapshot cannot be written (here the directory
// fsync fails) keeps the master's dataset in memory but its old snapshot
// on disk: its next PSYNC must be a full one, not a CONTINUE that would
// log the stream after the old snapshot (a restart would then lose
// everything before it).
func TestReplicaSnapshotWriteFailureResyncsFully(t *testing.T) {
	tc, m, id, r := replicaWithFailingSnapshot(t)
	tc.replicaof(r, m)
	tc.settle(3 * time.Second)
	if got := m.stat("stats", "sync_full"); got != "2" {
		t.Fatalf("sync_full %s, want 2 (the second after the replica failed to keep the first); sync_partial_ok %s",
			got, m.stat("stats", "sync_partial_ok"))
	}
	writeThenRestartReplica(t, tc, m, id, r)
}

// The same, with the next attempt broken in its handshake (before the
// master answers the PSYNC): the attempt after it must still be a full
// sync. The replica forgot that it owed one as soon as a handshake
// started, so the third attempt continued (sim seed 163: a restart then
// lost what the unwritten snapshot held).
func TestReplicaOwesAFullSyncUntilOneSucceeds(t *testing.T) {
	tc, m, id, r := replicaWithFailingSnapshot(t)
	step := func() {
		tc.clock.ns += int64(10 * time.Millisecond)
		r.Tick()
		m.Tick()
		tc.pump()
	}
	tc.replicaof(r, m) // the full sync whose snapshot cannot be written
	for i := 0; i < 100 && (m.stat("stats", "sync_full") != "1" || len(tc.links) > 0); i++ {
		step()
	}
	if got := m.stat("stats", "sync_full"); got != "1" || len(tc.links) > 0 {
		t.Fatalf("sync_full %s, %d links after the first attempt", got, len(tc.links))
	}
	// The next attempt connects, and breaks before the PSYNC reply.
	tc.maxTakes = 1
	for i := 0; i < 300 && len(tc.links) == 0; i++ {
		step()
	}
	if len(tc.links) == 0 {
		t.Fatal("the replica did not try again")
	}
	tc.cutAll(r)
	tc.maxTakes = 0
	if got := m.stat("stats", "sync_full") + "/" + m.stat("stats", "sync_partial_ok"); got != "1/0" {
		t.Fatalf("the broken handshake reached the PSYNC reply: sync_full/sync_partial_ok %s", got)
	}
	tc.settle(3 * time.Second)
	if got := m.stat("stats", "sync_full") + "/" + m.stat("stats", "sync_partial_ok"); got != "2/0" {
		t.Fatalf("sync_full/sync_partial_ok %s, want 2/0 (the replica still owed a full sync)", got)
	}
	writeThenRestartReplica(t, tc, m, id, r)
}

// A replica whose AOF failed (an fsync error poisons the log) cannot log
// the stream any more: it must not acknowledge entries it applies only in
// memory, or WAIT counts writes that a kill of the replica loses (sim seed
// 43428: under appendfsync no, 90 WAIT-confirmed writes gone from the
// replica that was then the master). As Redis 7's replica panics ("Replica
// was unable to write command to disk"), it exits; its restart reloads
// what the disk holds and resumes.
func TestReplicaWithFailedAOFAcknowledgesNothing(t *testing.T) {
	tc := newCluster(t)
	m := tc.add("m", "appendfsync", "no")
	r := tc.add("r", "appendfsync", "no")
	tc.replicaof(r, m)
	w := m.connect()
	m.want(w, `"OK"`, "SET", "a", "1")
	tc.settle(2 * time.Second)
	m.want(w, `"OK"`, "SET", "b", "1") // after the full sync: an entry in r's AOF, not fsynced
	tc.settle(time.Second)
	converged(t, m, r, 0)

	r.fs.Inject(simfs.Fault{Op: simfs.OpSync, Count: 1, Err: syscall.EIO})
	if got := r.do(r.connect(), "AOFFLUSH"); got.Kind != wire.Error { // the split fsyncs the old file first
		t.Fatalf("AOFFLUSH with a failing fsync: %s", got)
	}
	m.want(w, `"OK"`, "SET", "c", "1")
	m.send(w, "WAIT 1 500\r\n")
	tc.settle(time.Second)
	if got := m.replies(w); len(got) != 1 || got[0].String() != "(integer) 0" {
		t.Fatalf("WAIT 1 after the replica's AOF failed: %v, want 0", got)
	}
	if r.Fatal() == nil {
		t.Fatal("the replica applies a stream it cannot log and carries on")
	}

	// The kill keeps what the replica wrote; the restart resumes.
	tc.cutAll(r)
	r.down = true
	tc.restart(r, "replicaof", "m 6379")
	tc.settle(2 * time.Second)
	converged(t, m, r, 0)
}

// A split whose fsync fails poisons the log without a failed append: the
// next write must be refused at once (MISCONF), not applied, replicated
// and acknowledged with an entry the log will never take (sim seed 572
// with 43428's options: the replica confirmed it by WAIT, and a kill of
// the master, promoted again later, lost it).
func TestPoisonedAOFRefusesTheNextWrite(t *testing.T) {
	n := newCluster(t).add("m", "appendfsync", "no")
	id := n.connect()
	n.want(id, `"OK"`, "SET", "a", "1")
	n.fs.Inject(simfs.Fault{Op: simfs.OpSync, Count: 1, Err: syscall.EIO})
	if got := n.do(id, "AOFFLUSH"); got.Kind != wire.Error {
		t.Fatalf("AOFFLUSH with a failing fsync: %s", got)
	}
	if got := n.do(id, "SET", "b", "2"); got.Kind != wire.Error || !strings.HasPrefix(got.Str, "MISCONF") {
		t.Fatalf("SET after the log was poisoned: %s, want MISCONF", got)
	}
	if got := n.do(id, "EXISTS", "b").String(); got != "(integer) 0" {
		t.Fatalf("EXISTS b: %s", got)
	}
	if got := n.stat("persistence", "aof_last_write_status"); got != "err" {
		t.Fatalf("aof_last_write_status %s", got)
	}
}

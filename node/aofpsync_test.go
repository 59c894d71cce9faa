package node

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"opdis/sim/simfs"
)

// AOF continue between real nodes: a replica that missed far more than
// the backlog holds resumes from the master's AOF by op id.

const backlog16k = "16kb"

func aofCluster(t *testing.T, replicas ...string) (*tcluster, *cnode, []*cnode) {
	tc := newCluster(t)
	m := tc.add("m", "repl-backlog-size", backlog16k, "aof-max-size", "64kb")
	var rs []*cnode
	for _, name := range replicas {
		r := tc.add(name, "repl-backlog-size", backlog16k, "aof-max-size", "64kb")
		tc.replicaof(r, m)
		rs = append(rs, r)
	}
	writeN(m, m.connect(), "pre", 300, 100)
	tc.settle(2 * time.Second)
	for _, r := range rs {
		converged(t, m, r, 0)
	}
	return tc, m, rs
}

// missed is 50 times the backlog: the writes a replica misses.
func missed(m *cnode, prefix string) (from int64) {
	from = m.NextOpID()
	id := m.connect()
	for i := 0; i < 4; i++ { // ≈ 1 MB of entries, 50 × 16 KiB is 800 KiB
		writeN(m, id, prefix+strconv.Itoa(i)+"-", 1000, 220)
		m.advance(100 * time.Millisecond) // the cron splits the AOF at aof-max-size
	}
	return from
}

func TestAOFContinueAfterLongOutage(t *testing.T) {
	tc, m, rs := aofCluster(t, "r")
	r := rs[0]
	if got := m.stat("stats", "sync_full"); got != "1" {
		t.Fatalf("sync_full %s after the first sync", got)
	}

	// 1. The link drops; the master writes 50× the backlog meanwhile.
	tc.cutAll(r)
	from := missed(m, "gap1-")
	if m.repl.ids.Backlog.Holds(r.repl.ids.MasterReplOffset + 1) {
		t.Fatal("the backlog still holds the replica's offset: not an AOF continue case")
	}
	aofBytes := m.aof.log.TotalSize()
	tc.sent = 0
	tc.settle(2 * time.Second)
	if got := m.stat("stats", "sync_aof_partial_ok"); got != "1" {
		t.Fatalf("sync_aof_partial_ok %s, want 1 (sync_full %s, partial_err %s)", got, m.stat("stats", "sync_full"), m.stat("stats", "sync_partial_err"))
	}
	if got := m.stat("stats", "sync_full"); got != "1" {
		t.Fatalf("sync_full went to %s", got)
	}
	converged(t, m, r, from)
	t.Logf("AOF continue of %d entries: %d bytes sent (AOF holds %d bytes in %d files)", m.NextOpID()-from, tc.sent, aofBytes, len(m.aof.log.Files()))

	// 2. The replica is stopped and restarted from its directory.
	tc.stop(r)
	from = missed(m, "gap2-")
	tc.restart(r, "replicaof", "m 6379")
	tc.settle(2 * time.Second)
	if got := m.stat("stats", "sync_aof_partial_ok"); got != "2" {
		t.Fatalf("after the replica's restart sync_aof_partial_ok %s, want 2", got)
	}
	if got := m.stat("stats", "sync_full"); got != "1" {
		t.Fatalf("sync_full went to %s", got)
	}
	converged(t, m, r, from)

	// 3. Both restart: the master's history and epochs come from its AOF.
	tc.stop(r)
	from = missed(m, "gap3-")
	tc.stop(m)
	tc.restart(m)
	tc.restart(r)
	tc.settle(2 * time.Second)
	if got := m.stat("stats", "sync_aof_partial_ok"); got != "1" {
		t.Fatalf("after both restarted sync_aof_partial_ok %s, want 1", got)
	}
	if got := m.stat("stats", "sync_full"); got != "0" {
		t.Fatalf("after both restarted sync_full %s", got)
	}
	converged(t, m, r, from)

	// The stream goes on after the hand-off.
	id := m.connect()
	m.do(id, "SET", "after", "x")
	tc.settle(time.Second)
	converged(t, m, r, from)
	if got := r.do(r.connect(), "GET", "after").String(); got != `"x"` {
		t.Fatalf("GET after on the replica: %s", got)
	}
}

// Writes keep coming while two replicas stream from the AOF at once, a
// chunk at a time: the hand-off loses and repeats nothing (the replicas'
// AOFs equal the master's, op id by op id, byte for byte, and offsets
// agree).
func TestAOFContinueHandOffUnderWrites(t *testing.T) {
	tc, m, rs := aofCluster(t, "r1", "r2")
	for _, r := range rs {
		tc.cutAll(r)
	}
	from := missed(m, "gap-")
	missed(m, "gap2-")
	missed(m, "gap3-")
	id := m.connect()
	tc.maxTakes = 1
	during := 0
	for i := 0; i < 5000; i++ {
		streaming, online := 0, 0
		for _, c := range m.repl.replicas {
			switch c.replica.state {
			case replicaSendAOF:
				streaming++
			case replicaOnline:
				online++
			}
		}
		if streaming == 2 {
			during++
		}
		if online == 2 {
			break
		}
		m.do(id, "INCR", "counter")
		m.do(id, "RPUSH", "during", strconv.Itoa(i))
		if i%10 == 0 {
			tc.clock.ns += int64(100 * time.Millisecond)
			for _, cn := range tc.nodes {
				cn.Tick()
			}
		}
		tc.pump()
	}
	if during < 3 {
		t.Fatalf("the two replicas streamed from the AOF together for only %d rounds", during)
	}
	tc.maxTakes = 0
	m.do(id, "SET", "last", "1")
	tc.settle(2 * time.Second)
	if got := m.stat("stats", "sync_aof_partial_ok"); got != "2" {
		t.Fatalf("sync_aof_partial_ok %s, want 2", got)
	}
	for _, r := range rs {
		converged(t, m, r, from)
	}
	t.Logf("%d rounds with both replicas streaming from the AOF while writes came", during)
}

// PURGE racing a stream: the file being streamed is never purged (the
// stream completes), files before it may go, and once the stream is over
// the rest can be purged. A read error ends the stream with
// forcefullresync, after which the replica resyncs fully.
func TestAOFContinuePurgeAndReadError(t *testing.T) {
	tc, m, rs := aofCluster(t, "r")
	r := rs[0]
	tc.cutAll(r)
	from := missed(m, "gap-")
	id := m.connect()
	m.do(id, "BGSAVE")
	for m.SnapshotInProgress() {
		m.advance(time.Millisecond)
	}
	writeN(m, id, "after-save-", 300, 200)
	tc.maxTakes = 1
	removed := 0
	for i := 0; i < 5000; i++ {
		var reading string
		online := false
		for _, c := range m.repl.replicas {
			if a := c.replica.m.aof; a != nil {
				reading = a.rd.Pos().File
			}
			online = online || c.replica.state == replicaOnline
		}
		if online {
			break
		}
		if i%10 == 0 {
			tc.clock.ns += int64(100 * time.Millisecond)
			for _, cn := range tc.nodes {
				cn.Tick()
			}
		}
		// (Before the replica is back nothing protects what it needs.)
		if files := m.aof.log.Files(); reading != "" && len(files) > 1 {
			v := m.do(id, "PURGEAOFTO", files[len(files)-2].Name)
			removed += int(v.Int)
		}
		if reading != "" {
			found := false
			for _, f := range m.aof.log.Files() {
				found = found || f.Name == reading
			}
			if !found {
				t.Fatalf("round %d: %s was purged while streamed", i, reading)
			}
		}
		m.do(id, "SET", "k"+strconv.Itoa(i), "v")
		tc.pump()
	}
	tc.maxTakes = 0
	tc.settle(2 * time.Second)
	if got := m.stat("stats", "sync_aof_partial_ok"); got != "1" {
		t.Fatalf("sync_aof_partial_ok %s", got)
	}
	converged(t, m, r, 0)
	if removed == 0 {
		t.Fatal("no file before the streamed one was ever purged")
	}
	files := m.aof.log.Files()
	if v := m.do(id, "PURGEAOFTO", files[len(files)-2].Name); v.Int == 0 && len(files) > 2 {
		t.Fatalf("after the stream PURGEAOFTO removed nothing (%d files)", len(files))
	}
	if m.aof.log.MinOpID() <= from {
		t.Fatalf("the purges kept op id %d", from)
	}

	// A read error in the middle of a stream.
	tc.cutAll(r)
	from = missed(m, "gap2-")
	tc.clock.ns += int64(1100 * time.Millisecond)
	r.Tick() // the replica reconnects
	tc.maxTakes = 1
	var reading string
	for i := 0; i < 50 && reading == ""; i++ {
		tc.pump()
		for _, c := range m.repl.replicas {
			if a := c.replica.m.aof; a != nil {
				reading = a.rd.Pos().File
			}
		}
	}
	if reading == "" {
		t.Fatal("no AOF stream in progress")
	}
	m.fs.Inject(simfs.Fault{Op: simfs.OpReadAt, Name: reading, Count: 1000, Err: syscall.EIO})
	tc.maxTakes = 0
	tc.pump()
	m.fs.ClearFaults()
	tc.settle(3 * time.Second)
	if got := m.stat("stats", "sync_aof_partial_err"); got != "1" {
		t.Fatalf("sync_aof_partial_err %s after a read error", got)
	}
	if got := m.stat("stats", "sync_full"); got != "2" {
		t.Fatalf("sync_full %s: the replica should have resynced fully once", got)
	}
	converged(t, m, r, 0)
}

// The epoch rule (DESIGN §5). A deposed master whose tail the new master
// never had asks to resume by op id: the entry before its next op id
// carries another epoch there, so it gets a full sync, and converges. A
// replica that stopped before the failover, whose history the new master
// shares, resumes from the new master's AOF although its replication id
// is from the old master.
func TestAOFContinueEpochRule(t *testing.T) {
	tc, a, rs := aofCluster(t, "b", "c", "d")
	b, c, d := rs[0], rs[1], rs[2]
	aid := a.connect()
	writeN(a, aid, "shared-", 200, 100)
	tc.settle(2 * time.Second)
	tc.stop(d) // d has everything up to here
	dNext := d.NextOpID()

	// Partition a away; it takes writes nobody else sees.
	tc.refuse["a"] = true
	tc.cutAll(b)
	tc.cutAll(c)
	tail := a.NextOpID()
	writeN(a, aid, "divergent-", 50, 100)

	// b is promoted, c follows it, and b writes far past its backlog.
	bid := b.connect()
	b.do(bid, "REPLICAOF", "NO", "ONE")
	tc.replicaof(c, b)
	missed(b, "new-")
	tc.settle(2 * time.Second)
	if a.op.epoch == b.op.epoch {
		t.Fatal("the promoted node kept the old epoch")
	}
	h, ok, err := b.aof.log.HeaderOf(tail)
	if err != nil || !ok || h.Epoch != b.op.epoch {
		t.Fatalf("b's entry %d: %+v %v %v (b's epoch %d)", tail, h, ok, err, b.op.epoch)
	}
	fullB := b.stat("stats", "sync_full")
	// c may itself have resumed by AOF (b wrote past its backlog before
	// c's first connection attempt): count from here.
	aofOK := b.stat("stats", "sync_aof_partial_ok")

	// The deposed master asks to resume: full sync.
	delete(tc.refuse, "a")
	tc.replicaof(a, b)
	tc.settle(3 * time.Second)
	if got := b.stat("stats", "sync_aof_partial_ok"); got != aofOK {
		t.Fatalf("the deposed master resumed by AOF (sync_aof_partial_ok %s)", got)
	}
	if got := b.stat("stats", "sync_full"); got == fullB {
		t.Fatal("the deposed master did not resync fully")
	}
	b.do(bid, "SET", "post", "1")
	tc.settle(time.Second)
	converged(t, b, a, a.aof.log.MinOpID())
	if v := a.do(a.connect(), "EXISTS", "divergent-0"); v.Int != 0 {
		t.Fatal("the divergent tail survived")
	}

	// d stopped before the failover: its last entry is in b's AOF with
	// the same epoch, so it resumes from there.
	fullB = b.stat("stats", "sync_full")
	tc.restart(d, "replicaof", "b 6379")
	tc.settle(3 * time.Second)
	if got, _ := strconv.Atoi(b.stat("stats", "sync_aof_partial_ok")); strconv.Itoa(got-1) != aofOK {
		t.Fatalf("d did not resume by AOF: sync_aof_partial_ok %d (was %s), sync_full %s → %s", got, aofOK, fullB, b.stat("stats", "sync_full"))
	}
	if got := b.stat("stats", "sync_full"); got != fullB {
		t.Fatalf("d caused a full sync (%s → %s)", fullB, got)
	}
	converged(t, b, d, dNext)
	converged(t, b, c, 0)
}

// A chained replica resumes from its own master's AOF (a replica, whose
// AOF holds the top master's entries verbatim). While that replica is
// itself still AOF-psyncing, its replicas are refused and come back.
func TestAOFContinueChained(t *testing.T) {
	tc, m, rs := aofCluster(t, "r1")
	r1 := rs[0]
	r2 := tc.add("r2", "repl-backlog-size", backlog16k)
	tc.replicaof(r2, r1)
	tc.settle(2 * time.Second)
	converged(t, m, r2, 0)

	tc.stop(r2)
	from := missed(m, "gap1-")
	tc.settle(time.Second)
	tc.restart(r2, "replicaof", "r1 6379")
	tc.settle(2 * time.Second)
	if got := r1.stat("stats", "sync_aof_partial_ok"); got != "1" {
		t.Fatalf("r1 sync_aof_partial_ok %s (sync_full %s)", got, r1.stat("stats", "sync_full"))
	}
	converged(t, r1, r2, from)
	converged(t, m, r2, from)

	// Both stop; r1 comes back first and streams from m a chunk at a
	// time, while r2 asks r1.
	tc.stop(r2)
	tc.stop(r1)
	from = missed(m, "gap2-")
	missed(m, "gap3-")
	tc.restart(r1, "replicaof", "m 6379")
	tc.restart(r2)
	tc.maxTakes = 1
	refusedBefore := r1.stat("stats", "total_error_replies")
	sawRefusal := false
	for i := 0; i < 3000 && !sawRefusal; i++ {
		if i%10 == 0 {
			tc.clock.ns += int64(100 * time.Millisecond)
			for _, cn := range tc.nodes {
				cn.Tick()
			}
		}
		tc.pump()
		sawRefusal = r1.repl.link != nil && r1.repl.link.aofReplID != "" && r1.stat("stats", "total_error_replies") != refusedBefore
	}
	if !sawRefusal {
		t.Fatal("r2 was never refused while r1 was AOF-psyncing")
	}
	tc.maxTakes = 0
	tc.settle(5 * time.Second)
	converged(t, m, r1, from)
	converged(t, r1, r2, from)
	if got := m.stat("stats", "sync_full"); got != "1" {
		t.Fatalf("m sync_full %s", got)
	}
	if got := r1.stat("stats", "sync_full"); got != "0" {
		t.Fatalf("r1 sync_full %s: r2 should have resumed by AOF", got)
	}
}

// A master restarted without a backlog logs its writes at offset 0, the
// offset a replica's record starts at. A replica that AOF-continues comes
// online at the hand-off, before it received a single entry: it must not
// count for WAIT or WAITAOF until it acknowledges (sim seeds 7557, 16484:
// the hand-off's bytes were lost with the link, WAIT had said 1, and the
// forced failover that followed promoted a replica without the writes).
func TestAOFContinueHandOffIsNoAck(t *testing.T) {
	tc, m, rs := aofCluster(t, "r")
	r := rs[0]
	tc.stop(r)
	tc.crash(m)
	tc.restart(m) // no backlog: master_repl_offset stays 0 until a replica comes
	w, wa := m.connect(), m.connect()
	m.want(w, `"OK"`, "SET", "k", "v")
	m.want(wa, `"OK"`, "SET", "k2", "v2")
	if off := m.repl.ids.MasterReplOffset; off != 0 {
		t.Fatalf("master_repl_offset %d after a restart, want 0", off)
	}
	if got := m.send(w, "WAIT 1 0\r\n"); len(got) != 0 {
		t.Fatalf("WAIT with no replica: %v", got)
	}
	if got := m.send(wa, "WAITAOF 1 1 0\r\n"); len(got) != 0 {
		t.Fatalf("WAITAOF with no replica: %v", got)
	}

	// The replica AOF-continues; what the master sends it at the hand-off
	// is lost with the link.
	lost := false
	tc.lose = func(l *clink, out []byte) bool {
		if lost || !strings.Contains(string(out), "+AOFCONTINUE") {
			return false
		}
		lost = true
		l.mas.Tick() // the master answers the WAITs it can
		if got := l.mas.replies(w); len(got) != 0 {
			t.Errorf("WAIT answered %v at the hand-off, before the replica got anything", got)
		}
		if got := l.mas.replies(wa); len(got) != 0 {
			t.Errorf("WAITAOF answered %v at the hand-off, before the replica got anything", got)
		}
		return true
	}
	tc.restart(r, "replicaof", "m 6379")
	tc.settle(500 * time.Millisecond)
	if !lost {
		t.Fatal("no AOF continue to lose")
	}
	tc.lose = nil

	// It reconnects, resumes and acknowledges: now it counts.
	tc.settle(3 * time.Second)
	converged(t, m, r, 0)
	if got := m.replies(w); len(got) != 1 || got[0].String() != "(integer) 1" {
		t.Fatalf("WAIT after the replica acknowledged: %v", got)
	}
	if got := m.replies(wa); len(got) != 1 || got[0].String() != "[(integer) 1, (integer) 1]" {
		t.Fatalf("WAITAOF after the replica acknowledged: %v", got)
	}
}

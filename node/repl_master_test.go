package node

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"opdis/psync"
	"opdis/sim/simfs"
	"opdis/wire"
)

// The master side of replication, driven by hand: a replica is a
// psync.Handshake fed with what the node outputs, and its RDB and stream
// are checked against the master's keyspace and oplog.

// treplica is a replica's side of one connection to a test node.
type treplica struct {
	t      *testing.T
	tn     *tnode
	id     int64
	hs     *psync.Handshake
	out    []byte // what the replica sends besides the handshake's output
	ackRDB bool   // send REPLCONF ACK right after the RDB, as a real replica
	slow   int    // TakeOutput calls per pump at most (0: no limit)

	full     *psync.FullResync
	cont     *psync.Continue
	rdb      []byte
	rdbStart *psync.RDBStart
	rdbDone  bool
	stream   []byte
	keep     int // keep-alive newlines before the sync began
	failed   psync.Event
	closed   bool
	takes    []int // bytes per TakeOutput
}

// opdisConfig is an opdis replica's handshake with no history.
func opdisConfig() psync.Config {
	return psync.Config{ListeningPort: 7001, Opdis: &psync.OpdisPSYNC{NextOpID: 1, ServerID: DefaultConfig().ServerID}}
}

func newReplica(tn *tnode, cfg psync.Config) *treplica {
	r := &treplica{t: tn.t, tn: tn, hs: psync.NewHandshake(cfg), ackRDB: true}
	r.id = tn.Connect("10.0.0.7:41000", "127.0.0.1:6379")
	r.hs.Connected()
	r.pump()
	return r
}

// pump exchanges bytes until neither side has more to say.
func (r *treplica) pump() {
	r.t.Helper()
	for i := 0; i < 100000 && !r.closed && (r.slow == 0 || i < r.slow); i++ {
		progress := false
		if out := append(r.hs.Output(), r.out...); len(out) > 0 {
			r.out = nil
			r.tn.Feed(r.id, out)
			progress = true
		}
		b, closed := r.tn.TakeOutput(r.id, nil)
		if len(b) > 0 {
			r.takes = append(r.takes, len(b))
			r.handle(r.hs.Feed(b))
			progress = true
		}
		r.closed = closed
		if !progress {
			return
		}
	}
}

func (r *treplica) handle(evs []psync.Event) {
	for _, ev := range evs {
		switch e := ev.(type) {
		case psync.FullResync:
			r.full = &e
		case psync.Continue:
			r.cont = &e
		case psync.KeepAlive:
			r.keep++
		case psync.RDBStart:
			r.rdbStart = &e
		case psync.RDBChunk:
			r.rdb = append(r.rdb, e.Data...)
		case psync.RDBDone:
			r.rdbDone = true
			if r.ackRDB {
				r.ack(r.full.Offset)
			}
		case psync.Stream:
			r.stream = append(r.stream, e.Data...)
		case psync.Failed, psync.TryLater:
			r.failed = ev
		}
	}
}

// ack sends REPLCONF ACK <offset>.
func (r *treplica) ack(offset int64) { r.out = psync.AppendAck(r.out, offset) }

// offset is the stream offset the replica has received up to.
func (r *treplica) offset() int64 {
	switch {
	case r.full != nil:
		return r.full.Offset + int64(len(r.stream))
	default:
		r.t.Fatal("no sync")
		return 0
	}
}

// splitStream cuts replication stream bytes into oplog entries and the
// stream-only frames (PING, REPLCONF GETACK) between them.
func splitStream(t *testing.T, b []byte) (entries [][]byte, frames []string) {
	t.Helper()
	for len(b) > 0 {
		args, n, err := wire.ParseCommand(b, wire.Limits{})
		if err != nil || n == 0 {
			t.Fatalf("stream: bad or cut command at %q: %v", b[:min(len(b), 60)], err)
		}
		if wire.IsOpinfo(args) {
			_, size, err := wire.ParseEntry(b, true)
			if err != nil || size == 0 {
				t.Fatalf("stream: bad entry: %v", err)
			}
			entries = append(entries, b[:size])
			b = b[size:]
			continue
		}
		frames = append(frames, string(b[:n]))
		b = b[n:]
	}
	return entries, frames
}

// entryLog records the master's entries from a point on.
type entryLog struct {
	on      bool
	entries [][]byte
}

func (l *entryLog) hook(tn *tnode) {
	tn.OnEntry(func(e []byte, h wire.Header) {
		if l.on {
			l.entries = append(l.entries, bytes.Clone(e))
		}
	})
}

func infoField(tn *tnode, id int64, section, field string) string {
	tn.t.Helper()
	v := tn.do(id, "INFO", section)
	for _, line := range strings.Split(v.Str, "\r\n") {
		if k, val, ok := strings.Cut(line, ":"); ok && k == field {
			return val
		}
	}
	return ""
}

func replConfig(set ...string) Config {
	cfg := DefaultConfig()
	cfg.ReplDisklessSyncDelay = 0
	for i := 0; i+1 < len(set); i += 2 {
		if err := cfg.Set(set[i], set[i+1], true); err != nil {
			panic(err)
		}
	}
	return cfg
}

// populate writes n keys of every type in dbs 0 and 1, some with a TTL.
func populate(tn *tnode, id int64, n int) {
	for i := 0; i < n; i++ {
		k := "k" + strconv.Itoa(i)
		tn.do(id, "SELECT", strconv.Itoa(i%2))
		switch i % 5 {
		case 0:
			tn.do(id, "SET", k, fmt.Sprintf("%x%x", uint64(i)*0x9E3779B97F4A7C15, uint64(i)*0xBF58476D1CE4E5B9))
		case 1:
			tn.do(id, "RPUSH", k, "a", "b", strconv.Itoa(i))
		case 2:
			tn.do(id, "HSET", k, "f", strconv.Itoa(i), "g", "x")
		case 3:
			tn.do(id, "SADD", k, "m1", strconv.Itoa(i))
		case 4:
			tn.do(id, "ZADD", k, "1.5", "a", strconv.Itoa(i), "b")
		}
		if i%7 == 0 {
			tn.do(id, "EXPIRE", k, "3600")
		}
	}
	tn.do(id, "SELECT", "0")
}

// mutate makes a random write among the populated keys.
func mutate(tn *tnode, id int64, r *testRand, n int) {
	k := "k" + strconv.Itoa(int(r.Uint64()%uint64(n)))
	tn.do(id, "SELECT", strconv.Itoa(int(r.Uint64()%2)))
	switch r.Uint64() % 6 {
	case 0:
		tn.do(id, "SET", k, "new"+strconv.Itoa(int(r.Uint64()%1000)))
	case 1:
		tn.do(id, "DEL", k)
	case 2:
		tn.do(id, "RPUSH", k, "z")
	case 3:
		tn.do(id, "HSET", k, "f", "changed")
	case 4:
		tn.do(id, "SADD", "fresh"+k, "x")
	case 5:
		tn.do(id, "EXPIRE", k, "7200")
	}
}

// loadInto loads an RDB into a fresh node with tn's clock.
func loadInto(t *testing.T, tn *tnode, rdbBytes []byte) *tnode {
	t.Helper()
	b := newTestNode(t)
	b.clock.ns = tn.clock.ns
	if err := b.loadRDB(bytes.NewReader(rdbBytes)); err != nil {
		t.Fatalf("loading the replica's RDB: %v", err)
	}
	return b
}

// applyEntries applies oplog entries as a replica would.
func applyEntries(t *testing.T, b *tnode, entries [][]byte) {
	t.Helper()
	b.op.applying = true
	defer func() { b.op.applying = false }()
	for _, raw := range entries {
		e, _, err := wire.ParseEntry(raw, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.applyEntry(e); err != nil {
			t.Fatalf("applying entry %d: %v", e.Header.OpID, err)
		}
	}
}

// syncUnderWrites runs a full sync while writes keep coming, then checks
// that the RDB is the keyspace at the +FULLRESYNC point, that the stream
// after it is exactly the entries logged since, and that the offsets add
// up.
func syncUnderWrites(t *testing.T, tn *tnode, cfg psync.Config, keys, slow int, check func(r *treplica)) *treplica {
	t.Helper()
	id := tn.connect()
	populate(tn, id, keys)
	var log entryLog
	log.hook(tn)
	log.on = true
	r := newReplica(tn, cfg)
	r.slow = slow
	if r.full == nil {
		t.Fatalf("no +FULLRESYNC (failed: %v)", r.failed)
	}
	if got := tn.repl.ids.MasterReplOffset; r.full.Offset != got {
		t.Fatalf("+FULLRESYNC offset %d, master_repl_offset %d", r.full.Offset, got)
	}
	if len(log.entries) != 0 {
		t.Fatalf("%d entries logged before the sync point", len(log.entries))
	}
	if r.full.Opdis == nil || r.full.Opdis.NextOpID != tn.NextOpID() {
		t.Fatalf("+FULLRESYNC opdis fields %+v, next op id %d", r.full.Opdis, tn.NextOpID())
	}
	want := dumpKeyspace(tn.Node)
	at := tn.clock.ns
	rnd := &testRand{s: 42}
	for i := 0; !r.rdbDone; i++ {
		if i > 10000 {
			t.Fatal("the RDB never ended")
		}
		mutate(tn, id, rnd, keys)
		if check != nil {
			check(r)
		}
		tn.advance(time.Millisecond)
		r.pump()
	}
	for i := 0; i < 50; i++ {
		mutate(tn, id, rnd, keys)
	}
	tn.advance(time.Millisecond)
	r.slow = 0
	r.pump()
	b := loadInto(t, tn, r.rdb)
	b.clock.ns = at
	if got := dumpKeyspace(b.Node); got != want {
		t.Fatalf("the RDB is not the keyspace at the sync point:\n%s", diffLines(want, got))
	}
	entries, frames := splitStream(t, r.stream)
	if len(entries) != len(log.entries) {
		t.Fatalf("stream has %d entries, master logged %d since the sync point", len(entries), len(log.entries))
	}
	for i := range entries {
		if !bytes.Equal(entries[i], log.entries[i]) {
			t.Fatalf("stream entry %d differs from the logged one", i)
		}
	}
	for _, f := range frames {
		if f != psync.StreamPing && f != psync.GetAck {
			t.Fatalf("unexpected stream frame %q", f)
		}
	}
	if got := tn.repl.ids.MasterReplOffset; r.offset() != got {
		t.Fatalf("replica at offset %d, master_repl_offset %d", r.offset(), got)
	}
	if got := infoField(tn, id, "replication", "master_repl_offset"); got != strconv.FormatInt(r.offset(), 10) {
		t.Fatalf("INFO master_repl_offset %s, bytes sent end at %d", got, r.offset())
	}
	applyEntries(t, b, entries)
	b.clock.ns = tn.clock.ns
	if got, want := dumpKeyspace(b.Node), dumpKeyspace(tn.Node); got != want {
		t.Fatalf("RDB + stream differ from the master:\n%s", diffLines(want, got))
	}
	return r
}

func TestFullSyncDiskless(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	r := syncUnderWrites(t, tn, opdisConfig(), 6000, 0, nil)
	if r.rdbStart == nil || r.rdbStart.Size != -1 {
		t.Fatalf("diskless transfer announced %+v, want $EOF", r.rdbStart)
	}
	id := tn.connect()
	if got := infoField(tn, id, "replication", "slave0"); !strings.HasPrefix(got, "ip=10.0.0.7,port=7001,state=online,offset=") {
		t.Fatalf("slave0 = %q", got)
	}
	if got := infoField(tn, id, "stats", "sync_full"); got != "1" {
		t.Fatalf("sync_full = %s", got)
	}
	if got := infoField(tn, id, "persistence", "rdb_bgsave_in_progress"); got != "0" {
		t.Fatalf("rdb_bgsave_in_progress = %s after the transfer", got)
	}
}

// A diskless transfer waits for a replica that does not take its output
// (the pipe back-pressure of Redis), and drops it after repl-timeout.
func TestDisklessBackPressure(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig("repl-timeout", "5"))
	id := tn.connect()
	rnd := &testRand{s: 3}
	for i := 0; i < 60; i++ {
		var blob []byte
		for len(blob) < 100000 {
			blob = strconv.AppendUint(blob, rnd.Uint64(), 16)
		}
		tn.do(id, "SET", "blob"+strconv.Itoa(i), string(blob))
	}
	r := newReplica(tn, opdisConfig())
	c := tn.clients[r.id]
	for i := 0; i < 50; i++ {
		tn.advance(time.Millisecond)
	}
	if tn.snap == nil || len(c.out) > 2*snapSinkMax+200000 {
		t.Fatalf("snapshot running %v, %d bytes queued for a replica that takes nothing", tn.snap != nil, len(c.out))
	}
	if len(c.out) < snapSinkMax {
		t.Fatalf("only %d bytes queued before the pause", len(c.out))
	}
	for i := 0; i < 2000 && !r.rdbDone; i++ {
		tn.advance(time.Millisecond)
		r.pump()
	}
	b := loadInto(t, tn, r.rdb)
	bid := b.connect()
	for _, k := range []string{"blob0", "blob33", "blob59"} {
		if got, want := b.do(bid, "GET", k), tn.do(id, "GET", k); b.DB(0).Len() != 60 || got.Str != want.Str {
			t.Fatalf("the RDB has %d keys, %s differs", b.DB(0).Len(), k)
		}
	}
	// A second replica stalls for good: dropped after repl-timeout.
	r2 := newReplica(tn, opdisConfig())
	for i := 0; i < 7; i++ {
		tn.advance(time.Second)
	}
	if c := tn.clients[r2.id]; c != nil && !c.closing {
		t.Fatal("a replica that takes nothing for longer than repl-timeout stays")
	}
}

// Until its first ACK after a diskless transfer, a replica gets no stream
// (it must find the end mark with nothing glued to it).
func TestDisklessStreamWaitsForACK(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	id := tn.connect()
	tn.do(id, "SET", "a", "1")
	r := newReplica(tn, opdisConfig())
	r.ackRDB = false
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	tn.do(id, "SET", "b", "2")
	r.pump()
	if len(r.stream) != 0 {
		t.Fatalf("stream before the first ACK: %q", r.stream)
	}
	if got := infoField(tn, id, "replication", "slave0"); !strings.Contains(got, "state=online") {
		t.Fatalf("slave0 = %q", got)
	}
	r.ack(r.full.Offset)
	r.pump()
	entries, _ := splitStream(t, r.stream)
	if len(entries) != 1 || !bytes.Contains(entries[0], []byte("$1\r\nb\r\n")) {
		t.Fatalf("stream after the ACK: %q", r.stream)
	}
}

// A disk-based sync ($<len>) sends the snapshot file, in bounded chunks,
// then the stream at once.
func TestFullSyncDisk(t *testing.T) {
	for _, mode := range []string{"file", "memory", "aof"} {
		t.Run(mode, func(t *testing.T) {
			withFS := mode != "memory"
			cfg := replConfig("repl-diskless-sync", "no", "save", "", "appendonly", map[bool]string{true: "yes", false: "no"}[mode == "aof"])
			clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
			env := Env{Clock: clock, Rand: &testRand{s: 1}}
			if withFS {
				env.FS = simfs.New()
			}
			tn := &tnode{Node: New(cfg, env), t: t, clock: clock}
			if err := tn.Load(); err != nil {
				t.Fatal(err)
			}
			for tn.SnapshotInProgress() { // the AOF's first base
				tn.advance(time.Millisecond)
			}
			var sawSendBulk bool
			id := tn.connect()
			rnd := &testRand{s: 7}
			for i := 0; i < 40; i++ { // an RDB of several chunks, whatever LZF does
				var blob []byte
				for len(blob) < 20000 {
					blob = strconv.AppendUint(blob, rnd.Uint64(), 16)
				}
				tn.do(id, "SET", "blob"+strconv.Itoa(i), string(blob))
			}
			r := syncUnderWrites(t, tn, opdisConfig(), 6000, 1, func(r *treplica) {
				sawSendBulk = sawSendBulk || strings.Contains(infoField(tn, id, "replication", "slave0"), "state=send_bulk")
			})
			if r.rdbStart == nil || r.rdbStart.Size != int64(len(r.rdb)) || len(r.rdb) < 2*replChunk {
				t.Fatalf("transfer announced %+v for %d bytes (want $<len>, several chunks)", r.rdbStart, len(r.rdb))
			}
			if !sawSendBulk {
				t.Error("INFO never showed state=send_bulk during the transfer")
			}
			for _, k := range r.takes {
				if k > replChunk+64<<10 {
					t.Fatalf("one TakeOutput returned %d bytes; chunks are at most %d", k, replChunk)
				}
			}
			if withFS {
				if got := infoField(tn, id, "persistence", "rdb_last_bgsave_status"); got != "ok" {
					t.Fatalf("rdb_last_bgsave_status %s", got)
				}
				name := "dump.rdb"
				if mode == "aof" {
					name = infoField(tn, id, "persistence", "rdb_index_file")
				}
				if size, err := env.FS.Stat(name); err != nil || size != int64(len(r.rdb)) {
					t.Fatalf("the disk-based sync left %q of %d bytes (%v); sent %d", name, size, err, len(r.rdb))
				}
			}
		})
	}
}

// A replica that reconnects within the backlog gets +CONTINUE and exactly
// the bytes it missed, a bounded chunk per TakeOutput.
func TestContinueFromBacklog(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig("repl-backlog-size", "4mb"))
	id := tn.connect()
	tn.do(id, "SET", "a", "1")
	r := newReplica(tn, opdisConfig())
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	tn.do(id, "SET", "b", "2")
	r.pump()
	replid, off := r.full.ReplID, r.offset()
	tn.Disconnect(r.id)
	if got := infoField(tn, id, "replication", "connected_slaves"); got != "0" {
		t.Fatalf("connected_slaves %s after the disconnect", got)
	}
	big := strings.Repeat("x", 10000)
	for i := 0; i < 200; i++ {
		tn.do(id, "SET", "big"+strconv.Itoa(i), big)
	}
	cfg := opdisConfig()
	cfg.ReplID, cfg.ReplOffset = replid, off
	r2 := newReplica(tn, cfg)
	if r2.cont == nil || r2.cont.ReplID != replid {
		t.Fatalf("no +CONTINUE %s (full %v, failed %v)", replid, r2.full, r2.failed)
	}
	wantBytes := tn.repl.ids.MasterReplOffset - off
	if int64(len(r2.stream)) != wantBytes {
		t.Fatalf("got %d backlog bytes, want %d", len(r2.stream), wantBytes)
	}
	entries, _ := splitStream(t, r2.stream)
	if len(entries) != 200 {
		t.Fatalf("%d entries after +CONTINUE, want 200", len(entries))
	}
	if len(r2.takes) < 8 {
		t.Fatalf("2MB of backlog came in %d TakeOutputs; want bounded chunks", len(r2.takes))
	}
	for _, k := range r2.takes {
		if k > replChunk+100 {
			t.Fatalf("a TakeOutput returned %d bytes", k)
		}
	}
	if got := infoField(tn, id, "stats", "sync_partial_ok"); got != "1" {
		t.Fatalf("sync_partial_ok %s", got)
	}
	// A history the master does not know is a full sync.
	cfg.ReplID = strings.Repeat("a", 40)
	r3 := newReplica(tn, cfg)
	if r3.full == nil {
		t.Fatal("an old offset did not get +FULLRESYNC")
	}
	if got := infoField(tn, id, "stats", "sync_partial_err"); got != "1" {
		t.Fatalf("sync_partial_err %s", got)
	}
}

// Pending lists a replica again while backlog bytes are due.
func TestReplicaOutputPending(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig("repl-backlog-size", "4mb"))
	id := tn.connect()
	r := newReplica(tn, opdisConfig())
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	tn.Pending()
	big := strings.Repeat("y", 100000)
	for i := 0; i < 10; i++ {
		tn.do(id, "SET", "k", big)
	}
	got := 0
	for rounds := 0; ; rounds++ {
		p := tn.Pending()
		if len(p) == 0 {
			break
		}
		if len(p) != 1 || p[0] != r.id || rounds > 100 {
			t.Fatalf("Pending %v, want the replica %d", p, r.id)
		}
		b, _ := tn.TakeOutput(r.id, nil)
		got += len(b)
	}
	if want := 10 * (100000 + 60); got < want {
		t.Fatalf("drained %d bytes through Pending, want at least %d", got, want)
	}
}

func TestWAIT(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	id := tn.connect()
	tn.want(id, "(integer) 0", "WAIT", "0", "0")
	tn.want(id, "(error) ERR value is not an integer or out of range", "WAIT", "x", "0")
	tn.want(id, "(error) ERR timeout is not an integer or out of range", "WAIT", "1", "1.5")
	tn.want(id, "(error) ERR timeout is negative", "WAIT", "1", "-1")

	r := newReplica(tn, opdisConfig())
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	r.pump()
	tn.do(id, "SET", "a", "1")
	// Blocks: the replica has not acked the write; a GETACK goes out.
	tn.Feed(id, []byte("WAIT 1 0\r\nPING\r\n"))
	if out, _ := tn.TakeOutput(id, nil); len(out) != 0 {
		t.Fatalf("WAIT answered %q before any ACK", out)
	}
	r.pump()
	entries, frames := splitStream(t, r.stream)
	if len(entries) != 1 || len(frames) == 0 || frames[len(frames)-1] != psync.GetAck {
		t.Fatalf("stream %q: want the entry then REPLCONF GETACK", r.stream)
	}
	r.ack(r.offset() - int64(len(psync.GetAck))) // as a replica does: the GETACK itself excluded
	r.pump()
	if got := tn.replies(id); len(got) != 2 || got[0].String() != "(integer) 1" || got[1].String() != `"PONG"` {
		t.Fatalf("after the ACK: %v, want 1 then the pipelined PONG", got)
	}
	// A second WAIT for an already acked write answers at once.
	tn.want(id, "(integer) 1", "WAIT", "1", "0")
	// Times out with the count so far.
	tn.do(id, "SET", "b", "2")
	tn.Feed(id, []byte("WAIT 1 100\r\n"))
	tn.advance(50 * time.Millisecond)
	if out, _ := tn.TakeOutput(id, nil); len(out) != 0 {
		t.Fatalf("WAIT answered %q before its timeout", out)
	}
	tn.advance(60 * time.Millisecond)
	if got := tn.replies(id); len(got) != 1 || got[0].String() != "(integer) 0" {
		t.Fatalf("WAIT after its timeout: %v", got)
	}
	// Inside MULTI it answers at once.
	tn.do(id, "MULTI")
	tn.do(id, "SET", "c", "3")
	tn.do(id, "WAIT", "1", "0")
	tn.want(id, `["OK", (integer) 0]`, "EXEC")
	if got := tn.BlockedClients(); got != 0 {
		t.Fatalf("%d blocked clients", got)
	}
	// Every call but the one that timed out took a latency sample (as
	// redis-server 7.0.15: LATENCY HISTOGRAM counts a WAIT the acks
	// answered, not one its timeout did).
	if w := tn.commands["wait"]; w.Calls != 8 || w.latency == nil || w.latency.total != 7 {
		t.Fatalf("wait: %d calls, want 8 with 7 latency samples", w.Calls)
	}
	// A client gone while waiting is forgotten.
	id2 := tn.connect()
	tn.do(id2, "SET", "d", "4")
	tn.Feed(id2, []byte("WAIT 1 0\r\n"))
	tn.Disconnect(id2)
	if len(tn.repl.m.waits) != 0 || tn.BlockedClients() != 0 {
		t.Fatalf("a disconnected WAIT client stays: %d waits, %d blocked", len(tn.repl.m.waits), tn.BlockedClients())
	}
	// A replica refuses WAIT.
	tn.repl.masterHost = "127.0.0.1"
	tn.want(id, "(error) "+errWaitReplica, "WAIT", "0", "0")
	tn.repl.masterHost = ""
}

func TestMinReplicasToWrite(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	id := tn.connect()
	tn.want(id, `"OK"`, "CONFIG", "SET", "min-replicas-to-write", "1")
	tn.want(id, "(error) "+errNoReplicas, "SET", "a", "1")
	tn.want(id, "(nil)", "GET", "a") // reads are fine
	tn.do(id, "MULTI")
	tn.want(id, "(error) "+errNoReplicas, "SET", "a", "1")
	tn.want(id, "(error) EXECABORT Transaction discarded because of previous errors.", "EXEC")
	if got := infoField(tn, id, "replication", "min_slaves_good_slaves"); got != "0" {
		t.Fatalf("min_slaves_good_slaves %q", got)
	}

	r := newReplica(tn, opdisConfig())
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	tn.want(id, `"OK"`, "SET", "a", "1")
	tn.do(id, "MULTI")
	tn.do(id, "SET", "b", "1")
	// The replica goes quiet for longer than min-replicas-max-lag.
	tn.advance(11 * time.Second)
	tn.want(id, "(error) EXECABORT Transaction discarded because of: "+errNoReplicas, "EXEC")
	tn.want(id, "(error) "+errNoReplicas, "SET", "a", "2")
	r.ack(r.offset())
	r.pump()
	tn.want(id, `"OK"`, "SET", "a", "2")
	tn.want(id, `"OK"`, "CONFIG", "SET", "min-replicas-max-lag", "0")
	if got := infoField(tn, id, "replication", "min_slaves_good_slaves"); got != "" {
		t.Fatalf("min_slaves_good_slaves shown with max-lag 0: %q", got)
	}
	// A (writable) replica ignores the setting.
	tn.want(id, `"OK"`, "CONFIG", "SET", "min-replicas-max-lag", "10")
	tn.want(id, `"OK"`, "CONFIG", "SET", "replica-read-only", "no")
	tn.Disconnect(r.id)
	tn.repl.masterHost = "127.0.0.1"
	tn.want(id, `"OK"`, "SET", "a", "3")
	tn.repl.masterHost = ""
}

// A replica whose output passes the hard limit, or stays over the soft
// one for longer than its seconds, is cut off with a log line.
func TestReplicaOutputLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit string
		soft  bool
	}{
		{"hard", "replica 64kb 0 0", false},
		{"soft", "replica 0 32kb 2", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := newTestNodeConfig(t, replConfig("repl-backlog-size", "16kb", "client-output-buffer-limit", tc.limit))
			var logs []string
			tn.OnLog = func(_ LogLevel, msg string) { logs = append(logs, msg) }
			id := tn.connect()
			r := newReplica(tn, opdisConfig())
			for !r.rdbDone {
				tn.advance(time.Millisecond)
				r.pump()
			}
			r.pump()
			// The replica stops reading.
			val := strings.Repeat("z", 10000)
			for i := 0; i < 4; i++ {
				tn.do(id, "SET", "k", val)
			}
			if tn.Node.clients[r.id].closing {
				t.Fatal("cut off below the limits")
			}
			if tc.soft {
				tn.advance(1500 * time.Millisecond)
				tn.do(id, "SET", "k", val)
				if tn.Node.clients[r.id].closing {
					t.Fatal("cut off before the soft limit's seconds")
				}
				tn.advance(time.Second)
				tn.do(id, "SET", "k", val)
			} else {
				for i := 0; i < 4; i++ {
					tn.do(id, "SET", "k", val)
				}
			}
			c := tn.Node.clients[r.id]
			if c == nil || !c.closing {
				t.Fatal("the replica over its output limit was not cut off")
			}
			if out, closed := tn.TakeOutput(r.id, nil); !closed || len(out) != 0 {
				t.Fatalf("a cut-off replica got %d bytes, closed %v", len(out), closed)
			}
			if !strings.Contains(strings.Join(logs, "\n"), "scheduled to be closed ASAP for overcoming of output buffer limits") {
				t.Fatalf("no log line: %q", logs)
			}
			if got := infoField(tn, id, "replication", "connected_slaves"); got != "0" {
				t.Fatalf("connected_slaves %s", got)
			}
		})
	}
}

// The stream held back during a full sync counts towards the limit too.
func TestOutputLimitDuringFullSync(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig("repl-backlog-size", "16kb", "client-output-buffer-limit", "replica 64kb 0 0"))
	id := tn.connect()
	populate(tn, id, 3000)
	r := newReplica(tn, opdisConfig())
	if r.full == nil {
		t.Fatal("no full sync")
	}
	val := strings.Repeat("z", 10000)
	for i := 0; i < 8; i++ {
		tn.do(id, "SET", "k", val)
	}
	if c := tn.Node.clients[r.id]; c == nil || !c.closing {
		t.Fatal("a replica over the limit during its full sync was not cut off")
	}
	r.pump()
	if !r.closed {
		t.Fatal("not closed")
	}
	if tn.snap != nil {
		t.Fatal("the diskless snapshot of its only replica still runs")
	}
}

func TestPSYNCRefusals(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	id := tn.connect()
	tn.want(id, `"OK"`, "REPLCONF", "listening-port", "7001", "capa", "eof", "capa", "psync2", "capa", "opinfo")
	for _, tc := range []struct{ args, want string }{
		{"PSYNC ? x", "(error) ERR value is not an integer or out of range"},
		{"PSYNC", "(error) ERR wrong number of arguments for 'psync' command"},
		{"PSYNC ? -1 1 999 1 0", "(error) ERR PSYNC server_id 999 does not match this master's server_id 12345678: a replica must belong to its master's replication group"},
		{"REPLCONF listening-port x", "(error) ERR value is not an integer or out of range"},
		{"REPLCONF foo bar", "(error) ERR Unrecognized REPLCONF option: foo"},
		{"REPLCONF ack", "(error) ERR syntax error"},
		{"REPLCONF ack 10", ""}, // not a replica: ignored, no reply
		{"WAIT 1", "(error) ERR wrong number of arguments for 'wait' command"},
	} {
		vals := tn.send(id, tc.args+"\r\n")
		got := ""
		if len(vals) > 0 {
			got = vals[0].String()
		}
		if got != tc.want || len(vals) > 1 {
			t.Errorf("%s = %v, want %s", tc.args, vals, tc.want)
		}
	}
	tn.do(id, "MULTI")
	tn.want(id, "(error) ERR Command not allowed inside a transaction", "PSYNC", "?", "-1")
	tn.do(id, "DISCARD")
	if got := infoField(tn, id, "replication", "connected_slaves"); got != "0" {
		t.Fatalf("connected_slaves %s after refusals", got)
	}
	// A redis-server replica (no capa opinfo) gets a clear error, for
	// PSYNC and for the SYNC it falls back to.
	rid := tn.connect()
	tn.want(rid, `"OK"`, "REPLCONF", "listening-port", "6380")
	tn.want(rid, `"OK"`, "REPLCONF", "capa", "eof", "capa", "psync2")
	tn.want(rid, "(error) "+errOpdisOnly, "PSYNC", "?", "-1")
	tn.want(rid, "(error) "+errOpdisOnly, "SYNC")
	// Output still pending when PSYNC comes is refused.
	tn.Feed(rid, []byte("PING\r\nPSYNC ? -1\r\n"))
	if got := tn.replies(rid); len(got) != 2 || got[1].String() != "(error) ERR SYNC and PSYNC are invalid with pending output" {
		t.Fatalf("PSYNC with pending output: %v", got)
	}
}

// A replica may send only ACKs on its link: anything that would be
// answered disconnects it; a repeated PSYNC is ignored.
func TestReplicaLinkCommands(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	var logs []string
	tn.OnLog = func(_ LogLevel, msg string) { logs = append(logs, msg) }
	r := newReplica(tn, opdisConfig())
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	r.out = append(r.out, "PSYNC ? -1\r\nREPLCONF ACK-OPID 5\r\n\n"...)
	r.pump()
	entries, frames := splitStream(t, r.stream)
	if r.closed || len(entries) != 0 || strings.Join(frames, "") != strings.Repeat(psync.StreamPing, len(frames)) {
		t.Fatalf("closed %v, stream %q after a repeated PSYNC and ACK-OPID", r.closed, r.stream)
	}
	if got := tn.clients[r.id].replica.ackOpID; got != 5 {
		t.Fatalf("ack opid %d", got)
	}
	r.out = append(r.out, "PING\r\n"...)
	r.pump()
	if !r.closed {
		t.Fatal("a replica that sent PING on its link stays connected")
	}
	if !strings.Contains(strings.Join(logs, "\n"), "sent 'ping' on the replication link") {
		t.Fatalf("no log line: %q", logs)
	}
}

// PING into the stream every repl-ping-replica-period; replicas with no
// ACK for repl-timeout are dropped; the backlog goes repl-backlog-ttl
// after the last replica.
func TestPingTimeoutsBacklogTTL(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig("repl-ping-replica-period", "2", "repl-timeout", "5", "repl-backlog-ttl", "30"))
	var logs []string
	tn.OnLog = func(_ LogLevel, msg string) { logs = append(logs, msg) }
	id := tn.connect()
	r := newReplica(tn, opdisConfig())
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	start := len(r.stream)
	for i := 0; i < 4; i++ {
		tn.advance(time.Second)
		r.ack(r.offset())
		r.pump()
	}
	_, frames := splitStream(t, r.stream[start:])
	if len(frames) != 2 || frames[0] != psync.StreamPing {
		t.Fatalf("4s with period 2: frames %q", frames)
	}
	if got := tn.repl.ids.MasterReplOffset; got != r.offset() {
		t.Fatalf("PINGs not counted: master %d, replica %d", got, r.offset())
	}
	if tn.aofOn() {
		t.Fatal("test assumes no AOF")
	}
	// Quiet replica: dropped after repl-timeout.
	for i := 0; i < 6; i++ {
		tn.advance(time.Second)
		r.pump()
	}
	if !r.closed {
		t.Fatal("a replica silent for longer than repl-timeout stays")
	}
	if !strings.Contains(strings.Join(logs, "\n"), "Disconnecting timedout replica (streaming sync): 10.0.0.7:7001") {
		t.Fatalf("no timeout log line: %q", logs)
	}
	replid := tn.repl.ids.ReplID
	tn.advance(29 * time.Second)
	if got := infoField(tn, id, "replication", "repl_backlog_active"); got != "1" {
		t.Fatalf("backlog freed before its TTL")
	}
	tn.advance(2 * time.Second)
	if got := infoField(tn, id, "replication", "repl_backlog_active"); got != "0" {
		t.Fatalf("backlog still active after its TTL")
	}
	if tn.repl.ids.ReplID == replid {
		t.Fatal("replid kept after the backlog was freed")
	}
}

// With repl-diskless-sync-delay, replicas arriving within it share one
// snapshot (newlines keep them alive meanwhile); one arriving after the
// transfer began waits for the next snapshot.
func TestDisklessDelayShares(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig("repl-diskless-sync-delay", "3"))
	id := tn.connect()
	populate(tn, id, 5000)
	a := newReplica(tn, opdisConfig())
	tn.advance(time.Second)
	a.pump()
	b := newReplica(tn, opdisConfig())
	if a.full != nil || b.full != nil {
		t.Fatal("+FULLRESYNC before the delay")
	}
	for i := 0; i < 3; i++ {
		tn.advance(time.Second)
		a.pump()
		b.pump()
	}
	if a.full == nil || b.full == nil || a.full.Offset != b.full.Offset {
		t.Fatalf("not one shared snapshot: %v %v", a.full, b.full)
	}
	if a.keep < 2 {
		t.Fatalf("%d keep-alive newlines while waiting", a.keep)
	}
	tn.advance(time.Millisecond) // the walk has handed out bytes
	a.pump()
	b.pump()
	tn.do(id, "SET", "late", "1")
	c := newReplica(tn, opdisConfig())
	if c.full != nil {
		t.Fatal("a replica joined a diskless transfer already under way")
	}
	for i := 0; i < 1000 && (!a.rdbDone || !b.rdbDone || !c.rdbDone); i++ {
		tn.advance(time.Millisecond)
		a.pump()
		b.pump()
		c.pump()
	}
	if !bytes.Equal(a.rdb, b.rdb) || c.full == nil || c.full.Offset == a.full.Offset {
		t.Fatalf("a and b differ or c had no sync of its own (c: %v)", c.full)
	}
	if got := infoField(tn, id, "stats", "sync_full"); got != "3" {
		t.Fatalf("sync_full %s", got)
	}
}

// The last replica of a diskless transfer leaving abandons the snapshot.
func TestDisklessAbandoned(t *testing.T) {
	clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
	tn := &tnode{Node: New(replConfig(), Env{Clock: clock, Rand: &testRand{s: 1}, FS: simfs.New()}), t: t, clock: clock}
	id := tn.connect()
	populate(tn, id, 5000)
	r := newReplica(tn, opdisConfig())
	if tn.snap == nil {
		t.Fatal("no snapshot")
	}
	tn.Disconnect(r.id)
	if tn.snap != nil {
		t.Fatal("the snapshot runs on with no replica")
	}
	tn.want(id, `"Background saving started"`, "BGSAVE")
}

func TestROLEAndINFOReplicas(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	id := tn.connect()
	r := newReplica(tn, psync.Config{ListeningPort: 7001, AnnounceIP: "192.0.2.9", Opdis: &psync.OpdisPSYNC{NextOpID: 1, ServerID: 12345678}})
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	tn.do(id, "SET", "a", "1")
	r.pump()
	r.ack(r.offset())
	r.pump()
	off := strconv.FormatInt(r.offset(), 10)
	tn.want(id, `["master", (integer) `+off+`, [["192.0.2.9", "7001", "`+off+`"]]]`, "ROLE")
	if got := infoField(tn, id, "replication", "slave0"); got != "ip=192.0.2.9,port=7001,state=online,offset="+off+",lag=0" {
		t.Fatalf("slave0 = %q", got)
	}
	tn.advance(3 * time.Second)
	if got := infoField(tn, id, "replication", "slave0"); !strings.HasSuffix(got, ",lag=3") {
		t.Fatalf("slave0 = %q after 3s without ACK", got)
	}
}

func TestReplConfigOptions(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	id := tn.connect()
	tn.want(id, `["client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"]`,
		"CONFIG", "GET", "client-output-buffer-limit")
	tn.want(id, `"OK"`, "CONFIG", "SET", "client-output-buffer-limit", "replica 1mb 512kb 5")
	tn.want(id, `["client-output-buffer-limit", "normal 0 0 0 slave 1048576 524288 5 pubsub 33554432 8388608 60"]`,
		"CONFIG", "GET", "client-output-buffer-limit")
	for v, msg := range map[string]string{ //det:ok independent cases
		"replica 1mb 512kb": "Wrong number of arguments in buffer limit configuration.",
		"foo 1 2 3":         "Invalid client class specified in buffer limit configuration.",
		"replica x 2 3":     "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
		"replica 1 2 -3":    "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
	} {
		tn.want(id, "(error) ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - "+msg,
			"CONFIG", "SET", "client-output-buffer-limit", v)
	}
	tn.want(id, `"OK"`, "CONFIG", "SET", "client-output-buffer-limit", "normal 1 2 3 slave 4 5 6")
	tn.want(id, `["client-output-buffer-limit", "normal 1 2 3 slave 4 5 6 pubsub 33554432 8388608 60"]`,
		"CONFIG", "GET", "client-output-buffer-limit")
	if got := tn.outputLimits()[classReplica]; got != (OutputBufferLimit{4, 5, 6}) {
		t.Fatalf("replica limit %+v", got)
	}

	r := newReplica(tn, opdisConfig())
	_ = r
	tn.want(id, `"OK"`, "CONFIG", "SET", "repl-backlog-size", "64kb")
	if got := infoField(tn, id, "replication", "repl_backlog_size"); got != "65536" {
		t.Fatalf("repl_backlog_size %s after CONFIG SET", got)
	}
}

func FuzzOutputBufferLimits(f *testing.F) {
	for _, s := range []string{"replica 256mb 64mb 60", "normal 0 0 0 slave 1 2 3 pubsub 4 5 6", "slave 1kb 1k 0", "x", "", "replica -1 2 3", "pubsub 1 2 99999999999999999999"} {
		f.Add(s)
	}
	def := DefaultConfig().ClientOutputBufferLimit
	f.Fuzz(func(t *testing.T, v string) {
		got, err := mergeOutputBufferLimits(def, v)
		if err != nil {
			return
		}
		// The normalized form reads back as itself.
		again, err := mergeOutputBufferLimits(got, got)
		if err != nil || again != got {
			t.Fatalf("%q → %q → %q, %v", v, got, again, err)
		}
		if _, err := parseOutputBufferLimits([3]OutputBufferLimit{}, got); err != nil {
			t.Fatal(err)
		}
	})
}

// Legacy SYNC (an opdis replica may use it): the RDB comes with no
// +FULLRESYNC line, then the stream; such a replica sends no ACKs and is
// not timed out for it.
func TestLegacySYNC(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig("repl-timeout", "2"))
	id := tn.connect()
	tn.do(id, "SET", "a", "1")
	rid := tn.connect()
	tn.want(rid, `"OK"`, "REPLCONF", "capa", "opinfo")
	tn.Feed(rid, []byte("SYNC\r\n"))
	var out []byte
	for i := 0; i < 100; i++ {
		tn.advance(time.Millisecond)
		b, closed := tn.TakeOutput(rid, nil)
		if closed {
			t.Fatal("closed")
		}
		out = append(out, b...)
	}
	for out[0] == '\n' {
		out = out[1:]
	}
	line, rest, _ := bytes.Cut(out, []byte("\r\n"))
	if line[0] != '$' {
		t.Fatalf("SYNC reply starts %q", out[:min(len(out), 40)])
	}
	size, _ := strconv.Atoi(string(line[1:]))
	b := loadInto(t, tn, rest[:size])
	tn.do(id, "SET", "b", "2")
	tn.advance(3 * time.Second)
	more, closed := tn.TakeOutput(rid, nil)
	if closed {
		t.Fatal("a SYNC replica was timed out for sending no ACKs")
	}
	entries, _ := splitStream(t, append(rest[size:], more...))
	applyEntries(t, b, entries)
	if got, want := dumpKeyspace(b.Node), dumpKeyspace(tn.Node); got != want {
		t.Fatalf("SYNC replica differs:\n%s", diffLines(want, got))
	}
}

// WAITs in a row share one GETACK.
func TestWAITSharesGETACK(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	r := newReplica(tn, opdisConfig())
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	a, b := tn.connect(), tn.connect()
	tn.do(a, "SET", "a", "1")
	tn.do(b, "SET", "b", "1")
	tn.Feed(a, []byte("WAIT 1 0\r\n"))
	tn.Feed(b, []byte("WAIT 1 0\r\n"))
	r.pump()
	_, frames := splitStream(t, r.stream)
	if n := strings.Count(strings.Join(frames, ""), psync.GetAck); n != 1 {
		t.Fatalf("%d GETACKs for two WAITs in a row", n)
	}
	r.ack(r.offset())
	r.pump()
	if ga, gb := tn.replies(a), tn.replies(b); len(ga) != 1 || len(gb) != 1 || ga[0].Int != 1 || gb[0].Int != 1 {
		t.Fatalf("WAIT replies %v %v", ga, gb)
	}
}

// A disk-based replica arriving during a BGSAVE begun under the current
// history joins it: +FULLRESYNC names the BGSAVE's point, and the writes
// since come in the stream.
func TestJoinRunningBGSAVE(t *testing.T) {
	clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
	tn := &tnode{Node: New(replConfig("repl-diskless-sync", "no", "save", ""), Env{Clock: clock, Rand: &testRand{s: 1}, FS: simfs.New()}), t: t, clock: clock}
	id := tn.connect()
	populate(tn, id, 5000)
	first := newReplica(tn, opdisConfig())
	for !first.rdbDone {
		tn.advance(time.Millisecond)
		first.pump()
	}
	tn.want(id, `"Background saving started"`, "BGSAVE")
	point := tn.repl.ids.MasterReplOffset
	tn.do(id, "SET", "after-bgsave", "1")
	r := newReplica(tn, opdisConfig())
	if r.full == nil || r.full.Offset != point {
		t.Fatalf("joined at %v, the BGSAVE began at offset %d", r.full, point)
	}
	for !r.rdbDone {
		tn.advance(time.Millisecond)
		r.pump()
	}
	r.pump()
	b := loadInto(t, tn, r.rdb)
	entries, _ := splitStream(t, r.stream)
	applyEntries(t, b, entries)
	if got, want := dumpKeyspace(b.Node), dumpKeyspace(tn.Node); got != want {
		t.Fatalf("joined replica differs:\n%s", diffLines(want, got))
	}
	if got := infoField(tn, id, "stats", "sync_full"); got != "2" {
		t.Fatalf("sync_full %s", got)
	}
}

// A replica arriving before a diskless snapshot has handed out a byte
// joins it.
func TestDisklessJoinBeforeFirstStep(t *testing.T) {
	tn := newTestNodeConfig(t, replConfig())
	id := tn.connect()
	populate(tn, id, 3000)
	a := newReplica(tn, opdisConfig())
	b := newReplica(tn, opdisConfig())
	if a.full == nil || b.full == nil || a.full.Opdis.NextOpID != b.full.Opdis.NextOpID || a.full.Offset != b.full.Offset {
		t.Fatalf("not one snapshot: %v %v", a.full, b.full)
	}
	for i := 0; i < 1000 && (!a.rdbDone || !b.rdbDone); i++ {
		tn.advance(time.Millisecond)
		a.pump()
		b.pump()
	}
	if !bytes.Equal(a.rdb, b.rdb) || len(a.rdb) == 0 {
		t.Fatal("different RDBs from one snapshot")
	}
	if got := infoField(tn, id, "persistence", "rdb_bgsave_in_progress"); got != "0" {
		t.Fatalf("a second snapshot ran (%s)", got)
	}
}

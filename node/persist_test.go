package node

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"opdis/aofbinlog"
	"opdis/sim/simfs"
	"opdis/wire"
)

// Persistence tests: the node on the simulated crash FS, restarted from
// its own files.

// pnode is a test node with a data directory.
func newPersistNode(t *testing.T, fs aofbinlog.FS, clock *testClock, seed uint64, set ...string) *tnode {
	t.Helper()
	cfg := DefaultConfig()
	cfg.AppendOnly = true
	cfg.Save = ""
	for i := 0; i+1 < len(set); i += 2 {
		if err := cfg.Set(set[i], set[i+1], true); err != nil {
			t.Fatalf("config %s: %v", set[i], err)
		}
	}
	n := New(cfg, Env{Clock: clock, Rand: &testRand{s: seed}, FS: fs})
	tn := &tnode{Node: n, t: t, clock: clock}
	if err := n.Load(); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return tn
}

// dumpKeyspace renders every live key of every database: db, key, type,
// value (sets and hashes sorted) and expiry.
func dumpKeyspace(n *Node) string {
	now := n.nowMs()
	var out []string
	for i := range n.dbs {
		n.DB(i).Range(func(k string, o *Object, at int64) bool {
			if at != -1 && at <= now {
				return true
			}
			var val []string
			switch o.Type {
			case TypeString:
				val = []string{string(o.Str)}
			case TypeList:
				for _, v := range o.List.Values() {
					val = append(val, string(v))
				}
			case TypeSet:
				val = o.Set.Keys()
				sort.Strings(val)
			case TypeZSet:
				o.ZSet.Range(func(m string, s float64) bool {
					val = append(val, m+"="+strconv.FormatFloat(s, 'g', 17, 64))
					return true
				})
			case TypeHash:
				o.Hash.Range(func(f string, v []byte) bool { val = append(val, f+"="+string(v)); return true })
				sort.Strings(val)
			}
			out = append(out, fmt.Sprintf("%d %q %s %q %d", i, k, o.Type, val, at))
			return true
		})
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// workload drives random writes of every type (and some transactions) on
// a few keys in three databases.
type workload struct {
	r   *testRand
	tn  *tnode
	ids []int64
}

func newWorkload(tn *tnode, seed uint64) *workload {
	w := &workload{r: &testRand{s: seed}, tn: tn}
	for db := 0; db < 3; db++ {
		id := tn.connect()
		tn.do(id, "SELECT", strconv.Itoa(db))
		w.ids = append(w.ids, id)
	}
	return w
}

func (w *workload) pick(xs ...string) string { return xs[w.r.Uint64()%uint64(len(xs))] }

func (w *workload) command() []string {
	key := w.pick("a", "b", "c", "d", "e", "f", "g", "h")
	val := w.pick("1", "22", "x", "hello world", strings.Repeat("v", 70), "-5", "3.5")
	ms := strconv.FormatInt(w.tn.nowMs()+int64(w.r.Uint64()%5000), 10)
	switch w.r.Uint64() % 20 {
	case 0:
		return []string{"SET", key, val}
	case 1:
		return []string{"SET", key, val, "PX", strconv.Itoa(int(w.r.Uint64()%3000) + 1)}
	case 2:
		return []string{"INCR", "n" + key}
	case 3:
		return []string{"APPEND", key, val}
	case 4:
		return []string{"RPUSH", "l" + key, val, val}
	case 5:
		return []string{"LPOP", "l" + key}
	case 6:
		return []string{"SADD", "s" + key, val, w.pick("1", "2", "3", "m")}
	case 7:
		return []string{"SPOP", "s" + key}
	case 8:
		return []string{"ZADD", "z" + key, w.pick("1", "2.5", "-inf", "7"), val}
	case 9:
		return []string{"ZINCRBY", "z" + key, "1.5", val}
	case 10:
		return []string{"HSET", "h" + key, w.pick("f1", "f2", "f3"), val}
	case 11:
		return []string{"HINCRBYFLOAT", "hf" + key, "f", "0.1"}
	case 12:
		return []string{"DEL", key, "l" + key}
	case 13:
		return []string{"PEXPIREAT", w.pick(key, "l"+key, "s"+key, "z"+key, "h"+key), ms}
	case 14:
		return []string{"RENAME", w.pick(key, "l"+key), w.pick("a", "b", "la")}
	case 15:
		return []string{"INCRBYFLOAT", "f" + key, "1.25"}
	case 16:
		return []string{"MOVE", key, w.pick("0", "1", "2")}
	case 17:
		return []string{"LMOVE", "l" + key, "l" + w.pick("a", "b"), "LEFT", "RIGHT"}
	case 18:
		return []string{"COPY", key, w.pick("a", "b", "c"), "DB", w.pick("0", "1", "2"), "REPLACE"}
	default:
		return []string{"ZPOPMIN", "z" + key}
	}
}

// step runs one random command (or transaction) and returns its replies.
func (w *workload) step() {
	id := w.ids[w.r.Uint64()%uint64(len(w.ids))]
	if w.r.Uint64()%15 == 0 {
		w.tn.do(id, "MULTI")
		for k := w.r.Uint64()%4 + 1; k > 0; k-- {
			w.tn.do(id, w.command()...)
		}
		w.tn.do(id, "EXEC")
		return
	}
	w.tn.do(id, w.command()...)
}

// A node restarted on its AOF (with splits, purges and snapshots along the
// way) has exactly the keyspace it had, and continues the op ids.
func TestAOFRestartRestoresKeyspace(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		fs := simfs.New()
		clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
		a := newPersistNode(t, fs, clock, seed, "aof-max-size", "2kb", "aof-keep-size", "8kb", "appendfsync",
			[]string{"always", "everysec", "no"}[seed%3])
		w := newWorkload(a, seed)
		for i := 0; i < 1500; i++ {
			w.step()
			switch i % 400 {
			case 100:
				if os.Getenv("NOBG") == "" {
					a.do(w.ids[0], "BGSAVE")
				}
			case 250:
				a.do(w.ids[0], "AOFFLUSH")
			}
			if i%7 == 0 {
				a.advance(time.Duration(w.r.Uint64()%300) * time.Millisecond)
			}
		}
		for a.SnapshotInProgress() {
			a.advance(time.Millisecond)
		}
		want, next := dumpKeyspace(a.Node), a.NextOpID()
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		b := newPersistNode(t, fs, clock, seed+100)
		if got := dumpKeyspace(b.Node); got != want {
			t.Fatalf("seed %d: restarted keyspace differs:\n%s", seed, diffLines(want, got))
		}
		if b.NextOpID() != next {
			t.Fatalf("seed %d: next op id %d after restart, want %d", seed, b.NextOpID(), next)
		}
	}
}

// Under appendfsync always a crash loses no acknowledged write: the FS
// loses everything not fsynced, yet the restart equals the keyspace as of
// the last reply taken.
func TestAOFAlwaysCrashKeepsAcknowledged(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		fs := simfs.New()
		clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
		a := newPersistNode(t, fs, clock, seed, "aof-max-size", "4kb", "appendfsync", "always")
		w := newWorkload(a, seed)
		for i := 0; i < 600; i++ {
			w.step() // do() takes the replies: every write is acknowledged
			if i%50 == 49 {
				want := dumpKeyspace(a.Node)
				crashed := fs.Clone()
				crashed.Crash(&testRand{s: seed*1000 + uint64(i)})
				b := newPersistNode(t, crashed, &testClock{ns: clock.ns}, seed+7)
				if got := dumpKeyspace(b.Node); got != want {
					t.Fatalf("seed %d step %d: crash lost acknowledged writes:\n%s", seed, i, diffLines(want, got))
				}
			}
		}
	}
}

// A transaction is one entry with cmd_num 0; a single command is one
// entry; expiry deletes carry the flag; op ids go up by one.
func TestOplogEntryShapes(t *testing.T) {
	tn := newTestNode(t)
	var got []wire.Entry
	tn.OnEntry(func(b []byte, h wire.Header) {
		e, n, err := wire.ParseEntry(b, true)
		if err != nil || n != len(b) || e.Header != h {
			t.Fatalf("entry does not parse back: %v (%d of %d bytes)", err, n, len(b))
		}
		got = append(got, e)
	})
	id := tn.connect()
	tn.do(id, "SET", "k", "v")
	tn.do(id, "MULTI")
	tn.do(id, "SET", "a", "1")
	tn.do(id, "SELECT", "2")
	tn.do(id, "INCR", "a")
	tn.do(id, "EXEC")
	tn.do(id, "SET", "t", "x", "PX", "10")
	tn.do(id, "GET", "k") // no entry
	tn.advance(20 * time.Millisecond)
	tn.do(id, "GET", "t") // lazily expired: DEL with the flag
	render := func(e wire.Entry) string {
		var parts []string
		for _, c := range e.Commands {
			var args []string
			for _, a := range c {
				args = append(args, string(a))
			}
			parts = append(parts, strings.Join(args, " "))
		}
		return fmt.Sprintf("op%d db%d num%d flag%d: %s", e.Header.OpID, e.Header.DB, e.Header.CmdNum, e.Header.CmdFlag, strings.Join(parts, "; "))
	}
	var lines []string
	for _, e := range got {
		lines = append(lines, render(e))
	}
	at := strings.Fields(lines[2])[len(strings.Fields(lines[2]))-1]
	want := []string{
		"op1 db0 num2 flag0: set k v",
		"op2 db0 num0 flag0: multi; set a 1; select 2; INCR a; exec",
		"op3 db2 num2 flag0: set t x pxat " + at,
		"op4 db2 num2 flag4: del t",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if got[1].Header.Epoch != tn.Epoch() || got[1].Header.ServerID != tn.cfg.ServerID || got[1].Header.SrcOpID != -1 {
		t.Fatalf("header %+v", got[1].Header)
	}
}

// A torn tail is repaired at start; damage elsewhere refuses to start,
// names the file and offset, and deletes nothing.
func TestAOFLoadTornAndCorrupt(t *testing.T) {
	fs := simfs.New()
	clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
	a := newPersistNode(t, fs, clock, 1, "appendfsync", "always")
	id := a.connect()
	for i := 0; i < 20; i++ {
		a.do(id, "SET", "k"+strconv.Itoa(i), "v")
		if i == 9 {
			a.do(id, "AOFFLUSH")
		}
	}
	a.Close()
	files := aofFiles(t, fs)
	last := files[len(files)-1]
	data, _ := fs.ReadFile(last)
	fs.WriteFile(last, data[:len(data)-5])
	var logged []string
	b := New(a.cfg, Env{Clock: clock, Rand: &testRand{s: 2}, FS: fs})
	b.OnLog = func(_ LogLevel, msg string) { logged = append(logged, msg) }
	if err := b.Load(); err != nil {
		t.Fatalf("torn tail refused: %v", err)
	}
	if b.DB(0).Len() != 19 || !strings.Contains(strings.Join(logged, "\n"), "Truncated the torn tail") {
		t.Fatalf("after a torn tail: %d keys, log %q", b.DB(0).Len(), logged)
	}
	b.Close()

	// Damage in the middle of the first file.
	first := files[0]
	data, _ = fs.ReadFile(first)
	bad := append([]byte(nil), data...)
	i := strings.Index(string(bad), "k3")
	bad[i-3] = 'X' // the $2 before it
	fs.WriteFile(first, bad)
	before, _ := fs.List()
	c := New(a.cfg, Env{Clock: clock, Rand: &testRand{s: 3}, FS: fs})
	err := c.Load()
	if err == nil || !strings.Contains(err.Error(), first) || !strings.Contains(err.Error(), "offset") {
		t.Fatalf("corrupt middle: %v", err)
	}
	var ce *aofbinlog.CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("not a CorruptError: %v", err)
	}
	after, _ := fs.List()
	if strings.Join(before, " ") != strings.Join(after, " ") {
		t.Fatalf("files changed: %v -> %v", before, after)
	}
	if got, _ := fs.ReadFile(first); string(got) != string(bad) {
		t.Fatal("the damaged file was modified")
	}
}

func TestAOFCommands(t *testing.T) {
	fs := simfs.New()
	clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
	a := newPersistNode(t, fs, clock, 1, "auto-purge-aof", "no")
	a.snapBarrier() // the first start's snapshot
	id := a.connect()
	for i := 0; i < 5; i++ {
		a.do(id, "SET", "k", strconv.Itoa(i))
		a.want(id, `"OK"`, "AOFFLUSH")
		clock.ns += int64(time.Second)
	}
	// rdb.index names the file made at start, so nothing before it goes.
	files := a.aof.log.Files()
	a.want(id, "(integer) 0", "PURGEAOFTO", files[0].Name)
	a.want(id, `"OK"`, "SAVE")
	a.do(id, "SET", "k", "x")
	files = a.aof.log.Files()
	// Op id form: purge every file wholly before op id 4.
	a.want(id, "(integer) 3", "PURGEAOFTO", "4")
	a.want(id, "(error) ERR wrong number of arguments for 'purgeaofto' command", "PURGEAOFTO")
	if got := len(a.aof.log.Files()); got != len(files)-3 {
		t.Fatalf("%d files left of %d", got, len(files))
	}
	b := newTestNode(t)
	bid := b.connect()
	b.want(bid, "(error) ERR Aof is not open while doing aof flush", "AOFFLUSH")
}

func aofFiles(t *testing.T, fs *simfs.FS) []string {
	t.Helper()
	data, err := fs.ReadFile(aofbinlog.IndexName)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := aofbinlog.ParseIndex(data)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range lines {
		names = append(names, l.Name)
	}
	return names
}

// diffLines shows the lines only in want (-) or only in got (+).
func diffLines(want, got string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, l := range strings.Split(want, "\n") {
		w[l] = true
	}
	for _, l := range strings.Split(got, "\n") {
		g[l] = true
	}
	var out []string
	for l := range w { //det:ok sorted below
		if !g[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range g { //det:ok sorted below
		if !w[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func TestInfoPersistence(t *testing.T) {
	fs := simfs.New()
	clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
	a := newPersistNode(t, fs, clock, 1)
	id := a.connect()
	info := func() map[string]string {
		m := map[string]string{}
		for _, l := range strings.Split(a.do(id, "INFO", "persistence").Str, "\r\n") {
			if k, v, ok := strings.Cut(l, ":"); ok {
				m[k] = v
			}
		}
		return m
	}
	if m := info(); m["rdb_bgsave_in_progress"] != "1" || m["aof_enabled"] != "1" || m["aof_inc_files"] != "1" {
		t.Fatalf("after first start: %v", m)
	}
	a.snapBarrier()
	a.do(id, "SET", "k", "v")
	m := info()
	if m["rdb_bgsave_in_progress"] != "0" || m["rdb_saves"] != "1" || m["rdb_last_bgsave_status"] != "ok" ||
		m["aof_last_opid"] != "1" || m["aof_synced_opid"] != "0" || m["rdb_index_next_opid"] != "1" || m["rdb_changes_since_last_save"] != "1" {
		t.Fatalf("after a snapshot and a write: %v", m)
	}
	a.want(id, `"Background saving started"`, "BGSAVE")
	a.want(id, "(error) ERR Background save already in progress", "BGSAVE")
	a.want(id, `"Background saving scheduled"`, "BGSAVE", "SCHEDULE")
	a.snapBarrier()
	if m := info(); m["rdb_saves"] != "2" || m["aof_inc_files"] != "2" || m["rdb_index_next_opid"] != "2" {
		t.Fatalf("after BGSAVE: %v", m)
	}
}

// BGSAVE is point-in-time: the RDB holds the keyspace as it was when the
// save began, though the workload keeps writing (and expiring, renaming,
// moving, flushing) between its steps.
func TestSnapshotIsPointInTime(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		fs := simfs.New()
		clock := &testClock{ns: 1_700_000_000 * int64(time.Second)}
		a := newPersistNode(t, fs, clock, seed, "appendonly", []string{"yes", "no"}[seed%2])
		a.snapBarrier()
		w := newWorkload(a, seed)
		for i := 0; i < 400; i++ {
			w.step()
		}
		// Many keys, so the walk takes many steps.
		for i := 0; i < 5000; i++ {
			a.do(w.ids[i%3], "SET", "bulk"+strconv.Itoa(i), strconv.Itoa(i))
		}
		want := dumpKeyspace(a.Node)
		a.want(w.ids[0], `"Background saving started"`, "BGSAVE")
		steps := 0
		for a.SnapshotInProgress() {
			for k := 0; k < 30; k++ {
				w.step()
				if w.r.Uint64()%200 == 0 {
					a.do(w.ids[1], "DEL", "bulk"+strconv.Itoa(int(w.r.Uint64()%5000)))
				}
			}
			if steps == 3 && seed%3 == 0 {
				a.do(w.ids[2], "FLUSHDB") // completes the snapshot first
			}
			a.advance(time.Millisecond)
			steps++
		}
		if steps < 2 && seed%3 != 0 {
			t.Fatalf("seed %d: the snapshot took %d steps: not incremental", seed, steps)
		}
		name := a.cfg.DBFilename
		if a.aof.log != nil {
			idx, _ := a.aof.log.RDBIndex()
			name = idx.RDB
		}
		b := New(a.cfg, Env{Clock: &testClock{ns: 1_700_000_000 * int64(time.Second)}, Rand: &testRand{s: 9}, FS: fs})
		if err := b.loadRDBFile(name, false); err != nil {
			t.Fatal(err)
		}
		if got := dumpKeyspace(b); got != want {
			t.Fatalf("seed %d: snapshot differs from the keyspace at BGSAVE:\n%s", seed, diffLines(want, got))
		}
	}
}

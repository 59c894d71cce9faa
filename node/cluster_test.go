package node

import (
	"errors"
	"io"
	"strconv"
	"testing"
	"time"

	"opdis/sim/simfs"
	"opdis/wire"
)

// A few real nodes wired together by hand: REPLICAOF dials through a test
// Dialer, pump carries the bytes both ways. Each node has its own
// simulated data directory and can be stopped and restarted from it.

// tdialer records the node's dial requests.
type tdialer struct{ dials []tdial }

type tdial struct {
	id   int64
	host string
}

func (d *tdialer) Dial(id int64, host string, port int) { d.dials = append(d.dials, tdial{id, host}) }

// cnode is one node of a tcluster.
type cnode struct {
	*tnode
	name   string
	fs     *simfs.FS
	dialer *tdialer
	set    []string // config options, for restarts
	seed   uint64
	down   bool
}

// clink is one replica link: the replica's client id and the master's.
type clink struct {
	rep, mas     *cnode
	repID, masID int64
}

type tcluster struct {
	t     *testing.T
	clock *testClock
	nodes []*cnode
	links []*clink
	// bytes the masters sent on replica links since the last reset
	sent int64
	// maxTakes, when > 0, limits each pump to that many rounds.
	maxTakes int
	// refuse makes dials to these nodes fail (a partition).
	refuse map[string]bool
	// lose, when it returns true for what a master sent on a link, loses
	// those bytes in flight and cuts the link.
	lose func(l *clink, out []byte) bool
}

func newCluster(t *testing.T) *tcluster {
	return &tcluster{t: t, clock: &testClock{ns: 1_700_000_000 * int64(time.Second)}, refuse: map[string]bool{}}
}

// add starts a node called name with appendonly yes and set.
func (tc *tcluster) add(name string, set ...string) *cnode {
	tc.t.Helper()
	cn := &cnode{name: name, fs: simfs.New(), set: set, seed: uint64(len(tc.nodes) + 1)}
	tc.nodes = append(tc.nodes, cn)
	tc.boot(cn)
	return cn
}

func (tc *tcluster) boot(cn *cnode) {
	tc.t.Helper()
	cfg := DefaultConfig()
	cfg.AppendOnly = true
	cfg.Save = ""
	cfg.ReplDisklessSyncDelay = 0
	for i := 0; i+1 < len(cn.set); i += 2 {
		if err := cfg.Set(cn.set[i], cn.set[i+1], true); err != nil {
			tc.t.Fatalf("config %s: %v", cn.set[i], err)
		}
	}
	cn.dialer = &tdialer{}
	cn.seed += 1000
	n := New(cfg, Env{Clock: tc.clock, Rand: &testRand{s: cn.seed}, FS: cn.fs, Dialer: cn.dialer})
	cn.tnode = &tnode{Node: n, t: tc.t, clock: tc.clock}
	if testing.Verbose() {
		name := cn.name
		n.OnLog = func(level LogLevel, msg string) { tc.t.Logf("%s: %s", name, msg) }
	}
	if err := n.Load(); err != nil {
		tc.t.Fatalf("%s: Load: %v", cn.name, err)
	}
	for n.SnapshotInProgress() { // a first start snapshots in the background
		cn.advance(time.Millisecond)
	}
	cn.down = false
}

// stop shuts a node down cleanly (its files are closed; its links drop).
func (tc *tcluster) stop(cn *cnode) {
	tc.t.Helper()
	for _, l := range append([]*clink(nil), tc.links...) {
		if l.rep == cn || l.mas == cn {
			tc.cut(l)
		}
	}
	if err := cn.Close(); err != nil {
		tc.t.Fatalf("%s: Close: %v", cn.name, err)
	}
	cn.down = true
}

// crash stops a node as a power loss does: no Close, and its directory
// keeps only what was synced.
func (tc *tcluster) crash(cn *cnode) {
	for _, l := range append([]*clink(nil), tc.links...) {
		if l.rep == cn || l.mas == cn {
			tc.cut(l)
		}
	}
	cn.down = true
	cn.fs.CrashClean()
}

// restart boots a stopped node from its directory, with extra options.
func (tc *tcluster) restart(cn *cnode, set ...string) {
	tc.t.Helper()
	cn.set = append(cn.set, set...)
	tc.boot(cn)
}

// cut drops a link as a broken connection does.
func (tc *tcluster) cut(l *clink) {
	for i, x := range tc.links {
		if x == l {
			tc.links = append(tc.links[:i], tc.links[i+1:]...)
			break
		}
	}
	if !l.rep.down {
		l.rep.Disconnect(l.repID)
	}
	if !l.mas.down {
		l.mas.Disconnect(l.masID)
	}
}

// cutAll drops every link of replica cn.
func (tc *tcluster) cutAll(cn *cnode) {
	for _, l := range append([]*clink(nil), tc.links...) {
		if l.rep == cn {
			tc.cut(l)
		}
	}
}

func (tc *tcluster) node(name string) *cnode {
	for _, cn := range tc.nodes {
		if cn.name == name {
			return cn
		}
	}
	return nil
}

// pump moves bytes until nothing moves (or maxTakes rounds).
func (tc *tcluster) pump() {
	tc.t.Helper()
	for round := 0; round < 1_000_000; round++ {
		if tc.maxTakes > 0 && round >= tc.maxTakes {
			return
		}
		progress := false
		for _, cn := range tc.nodes {
			if cn.down {
				continue
			}
			dials := cn.dialer.dials
			cn.dialer.dials = nil
			for _, d := range dials {
				progress = true
				m := tc.node(d.host)
				if m == nil || m.down || tc.refuse[m.name] {
					cn.Dialed(d.id, errors.New("connection refused"))
					continue
				}
				l := &clink{rep: cn, mas: m, repID: d.id}
				l.masID = m.Connect("10.0.0."+strconv.Itoa(int(cn.seed%200))+":40000", "10.0.0.1:6379")
				tc.links = append(tc.links, l)
				cn.Dialed(d.id, nil)
			}
			cn.Pending() // the links are polled below; test clients take their own output
		}
		for _, l := range append([]*clink(nil), tc.links...) {
			out, closed := l.rep.TakeOutput(l.repID, nil)
			if len(out) > 0 {
				l.mas.Feed(l.masID, out)
				progress = true
			}
			if closed {
				tc.cut(l)
				progress = true
				continue
			}
			out, closed = l.mas.TakeOutput(l.masID, nil)
			if len(out) > 0 && tc.lose != nil && tc.lose(l, out) {
				tc.cut(l)
				progress = true
				continue
			}
			if len(out) > 0 {
				tc.sent += int64(len(out))
				l.rep.Feed(l.repID, out)
				progress = true
			}
			if closed {
				tc.cut(l)
				progress = true
			}
		}
		if !progress {
			return
		}
	}
	tc.t.Fatal("pump never settled")
}

// settle ticks and pumps for d of simulated time (ACKs go every second).
func (tc *tcluster) settle(d time.Duration) {
	tc.t.Helper()
	saved := tc.maxTakes
	tc.maxTakes = 0
	for step := time.Duration(0); step < d; step += 100 * time.Millisecond {
		tc.clock.ns += int64(100 * time.Millisecond)
		for _, cn := range tc.nodes {
			if !cn.down {
				cn.Tick()
			}
		}
		tc.pump()
	}
	tc.maxTakes = saved
}

// replicaof points cn at master.
func (tc *tcluster) replicaof(cn, master *cnode) {
	tc.t.Helper()
	id := cn.connect()
	if got := cn.do(id, "REPLICAOF", master.name, "6379").String(); got != `"OK"` {
		tc.t.Fatalf("REPLICAOF: %s", got)
	}
	tc.pump()
}

// stat is an INFO field of cn.
func (cn *cnode) stat(section, field string) string {
	cn.t.Helper()
	return infoField(cn.tnode, cn.connect(), section, field)
}

// logEntry is one entry read back from a node's AOF.
type logRec struct {
	opid, epoch int64
	raw         string
}

// readLog returns every entry of cn's AOF with op id ≥ from, checking
// that the op ids go up by one.
func readLog(t *testing.T, cn *cnode, from int64) []logRec {
	t.Helper()
	l := cn.aof.log
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	rd, err := l.NewReader(max(from, l.MinOpID()))
	if err != nil {
		t.Fatalf("%s: reader at %d: %v", cn.name, from, err)
	}
	defer rd.Close()
	var out []logRec
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s: reading the AOF: %v", cn.name, err)
		}
		if len(rec.Entry.Commands) == 0 {
			continue
		}
		h := rec.Entry.Header
		if len(out) > 0 && h.OpID != out[len(out)-1].opid+1 {
			t.Fatalf("%s: AOF op id %d follows %d (%s offset %d)", cn.name, h.OpID, out[len(out)-1].opid, rec.File, rec.Offset)
		}
		out = append(out, logRec{h.OpID, h.Epoch, string(rec.Raw)})
	}
}

// converged checks that replica r has the master's data, op ids, offset
// and replication id, and that r's AOF entries from `from` on (from > 0)
// are the master's, byte for byte.
func converged(t *testing.T, m, r *cnode, from int64) {
	t.Helper()
	if got, want := dumpKeyspace(r.Node), dumpKeyspace(m.Node); got != want {
		t.Fatalf("%s differs from %s:\n%s", r.name, m.name, diffLines(want, got))
	}
	if r.NextOpID() != m.NextOpID() {
		t.Fatalf("%s next op id %d, %s %d", r.name, r.NextOpID(), m.name, m.NextOpID())
	}
	if r.repl.ids.MasterReplOffset != m.repl.ids.MasterReplOffset || r.repl.ids.ReplID != m.repl.ids.ReplID {
		t.Fatalf("%s at %s:%d, %s at %s:%d", r.name, r.repl.ids.ReplID, r.repl.ids.MasterReplOffset, m.name, m.repl.ids.ReplID, m.repl.ids.MasterReplOffset)
	}
	if from == 0 {
		return
	}
	rl, ml := readLog(t, r, from), readLog(t, m, from)
	if len(rl) == 0 || len(rl) != len(ml) {
		t.Fatalf("%s's AOF has %d entries from op id %d, %s's %d", r.name, len(rl), from, m.name, len(ml))
	}
	for i := range rl {
		if rl[i] != ml[i] {
			t.Fatalf("entry %d differs between %s and %s", rl[i].opid, r.name, m.name)
		}
	}
}

// writeN makes n writes of about size bytes each on cn, over id.
func writeN(cn *cnode, id int64, prefix string, n, size int) {
	val := make([]byte, size)
	for i := range val {
		val[i] = 'a' + byte(i%26)
	}
	for i := 0; i < n; i++ {
		k := prefix + strconv.Itoa(i%(n/2+1))
		switch i % 4 {
		case 0, 1:
			cn.do(id, "SET", k, string(val[:size-i%7]))
		case 2:
			cn.do(id, "RPUSH", "l"+k, strconv.Itoa(i))
		case 3:
			cn.do(id, "HSET", "h"+k, "f"+strconv.Itoa(i%3), strconv.Itoa(i))
		}
	}
}

// entryHeader decodes the header of raw entry bytes.
func entryHeader(t *testing.T, raw []byte) wire.Header {
	t.Helper()
	e, _, err := wire.ParseEntry(raw, true)
	if err != nil {
		t.Fatal(err)
	}
	return e.Header
}

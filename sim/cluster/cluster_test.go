package cluster

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"opdis/node"
	"opdis/sim/loop"
	"opdis/sim/rng"
	"opdis/sim/simclient"
	"opdis/sim/simnet"
	"opdis/wire"
)

// world is a one-node cluster and a client, driven by hand.
type world struct {
	t   *testing.T
	l   *loop.Loop
	net *simnet.Net
	c   *Cluster
	cl  *simclient.Client
}

func newWorld(t *testing.T, fsync string) *world {
	t.Helper()
	l := loop.New(nil)
	src := rng.New(7)
	net := simnet.New(l, src.Stream("net"), simnet.LinkConfig{Latency: simnet.Dist{Min: 100 * time.Microsecond}})
	c, err := New(l, net, src, Config{
		Nodes: 1, EverysecWindow: 2 * time.Second,
		NodeConfig: func(int) node.Config {
			cfg := node.DefaultConfig()
			for _, kv := range [][2]string{{"appendonly", "yes"}, {"appendfsync", fsync}, {"save", ""}} {
				if err := cfg.Set(kv[0], kv[1], true); err != nil {
					t.Fatal(err)
				}
			}
			return cfg
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, l: l, net: net, c: c}
}

// do sends commands on a fresh-if-needed connection and runs the loop
// until they are answered; it returns the replies.
func (w *world) do(cmds ...[]string) []string {
	w.t.Helper()
	if w.cl == nil || w.cl.Err() != nil {
		cl, err := simclient.Dial(w.net, "client", w.c.Node(0).Addr)
		if err != nil {
			w.t.Fatal(err)
		}
		w.cl = cl
	}
	out := make([]string, len(cmds))
	left := len(cmds)
	for i, args := range cmds {
		w.cl.Do(func(v wire.Value, err error) {
			out[i] = v.String()
			if err != nil {
				out[i] = "error: " + err.Error()
			}
			left--
		}, args...)
	}
	w.l.RunUntilDone(w.l.Now()+time.Second, func() bool { return left == 0 })
	if left > 0 {
		w.t.Fatalf("%d of %v unanswered", left, cmds)
	}
	return out
}

func sets(prefix string, n int) [][]string {
	var cmds [][]string
	for i := 0; i < n; i++ {
		cmds = append(cmds, []string{"SET", fmt.Sprintf("%s%d", prefix, i), fmt.Sprintf("v%d", i)})
	}
	return cmds
}

func (w *world) violations() string {
	var b strings.Builder
	for _, v := range w.c.Violations() {
		b.WriteString(v.String() + "\n")
	}
	return b.String()
}

func (w *world) restart() {
	w.t.Helper()
	if err := w.c.Node(0).Restart(); err != nil {
		w.t.Fatal(err)
	}
	w.cl = nil
}

// A regression scenario the simulator found (testdata/seeds): under
// everysec, a kill leaves acknowledged entries written but not fsynced;
// the restarted node served them and built new AOF files after them; a
// power loss then tore the old file, no longer the last one, and the node
// could not start. aofbinlog now fsyncs the last file when it opens it.
func TestKillThenPowerLossKeepsWhatTheRestartLoaded(t *testing.T) {
	w := newWorld(t, "everysec")
	n := w.c.Node(0)
	w.do(sets("a", 20)...) // well within the second: no fsync yet
	n.Crash(Kill)
	w.restart()
	if got := w.do([]string{"GET", "a19"}, []string{"AOFFLUSH"}); got[0] != `"v19"` || got[1] != `"OK"` {
		t.Fatalf("after the kill: %v", got)
	}
	w.do(sets("b", 5)...)
	w.l.RunFor(10 * time.Millisecond)
	n.Crash(PowerLoss)
	w.restart()
	if v := w.violations(); v != "" {
		t.Fatalf("violations:\n%s", v)
	}
	if got := w.do([]string{"GET", "a19"}); got[0] != `"v19"` {
		t.Fatalf("a write the node served before the power loss is gone: GET a19 = %s", got[0])
	}
}

// The oracle must catch an acknowledged entry missing after a restart:
// the test cuts the last entry off the AOF while the node is down.
func TestOracleCatchesALostAcknowledgedEntry(t *testing.T) {
	w := newWorld(t, "always")
	n := w.c.Node(0)
	w.do(sets("k", 10)...)
	n.Crash(Kill)
	name, data := lastAOF(t, n)
	i := bytes.LastIndex(data, []byte("*2\r\n$6\r\nopinfo"))
	rewrite(t, n, name, data[:i])
	w.restart()
	if v := w.violations(); !strings.Contains(v, "loaded op ids up to 9, but appendfsync always had acknowledged up to (op id 10)") {
		t.Fatalf("violations:\n%s", v)
	}
}

// ... and a loaded value that is not the one the node had in memory.
func TestOracleCatchesAWrongValue(t *testing.T) {
	w := newWorld(t, "always")
	n := w.c.Node(0)
	w.do(sets("k", 10)...)
	n.Crash(PowerLoss)
	name, data := lastAOF(t, n)
	rewrite(t, n, name, bytes.Replace(data, []byte("v7"), []byte("v8"), 1))
	w.restart()
	if v := w.violations(); !strings.Contains(v, `~k7: "v7" != "v8"`) {
		t.Fatalf("violations:\n%s", v)
	}
}

// A crash inside a disk call: the node goes down in the middle of the
// event, nothing it did after the crash point reaches the disk, and the
// restart loads a consistent prefix.
func TestCrashAfterOps(t *testing.T) {
	for _, kind := range []CrashKind{Kill, PowerLoss} {
		w := newWorld(t, "always")
		n := w.c.Node(0)
		downs := 0
		w.c.OnDown = func(*Node) { downs++ }
		w.do(sets("k", 5)...)
		n.CrashAfterOps(2, kind) // the second disk call of the next write
		got := w.do([]string{"SET", "x", "1"}, []string{"SET", "y", "2"})
		w.l.RunFor(time.Millisecond) // the crash completes after the event
		if !strings.HasPrefix(got[0], "error:") || downs != 1 || n.Up() {
			t.Fatalf("%s: replies %v, OnDown %d times, up %v", kind, got, downs, n.Up())
		}
		w.restart()
		if v := w.violations(); v != "" {
			t.Fatalf("%s: violations:\n%s", kind, v)
		}
		if got := w.do([]string{"GET", "k4"}); got[0] != `"v4"` {
			t.Fatalf("%s: acknowledged write lost: %v", kind, got)
		}
		if n.Stats.MidOpCrashes != 1 {
			t.Fatalf("%s: stats %+v", kind, n.Stats)
		}
	}
}

// lastAOF returns the newest AOF file holding entries.
func lastAOF(t *testing.T, n *Node) (string, []byte) {
	t.Helper()
	names, _ := n.FS.List()
	var best string
	var data []byte
	for _, name := range names {
		if !strings.HasPrefix(name, "appendonly-inc-") || !strings.HasSuffix(name, ".aof") {
			continue
		}
		d, _ := n.FS.ReadFile(name)
		if len(d) > 0 {
			best, data = name, d
		}
	}
	if best == "" {
		t.Fatalf("no AOF file with entries in %v", names)
	}
	return best, data
}

func rewrite(t *testing.T, n *Node, name string, data []byte) {
	t.Helper()
	f, err := n.FS.Create(name)
	if err == nil {
		_, err = f.Write(data)
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// A regression scenario the simulator found (testdata/seeds): everysec
// scheduled its fsync by the wall clock, so a clock stepped back stopped
// fsyncs until it caught up, and a power loss lost far more than a second.
func TestEverysecIgnoresWallClockSteps(t *testing.T) {
	w := newWorld(t, "everysec")
	n := w.c.Node(0)
	w.do(sets("a", 1)...)
	w.l.RunFor(1500 * time.Millisecond) // a first everysec fsync has happened
	n.Clock.Jump(-10 * time.Second)
	w.do(sets("k", 10)...)
	w.l.RunFor(3 * time.Second) // > the 2s window: they must be on disk now
	n.Crash(PowerLoss)
	w.restart()
	if v := w.violations(); v != "" {
		t.Fatalf("violations:\n%s", v)
	}
	if got := w.do([]string{"GET", "k9"}); got[0] != `"v9"` {
		t.Fatalf("GET k9 = %s after the power loss", got[0])
	}
}

// A regression scenario the simulator found (testdata/seeds, seed 3982):
// a kill inside an AOF split, after aof-inc.index was renamed to name the
// new (empty) file but before the directory fsync, leaves the rename in
// the OS only. The restarted node loaded that index and, its live file
// being empty, did not split again; it appended acknowledged writes to
// the new file and fsynced them, but a power loss rolled the index back
// and they were gone. aofbinlog now fsyncs the directory when it opens
// the log.
func TestKillInsideSplitThenPowerLossKeepsAcknowledgedWrites(t *testing.T) {
	w := newWorld(t, "always")
	n := w.c.Node(0)
	n.crashRand = rand.New(zeroSource{}) // a power loss keeps no un-synced directory operation
	w.do(sets("a", 3)...)
	// AOFFLUSH's split: stat, remove marks, create, fsync dir, then the
	// index (create tmp, write, fsync, rename, fsync dir): crash at the
	// last call.
	n.CrashAfterOps(9, Kill)
	if got := w.do([]string{"AOFFLUSH"}); !strings.HasPrefix(got[0], "error:") {
		t.Fatalf("AOFFLUSH = %s, want the node gone", got[0])
	}
	w.l.RunFor(time.Millisecond)
	w.restart()
	w.do(sets("b", 5)...)
	n.Crash(PowerLoss)
	w.restart()
	if v := w.violations(); v != "" {
		t.Fatalf("violations:\n%s", v)
	}
	if got := w.do([]string{"GET", "b4"}); got[0] != `"v4"` {
		t.Fatalf("an acknowledged write is gone: GET b4 = %s", got[0])
	}
}

type zeroSource struct{}

func (zeroSource) Uint64() uint64 { return 0 }

// A regression scenario the simulator found (seed 98159): a replica's
// power loss (appendfsync no) lost entries it had acknowledged, a kill
// before it got them back restarted it with nothing more lost, and the
// restart forgot the loss: the forced controller then promoted it over
// writes WAIT had confirmed. Lost lasts until the node has the entries
// again, whatever restarts come in between.
func TestLostSurvivesALaterRestart(t *testing.T) {
	w := newWorld(t, "no")
	n := w.c.Node(0)
	w.do(sets("a", 10)...)
	had := n.Node().NextOpID() - 1
	n.Crash(PowerLoss)
	w.restart()
	loaded := n.Node().NextOpID() - 1
	if loaded >= had || n.Lost != had-loaded {
		t.Fatalf("after the power loss: logged up to %d, loaded %d, Lost %d", had, loaded, n.Lost)
	}
	n.Crash(Kill)
	w.restart()
	if n.Lost != had-loaded {
		t.Fatalf("after a later kill: Lost = %d, want %d (entries %d..%d are still missing)", n.Lost, had-loaded, loaded+1, had)
	}
	w.do(sets("b", int(had-loaded))...)
	if n.Lost != 0 {
		t.Fatalf("the node logged up to op id %d again, Lost = %d", n.Node().NextOpID()-1, n.Lost)
	}
	if v := w.violations(); v != "" {
		t.Fatalf("violations:\n%s", v)
	}
}

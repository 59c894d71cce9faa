// Package cluster runs opdis nodes in one simulated world: each node has
// its own clock, in-memory data directory and network address, can be
// killed or lose power (between events or part way through a sequence of
// disk calls) and restarts from what its disk kept.
//
// The cluster also keeps the durability oracle (DESIGN §7, C5): it
// records, for every oplog entry a node logs (a replica: applies from its
// master; a full sync restarts the record at the loaded dataset), the
// values the entry left in memory, and when a node comes back it checks that the dataset it loaded
// is exactly the in-memory state after some op id L, and that L covers
// every entry the fsync policy promised to keep (everything acknowledged
// under appendfsync always, or after a kill; everything older than the
// window under everysec). Violations are collected, not raised: the
// simulator reports them with the rest of the run.
//
// A node replicates when its configuration says replicaof (the
// simulator's REPLICAOF commands change that at run time); its outbound
// link goes over simnet through nodehost's Dialer.
package cluster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"opdis/node"
	"opdis/sim/loop"
	"opdis/sim/nodehost"
	"opdis/sim/rng"
	"opdis/sim/simclock"
	"opdis/sim/simfs"
	"opdis/sim/simnet"
	"opdis/wire"
)

// Port is the port every node listens on.
const Port = 6379

// Config describes the nodes.
type Config struct {
	Nodes int
	// NodeConfig returns node i's configuration (appendonly must be on
	// for the durability checks to mean anything).
	NodeConfig func(i int) node.Config
	// FlushDelay is how long replies wait after the input that made them
	// (nodehost.Host.FlushDelay).
	FlushDelay time.Duration
	// EverysecWindow: under appendfsync everysec, an entry logged longer
	// than this before a power loss must survive it.
	EverysecWindow time.Duration
	// Bug, if set, decides node.Env.Bug (simbugs builds only) for node i,
	// whose next op id is nextOpID when the site is reached.
	Bug func(i int, site string, nextOpID int64) bool
	// Logs keeps every node's log lines (for artifacts).
	Logs bool
}

// Role is a node's part in replication.
type Role uint8

const (
	Master Role = iota // serves writes (every node, until replication)
	Replica
)

// CrashKind is how a node goes down.
type CrashKind uint8

const (
	// Kill is a process crash: what the node wrote to its files stays
	// (the OS has it), even if it never fsynced it.
	Kill CrashKind = iota
	// PowerLoss loses what was not fsynced (simfs.Crash: un-synced bytes
	// dropped or torn, un-synced directory operations rolled back).
	PowerLoss
)

func (k CrashKind) String() string {
	if k == PowerLoss {
		return "power loss"
	}
	return "kill"
}

// Violation is a broken promise found by the cluster.
type Violation struct {
	At    time.Duration
	Node  string
	Check string // "C5" (durability), "load"
	Msg   string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s @%v %s: %s", v.Check, v.At, v.Node, v.Msg)
}

// Event is something that happened to a node (for reports).
type Event struct {
	At   time.Duration
	Node string
	What string
}

// Cluster is the set of nodes.
type Cluster struct {
	loop   *loop.Loop
	net    *simnet.Net
	src    rng.Source
	cfg    Config
	nodes  []*Node
	viol   []Violation
	events []Event

	// OnDown runs when a node went down by itself (a fatal error, or a
	// crash armed with CrashAfterOps); the simulator decides when it
	// restarts.
	OnDown func(n *Node)
	// OnUp runs after a node restarted and passed (or failed) its checks.
	OnUp func(n *Node)
	// OnPsync sees every PSYNC decision a node makes as a master
	// (node.OnPsync), as it makes it.
	OnPsync func(n *Node, ev node.PsyncEvent)
}

// New starts cfg.Nodes nodes (n1, n2, …) on net, each loading its empty
// directory. src seeds the nodes' randomness and crash faults.
func New(l *loop.Loop, net *simnet.Net, src rng.Source, cfg Config) (*Cluster, error) {
	c := &Cluster{loop: l, net: net, src: src, cfg: cfg}
	for i := 0; i < cfg.Nodes; i++ {
		name := "n" + strconv.Itoa(i+1)
		sub := src.Sub("node/" + name)
		n := &Node{
			c: c, Index: i, Name: name, Addr: name + ":" + strconv.Itoa(Port),
			FS: simfs.New(), Clock: simclock.New(l, 0), sub: sub,
			crashRand: sub.Stream("crash"), cfg: cfg.NodeConfig(i),
		}
		n.FS.Hook = n.hook
		if n.cfg.ReplicaOf != "" {
			n.Role, n.Replicated, n.Unsynced = Replica, true, true
		}
		c.nodes = append(c.nodes, n)
		if err := n.start(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Nodes returns the nodes, n1 first.
func (c *Cluster) Nodes() []*Node { return c.nodes }

// Node returns node i (0-based).
func (c *Cluster) Node(i int) *Node { return c.nodes[i] }

// Violations returns what the cluster found so far.
func (c *Cluster) Violations() []Violation { return c.viol }

// Events returns the crashes and restarts so far, in order.
func (c *Cluster) Events() []Event { return c.events }

func (c *Cluster) event(n *Node, format string, args ...any) {
	c.events = append(c.events, Event{At: c.loop.Now(), Node: n.Name, What: fmt.Sprintf(format, args...)})
}

func (c *Cluster) violate(n *Node, check, format string, args ...any) {
	c.viol = append(c.viol, Violation{At: c.loop.Now(), Node: n.Name, Check: check, Msg: fmt.Sprintf(format, args...)})
}

// Node is one simulated server: its machine (clock, disk, address)
// outlives the node process, which is rebuilt at every restart.
type Node struct {
	c          *Cluster
	Index      int
	Name, Addr string
	FS         *simfs.FS
	Clock      *simclock.Clock
	Role       Role
	// Replicated: the node has been a replica in this run. Its timeline
	// holds the entries it applied from its masters (node.OnEntry) and
	// restarts at every full sync (node.OnFullSync), so C5 holds it to
	// the same promises as a master.
	Replicated bool
	// Unsynced: a replica that has not completed a full sync since it
	// began one (or since it started as a fresh replica); what it holds
	// may not be its master's history at all.
	Unsynced bool
	// Lost is how many logged entries the restarts did not load, until
	// the node has applied entries up to where it had been again (or a
	// full sync replaced its history).
	Lost   int64
	lostTo int64
	// syncing: a full sync is replacing the dataset and its files; a
	// crash now may load either history, so that restart is not checked.
	syncing   bool
	sub       rng.Source
	crashRand *rand.Rand
	cfg       node.Config

	host *nodehost.Host
	nd   *node.Node
	inc  int // incarnation: restarts so far

	tl     timeline
	acked  int64 // highest op id an output left after (everything up to it was acknowledged)
	faults int   // FS fault count when this incarnation started

	// Crash armed by CrashAfterOps, and the one in progress.
	armOps  int
	armKind CrashKind
	dying   bool
	down    *crash

	logs  []string
	Stats NodeStats
}

// NodeStats counts what happened to a node.
type NodeStats struct {
	Kills, PowerLosses, MidOpCrashes, Fatal, Restarts int
	TornRepairs, Splits, Snapshots, Purged            int   // from the node's log
	SyncFull, SyncPartial                             int   // syncs this node served as a master (its log)
	LostEntries                                       int64 // entries logged but not loaded back
}

// crash is what a restart must check.
type crash struct {
	kind     CrashKind
	at       time.Duration
	acked    int64  // the node's acked op id when it went down
	required int64  // the loaded op id must reach this
	why      string // which promise required it
}

// Up reports whether the node is serving.
func (n *Node) Up() bool { return n.host != nil && !n.host.Down() }

// Node is the running node process (nil while down).
func (n *Node) Node() *node.Node {
	if !n.Up() {
		return nil
	}
	return n.nd
}

// Incarnation is the number of restarts so far.
func (n *Node) Incarnation() int { return n.inc }

// Config is the node's configuration.
func (n *Node) Config() node.Config { return n.cfg }

// SetReplicaOf records a REPLICAOF the simulator sent ("host port", or ""
// for NO ONE) in the configuration the node restarts with: without a
// config file to rewrite, a restart would otherwise forget it.
func (n *Node) SetReplicaOf(hostPort string) {
	n.cfg.ReplicaOf = hostPort
	n.Role = Master
	if hostPort != "" {
		n.Role, n.Replicated = Replica, true
	}
}

// Logs returns the node's log lines (Config.Logs).
func (n *Node) Logs() []string { return n.logs }

// start builds a node process on the node's disk and loads it. On a
// load failure the node stays down and a violation is recorded.
func (n *Node) start() error {
	dialer := &nodehost.Dialer{}
	env := node.Env{Clock: n.Clock, Rand: n.sub.PCG("rand/" + strconv.Itoa(n.inc)), FS: n.FS, Dialer: dialer}
	var nd *node.Node
	if bug := n.c.cfg.Bug; bug != nil {
		env.Bug = func(site string) bool { return bug(n.Index, site, nd.NextOpID()) }
	}
	nd = node.New(n.cfg, env)
	inc := n.inc
	nd.OnLog = func(level node.LogLevel, msg string) {
		switch {
		case strings.Contains(msg, "Truncated the torn tail"):
			n.Stats.TornRepairs++
		case strings.HasPrefix(msg, "AOF split: now writing"):
			n.Stats.Splits++
		case strings.HasPrefix(msg, "DB saved on disk"):
			n.Stats.Snapshots++
		case strings.HasPrefix(msg, "AOF purge: removed"):
			n.Stats.Purged++
		case strings.HasPrefix(msg, "Partial resynchronization request from"):
			n.Stats.SyncPartial++
		case strings.HasPrefix(msg, "Failed trying to load the MASTER synchronization DB"):
			// The replica kept the dataset, op ids and history its disk
			// holds: its next restart is checked again (unless it is
			// dying: a crash inside the sync may have left either).
			n.syncing = n.syncing && n.dying
		case strings.HasPrefix(msg, "Full resync requested by replica"),
			strings.HasPrefix(msg, "Partial resynchronization not accepted"):
			n.Stats.SyncFull++
		}
		if n.c.cfg.Logs {
			n.logs = append(n.logs, fmt.Sprintf("%v #%d %s", n.c.loop.Now(), inc, msg))
		}
	}
	if err := nd.Load(); err != nil {
		n.c.event(n, "restart #%d failed to load", n.inc)
		n.c.violate(n, "load", "restart #%d cannot load its data directory: %v", n.inc, err)
		return nil
	}
	n.nd = nd
	n.afterLoad()
	nd.OnEntry(n.onEntry)
	nd.OnFullSync(n.onFullSync)
	nd.OnPsync(func(ev node.PsyncEvent) {
		if n.c.OnPsync != nil {
			n.c.OnPsync(n, ev)
		}
	})
	h, err := nodehost.Start(n.c.loop, n.c.net, n.Addr, nd)
	if err != nil {
		return fmt.Errorf("cluster: %s: %w", n.Name, err)
	}
	dialer.Host = h
	h.FlushDelay = n.c.cfg.FlushDelay
	h.OnOutput = n.onOutput
	h.OnFatal = n.onFatal
	n.host = h
	n.faults = n.FS.Stats().Faults
	return nil
}

// afterLoad checks what the node loaded against the crash it came back
// from, and makes the loaded state the base of the new incarnation.
func (n *Node) afterLoad() {
	loaded := n.nd.NextOpID() - 1
	n.Stats.LostEntries += max(0, n.tl.last()-loaded)
	lostTo := n.tl.last()
	if n.Lost > 0 {
		// An earlier restart lost entries the node has not applied again:
		// this one, which lost nothing more, does not give them back
		// (seed 98159).
		lostTo = max(lostTo, n.lostTo)
	}
	n.Lost, n.lostTo = max(0, lostTo-loaded), lostTo
	n.c.event(n, "restart #%d loaded up to op id %d", n.inc, loaded)
	if n.syncing {
		// Down in the middle of a full sync: the disk holds the old
		// history or the new one; the loaded dataset is the new base.
		n.syncing = false
		n.c.event(n, "restart #%d after a crash inside a full sync: not checked", n.inc)
		n.tl.rebase(loaded, n.nd)
		n.acked = loaded
		n.down = nil
		return
	}
	if cr := n.down; cr != nil {
		if loaded < cr.required {
			n.c.violate(n, "C5", "after a %s at %v (appendfsync %s) the node loaded op ids up to %d, but %s (op id %d)",
				cr.kind, cr.at, n.cfg.AppendFsync, loaded, cr.why, cr.required)
		}
	}
	if loaded > n.tl.last() {
		n.c.violate(n, "C5", "loaded op ids up to %d, but the node only ever logged up to %d", loaded, n.tl.last())
	} else {
		want := n.tl.stateAt(loaded)
		got, err := Dataset(n.nd)
		if err != nil {
			n.c.violate(n, "C5", "after loading up to op id %d: %v", loaded, err)
		} else if d := diffStates(want, got); d != "" {
			n.c.violate(n, "C5", "the dataset loaded up to op id %d is not the one the node had in memory after that entry (-memory +loaded):\n%s", loaded, d)
		}
	}
	n.tl.truncate(loaded)
	n.acked = loaded
	n.down = nil
}

// onEntry records the values an entry left in memory.
func (n *Node) onEntry(entry []byte, h wire.Header) {
	if h.OpID >= n.lostTo {
		n.Lost = 0
	}
	n.tl.add(n.c.loop.Now(), h.OpID, entry, n.nd)
}

// onFullSync restarts the timeline at the dataset a full sync loaded.
func (n *Node) onFullSync(done bool) {
	if n.dying {
		return // crashed inside the sync: the restart is not checked
	}
	n.syncing, n.Unsynced = !done, !done
	if done {
		n.Lost = 0
		n.tl.rebase(n.nd.NextOpID()-1, n.nd)
		n.c.event(n, "full sync loaded up to op id %d", n.nd.NextOpID()-1)
	}
}

// onOutput runs as replies leave: every entry logged so far counts as
// acknowledged (the node's barrier wrote, and under always fsynced, all
// of them before any output).
func (n *Node) onOutput(int64, []byte) {
	n.acked = n.nd.NextOpID() - 1
}

func (n *Node) onFatal(err error) {
	n.Stats.Fatal++
	n.c.event(n, "fatal: %v", err)
	n.crashed(Kill)
	n.finishCrash(Kill)
	if n.c.OnDown != nil {
		n.c.OnDown(n)
	}
}

// Crash takes the node down now. It does nothing to a node already down.
func (n *Node) Crash(kind CrashKind) {
	if !n.Up() {
		return
	}
	n.host.Crash()
	n.crashed(kind)
	n.finishCrash(kind)
}

// CrashAfterOps arms a crash inside the node: the k-th file-system call
// from now (k ≥ 1) and every later one fail, as if the process died or
// the power went at that point, and the node goes down at the end of the
// event. OnDown reports it.
func (n *Node) CrashAfterOps(k int, kind CrashKind) {
	if !n.Up() || k < 1 {
		return
	}
	n.armOps, n.armKind = k, kind
}

// hook sees every disk call: it folds it into the trace (so C6 also
// compares what nodes did to their disks) and carries out CrashAfterOps.
func (n *Node) hook(op simfs.Op, name string) error {
	n.c.loop.Trace().Record(n.c.loop.Now(), "fs", int64(n.Index), int64(op), []byte(name))
	if n.dying {
		return errDead
	}
	if n.armOps == 0 {
		return nil
	}
	n.armOps--
	if n.armOps > 0 {
		return nil
	}
	n.dying = true
	n.Stats.MidOpCrashes++
	n.c.event(n, "crash inside disk call %s %s", op, name)
	kind := n.armKind
	n.c.loop.Trace().Record(n.c.loop.Now(), "node.crash.midop", int64(n.Index), int64(op), nil)
	n.host.Crash()
	n.crashed(kind)
	// The node's call is still running and may touch the disk again:
	// those calls fail until the crash completes, after the event.
	n.c.loop.After(0, "node.crash.finish", func() {
		n.dying = false
		n.finishCrash(kind)
		if n.c.OnDown != nil {
			n.c.OnDown(n)
		}
	})
	return errDead
}

var errDead = fmt.Errorf("simulated crash: the process is gone")

// crashed notes the moment the node went down (finishCrash, outside
// any disk call, completes it).
func (n *Node) crashed(kind CrashKind) {
	now := n.c.loop.Now()
	n.armOps = 0
	n.down = &crash{kind: kind, at: now, acked: n.acked}
	n.c.event(n, "%s (logged up to op id %d, acknowledged up to %d)", kind, n.tl.last(), n.acked)
	if kind == PowerLoss {
		n.Stats.PowerLosses++
	} else {
		n.Stats.Kills++
	}
	n.c.loop.Trace().Record(now, "node.crash", int64(n.Index), int64(kind), nil)
}

// finishCrash applies the crash to the disk and records what the
// restart must find: the promise the fsync policy made about what this
// crash may lose.
func (n *Node) finishCrash(kind CrashKind) {
	cr := n.down
	diskFault := n.FS.Stats().Faults > n.faults
	switch {
	case n.cfg.AppendFsync == "always":
		cr.required, cr.why = cr.acked, "appendfsync always had acknowledged up to"
	case diskFault:
		// A failed write or fsync (which the policy lets the node survive)
		// may have lost entries that were already acknowledged: only the
		// prefix property is checked.
	case kind == Kill:
		cr.required, cr.why = cr.acked, "replies had acknowledged (written to the OS) up to"
	case n.cfg.AppendFsync == "everysec":
		cr.required = n.tl.lastBefore(cr.at - n.c.cfg.EverysecWindow)
		cr.why = fmt.Sprintf("appendfsync everysec must keep what was logged more than %v before, up to", n.c.cfg.EverysecWindow)
	}
	if kind == PowerLoss {
		n.FS.Crash(n.crashRand)
	}
	n.FS.ClearFaults()
	n.nd = nil
}

// Restart brings a crashed node back: a new process loads the disk. It
// does nothing to a node that is up (or dying).
func (n *Node) Restart() error {
	if n.Up() || n.dying {
		return nil
	}
	n.inc++
	n.Stats.Restarts++
	n.host = nil
	n.c.loop.Trace().Record(n.c.loop.Now(), "node.restart", int64(n.Index), int64(n.inc), nil)
	if err := n.start(); err != nil {
		return err
	}
	if n.c.OnUp != nil {
		n.c.OnUp(n)
	}
	return nil
}

// DiskFailed reports whether an injected disk fault failed one of the
// running node's calls (since its last restart).
func (n *Node) DiskFailed() bool { return n.Up() && n.FS.Stats().Faults > n.faults }

// Dying reports whether a crash armed by CrashAfterOps has fired in the
// current event: the node's disk calls fail, and it goes down at the end.
func (n *Node) Dying() bool { return n.dying }

// Down reports whether the node is down (crashed, not yet restarted, or
// unable to load).
func (n *Node) Down() bool { return !n.Up() }

// DiffDatasets lists the keys whose values differ between a and b,
// sorted: "-key" only in a, "+key" only in b, "~key" in both.
func DiffDatasets(a, b map[string]string) string { return diffStates(a, b) }

// Dataset returns a node's keyspace as key → value (strings only: the
// checked workload writes nothing else); another type, or a key outside
// database 0, is an error.
func Dataset(nd *node.Node) (map[string]string, error) {
	m := map[string]string{}
	var err error
	nd.DB(0).Range(func(key string, o *node.Object, expireAt int64) bool {
		if o.Type != node.TypeString {
			err = fmt.Errorf("key %q holds a %s", key, o.Type)
			return false
		}
		m[key] = string(o.Str)
		return true
	})
	for i := 1; err == nil && i < int(nd.Config().Databases); i++ {
		if l := nd.DB(i).Len(); l > 0 {
			err = fmt.Errorf("database %d holds %d keys", i, l)
		}
	}
	return m, err
}

// diffStates lists the keys whose values differ, sorted: "-key=v" only in
// a, "+key=v" only in b, "~key: a != b".
func diffStates(a, b map[string]string) string {
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []byte
	for _, k := range keys {
		va, ina := a[k]
		vb, inb := b[k]
		switch {
		case !inb:
			out = fmt.Appendf(out, "  -%s = %q\n", k, va)
		case !ina:
			out = fmt.Appendf(out, "  +%s = %q\n", k, vb)
		case va != vb:
			out = fmt.Appendf(out, "  ~%s: %q != %q\n", k, va, vb)
		}
	}
	return string(out)
}

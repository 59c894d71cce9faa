// Package sim is the deterministic simulator (DESIGN §7, §8): it builds a
// world from a seed — a cluster of opdis nodes on simulated clocks, disks
// and network (sim/cluster), clients recording a history (sim/workload),
// a fault schedule — runs it in one goroutine on simulated time, and
// checks what happened:
//
//   - C1 linearizability: the history, per key group, with porcupine
//     (model.Check); a porcupine timeout counts as a failure to verify.
//   - C5 durability: after every restart the loaded dataset is exactly the
//     node's in-memory state after some op id, and that op id covers
//     everything the fsync policy promised (sim/cluster). Under
//     appendfsync always a crash is just another event in the linearized
//     history; under everysec and no, the history records the restarted
//     node's state (model.Restore) and C1 is checked from there.
//   - Liveness: after the fault phase everything heals, and every key
//     group must answer a read-and-write transaction within Liveness.
//   - C6 determinism: a run is a pure function of its options; running
//     it twice gives the same trace hash (CheckDeterminism).
//
// Run is one run, Sweep many in parallel.
package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/anishathalye/porcupine"

	"opdis/model"
	"opdis/node"
	"opdis/sim/cluster"
	"opdis/sim/loop"
	"opdis/sim/rng"
	"opdis/sim/simclient"
	"opdis/sim/simfs"
	"opdis/sim/simnet"
	"opdis/sim/trace"
	"opdis/sim/workload"
	"opdis/wire"
)

// Config chooses what a run does besides simulating.
type Config struct {
	// Schedule replaces the drawn fault schedule when not nil.
	Schedule []Fault
	// Trace receives every event (a fresh one if nil).
	Trace *trace.Trace
	// NoCheck skips the porcupine check (the determinism re-run).
	NoCheck bool
	// CheckTimeout bounds the porcupine check (default CheckTimeout).
	CheckTimeout time.Duration
	// Logs keeps the nodes' log lines for artifacts.
	Logs bool
}

// Failure is one broken promise.
type Failure struct {
	Check string // C1, C5, C6, liveness, load, unverified
	Msg   string
}

func (f Failure) String() string { return f.Check + ": " + f.Msg }

// Result is what a run did and found.
type Result struct {
	Options  Options
	Schedule []Fault
	Failures []Failure

	// BadGroups are the key groups porcupine found not linearizable.
	BadGroups []string
	History   []porcupine.Operation
	Cluster   *cluster.Cluster

	TraceSum uint64
	Events   uint64
	SimTime  time.Duration
	Stats    Stats
}

// Failed reports whether any check failed.
func (r *Result) Failed() bool { return len(r.Failures) > 0 }

// Stats count what happened, so a sweep can show that the rare paths were
// reached ("sometimes" coverage).
type Stats struct {
	Ops, OK, Unknown, Dropped, Timeouts, Retired int
	Kills, PowerLosses, MidOpCrashes, Fatal      int
	Restarts, TornRepairs, DiskFaults            int
	HealRestarts                                 int
	Splits, Snapshots                            int
	LostEntries                                  int64
	CheckTime                                    time.Duration
}

// Add accumulates o into s.
func (s *Stats) Add(o Stats) {
	s.Ops += o.Ops
	s.OK += o.OK
	s.Unknown += o.Unknown
	s.Dropped += o.Dropped
	s.Timeouts += o.Timeouts
	s.Retired += o.Retired
	s.Kills += o.Kills
	s.PowerLosses += o.PowerLosses
	s.MidOpCrashes += o.MidOpCrashes
	s.Fatal += o.Fatal
	s.Restarts += o.Restarts
	s.TornRepairs += o.TornRepairs
	s.DiskFaults += o.DiskFaults
	s.HealRestarts += o.HealRestarts
	s.Splits += o.Splits
	s.Snapshots += o.Snapshots
	s.LostEntries += o.LostEntries
	s.CheckTime += o.CheckTime
}

// diskFaults are the disk faults a DiskFault picks from (Mode).
var diskFaults = []struct {
	name  string
	fault simfs.Fault
}{
	{"short write ENOSPC", simfs.Fault{Op: simfs.OpWrite, Err: syscall.ENOSPC, Short: true}},
	{"write ENOSPC", simfs.Fault{Op: simfs.OpWrite, Err: syscall.ENOSPC}},
	{"write EIO", simfs.Fault{Op: simfs.OpWrite, Err: syscall.EIO}},
	{"fsync EIO", simfs.Fault{Op: simfs.OpSync, Err: syscall.EIO}},
	{"create ENOSPC", simfs.Fault{Op: simfs.OpCreate, Err: syscall.ENOSPC}},
	{"rename EIO", simfs.Fault{Op: simfs.OpRename, Err: syscall.EIO}},
	{"dir fsync EIO", simfs.Fault{Op: simfs.OpSyncDir, Err: syscall.EIO}},
	{"read EIO", simfs.Fault{Op: simfs.OpReadAt, Err: syscall.EIO}},
}

// runner is one run in progress.
type runner struct {
	o       Options
	l       *loop.Loop
	src     rng.Source
	net     *simnet.Net
	c       *cluster.Cluster
	wl      *workload.Workload
	restart *rand.Rand
	admin   []*simclient.Client
	armed   []time.Duration // per node: restart delay of an armed MidOpCrash, -1 if none
	healed  bool
	stats   Stats
}

// Run runs the options once.
func Run(o Options, cfg Config) *Result {
	sched := cfg.Schedule
	if sched == nil {
		sched = DrawSchedule(o)
	}
	res := &Result{Options: o, Schedule: sched}
	tr := cfg.Trace
	if tr == nil {
		tr = trace.New(trace.Options{})
	}
	r := &runner{o: o, l: loop.New(tr), src: rng.New(o.Seed)}
	r.restart = r.src.Stream("restart")
	r.net = simnet.New(r.l, r.src.Stream("net"), simnet.LinkConfig{
		Latency:    simnet.Dist{Min: o.LatencyMin, Mean: o.LatencyMean, Max: o.LatencyMin + 50*time.Millisecond},
		MaxSegment: o.MaxSegment,
	})
	ccfg := cluster.Config{
		Nodes: o.Nodes, NodeConfig: o.nodeConfig, FlushDelay: o.FlushDelay,
		EverysecWindow: EverysecWindow, Bug: bugFunc(o, r.src.Stream("bug")), Logs: cfg.Logs,
	}
	c, err := cluster.New(r.l, r.net, r.src, ccfg)
	if err != nil {
		res.Failures = append(res.Failures, Failure{"setup", err.Error()})
		return res
	}
	r.c = c
	r.admin = make([]*simclient.Client, o.Nodes)
	r.armed = make([]time.Duration, o.Nodes)
	for i := range r.armed {
		r.armed[i] = -1
	}
	// Until replication every node is the master of its own shard.
	r.wl = workload.New(r.l, r.net, r.src.Stream("workload"), workload.Config{
		Shards: o.Nodes, Addr: func(shard int) string { return c.Node(shard).Addr },
		ClientsPerShard: o.ClientsPerNode, Groups: o.Groups, Keys: o.Keys,
		Think: o.think(), Timeout: o.Timeout, MaxUnknown: MaxUnknown,
		MultiPct: o.MultiPct, MSetPct: o.MSetPct,
	})
	c.OnDown = r.onDown
	c.OnUp = r.onUp

	for _, f := range sched {
		if f.At < o.Duration && f.Node < o.Nodes {
			r.l.At(f.At, "fault."+f.Kind.String(), func() { r.apply(f) })
		}
	}
	r.wl.Start()
	r.l.RunUntil(o.Duration)

	// Heal: no more faults; every node up, every link whole; then every
	// group must answer.
	r.heal()
	healAt := r.l.Now()
	r.wl.Stop()
	r.l.RunUntilDone(healAt+o.Liveness, r.wl.Idle)
	r.wl.Final()
	live := r.l.RunUntilDone(healAt+o.Liveness, func() bool { return len(r.wl.Unfinished()) == 0 })
	r.recordEnd()
	for _, v := range c.Violations() { // root causes first: a node that cannot load also fails liveness
		res.Failures = append(res.Failures, Failure{v.Check, fmt.Sprintf("%s @%v: %s", v.Node, v.At, v.Msg)})
	}
	if !live {
		var names, why []string
		for _, g := range r.wl.Unfinished() {
			names = append(names, g.Name)
			if g.LastErr != "" && !slices.Contains(why, g.LastErr) {
				why = append(why, g.LastErr)
			}
		}
		msg := fmt.Sprintf("%d key group(s) got no answer to their final transaction within %v of the heal: %v%s",
			len(names), o.Liveness, names, r.downNodes())
		if len(why) > 0 {
			msg += "; last refusals: " + strings.Join(why, " | ")
		}
		res.Failures = append(res.Failures, Failure{"liveness", msg})
	}
	res.History = r.wl.History().Operations()
	res.Cluster = c
	res.TraceSum, res.Events, res.SimTime = tr.Sum(), tr.Len(), r.l.Now()
	r.collectStats()
	if !cfg.NoCheck {
		start := time.Now()
		r.check(res, cfg.CheckTimeout)
		r.stats.CheckTime = time.Since(start)
	}
	res.Stats = r.stats
	return res
}

// MaxUnknown is how many writes with unknown outcomes a key group
// collects before the workload retires it: each stays open forever in
// the history, and porcupine's search grows with them.
const MaxUnknown = 4

// EverysecWindow is how much an appendfsync everysec node may lose to a
// power loss: entries logged longer ago than this must survive. Redis
// documents one second; the fsync happens on the cron after the second
// is up, so two.
const EverysecWindow = 2 * time.Second

func (o Options) nodeConfig(int) node.Config {
	cfg := node.DefaultConfig()
	must := func(name, value string) {
		if err := cfg.Set(name, value, true); err != nil {
			panic(fmt.Sprintf("sim: node config %s %s: %v", name, value, err))
		}
	}
	must("appendonly", "yes")
	must("appendfsync", o.Fsync)
	must("save", "")
	must("aof-max-size", strconv.FormatInt(o.AOFMaxSize, 10))
	must("aof-keep-size", strconv.FormatInt(o.AOFKeepSize, 10))
	must("auto-snapshot-aof-size", strconv.FormatInt(o.AutoSnapshot, 10))
	return cfg
}

// bugFunc is the node's Env.Bug: the chosen site fires with BugRate.
func bugFunc(o Options, r *rand.Rand) func(string) bool {
	if o.Bug == "" {
		return nil
	}
	return func(site string) bool { return site == o.Bug && r.Float64() < o.BugRate }
}

func (r *runner) onDown(n *cluster.Node) {
	d := r.armed[n.Index]
	if d < 0 {
		d = time.Duration(r.restart.Int64N(int64(r.o.RestartMax) + 1))
	}
	r.armed[n.Index] = -1
	if r.healed {
		d = 0
	}
	r.l.After(d, "node.restart", func() { n.Restart() })
}

// onUp records, where the fsync policy allows acknowledged writes to be
// lost, the state the node came back with.
func (r *runner) onUp(n *cluster.Node) {
	if r.o.Fsync == "always" || n.Node() == nil {
		return
	}
	vals, err := cluster.Dataset(n.Node())
	if err == nil {
		r.wl.Restore(n.Index, vals)
	}
}

func (r *runner) heal() {
	r.healed = true
	r.l.Trace().Record(r.l.Now(), "heal", 0, 0, nil)
	r.net.HealAll()
	for _, n := range r.c.Nodes() {
		n.FS.ClearFaults()
		n.Clock.SetDrift(0)
		if r.o.HealRestart && n.Up() && n.DiskFailed() {
			// A node that hit a disk error refuses writes until its log is
			// reopened: the operator restarts it (see Options.HealRestart).
			r.stats.HealRestarts++
			n.Crash(cluster.Kill)
		}
		n.Restart() // a node still dying restarts through onDown
	}
}

func (r *runner) downNodes() string {
	s := ""
	for _, n := range r.c.Nodes() {
		if n.Down() {
			s += " " + n.Name
		}
	}
	if s != "" {
		return " (down:" + s + ")"
	}
	return ""
}

// apply carries out one fault.
func (r *runner) apply(f Fault) {
	if r.healed {
		return
	}
	n := r.c.Node(f.Node)
	hosts := r.wl.HostsOf(f.Node)
	if f.Peer >= 0 && len(hosts) > 0 {
		hosts = hosts[f.Peer%len(hosts):][:1]
	}
	switch f.Kind {
	case Kill, PowerLoss:
		if n.Up() {
			kind := cluster.Kill
			if f.Kind == PowerLoss {
				kind = cluster.PowerLoss
			}
			n.Crash(kind)
			r.l.After(f.Dur, "node.restart", func() { n.Restart() })
		}
	case MidOpCrash:
		kind := cluster.Kill
		if f.Mode == 1 {
			kind = cluster.PowerLoss
		}
		if n.Up() {
			n.CrashAfterOps(int(f.Arg), kind)
			r.armed[f.Node] = f.Dur
		}
	case Partition:
		r.partition(n.Name, hosts, f)
	case Clog:
		for _, h := range hosts {
			r.net.ClogBoth(n.Name, h, f.Dur)
		}
	case Reset:
		for _, h := range hosts {
			r.net.ResetBetween(n.Name, h)
		}
	case DiskFault:
		if n.Up() { // a crash clears pending faults; the disk is fine again at restart
			ft := diskFaults[f.Mode%len(diskFaults)].fault
			ft.Count = int(f.Arg)
			n.FS.Inject(ft)
		}
	case ClockJump:
		n.Clock.Jump(time.Duration(f.Arg) * time.Millisecond)
	case ClockDrift:
		n.Clock.SetDrift(f.Arg)
	case Snapshot:
		r.adminDo(f.Node, "BGSAVE")
	case AOFFlush:
		r.adminDo(f.Node, "AOFFLUSH")
	case PurgeAOF:
		if nd := n.Node(); nd != nil {
			r.adminDo(f.Node, "PURGEAOFTO", strconv.FormatInt(max(1, nd.NextOpID()-f.Arg), 10))
		}
	}
}

func (r *runner) partition(node string, hosts []string, f Fault) {
	mode := simnet.Hold
	if f.Mode == 1 {
		mode = simnet.Drop
	}
	for _, h := range hosts {
		switch f.Mode {
		case 2:
			r.net.PartitionOneWay(node, h, simnet.Hold)
		case 3:
			r.net.PartitionOneWay(h, node, simnet.Hold)
		default:
			r.net.Partition(node, h, mode)
		}
	}
	r.l.After(f.Dur, "fault.heal", func() {
		for _, h := range hosts {
			r.net.Heal(node, h)
		}
	})
}

// adminDo sends an administrative command to a node; the reply does not
// matter (the node may be down, or refuse).
func (r *runner) adminDo(i int, args ...string) {
	c := r.admin[i]
	if c == nil || c.Err() != nil {
		var err error
		c, err = simclient.Dial(r.net, "admin", r.c.Node(i).Addr)
		if err != nil {
			return
		}
		r.admin[i] = c
	}
	c.Do(func(wire.Value, error) {}, args...)
}

// recordEnd folds every node's final files into the trace, so two runs
// that differ only on disk still differ (C6).
func (r *runner) recordEnd() {
	tr := r.l.Trace()
	for _, n := range r.c.Nodes() {
		names, _ := n.FS.List()
		for _, name := range names {
			data, _ := n.FS.ReadFile(name)
			tr.Record(r.l.Now(), "end.file", int64(n.Index), int64(len(data)), append([]byte(name+"\x00"), data...))
		}
	}
}

func (r *runner) collectStats() {
	s := &r.stats
	ws := r.wl.Stats
	s.Ops, s.OK, s.Unknown, s.Dropped, s.Timeouts, s.Retired = ws.Sent, ws.OK, ws.Unknown, ws.Dropped, ws.Timeouts, ws.Retired
	for _, n := range r.c.Nodes() {
		ns := n.Stats
		s.Kills += ns.Kills
		s.PowerLosses += ns.PowerLosses
		s.MidOpCrashes += ns.MidOpCrashes
		s.Fatal += ns.Fatal
		s.Restarts += ns.Restarts
		s.TornRepairs += ns.TornRepairs
		s.Splits += ns.Splits
		s.Snapshots += ns.Snapshots
		s.LostEntries += ns.LostEntries
		s.DiskFaults += n.FS.Stats().Faults
	}
}

// check runs porcupine on the history.
func (r *runner) check(res *Result, timeout time.Duration) {
	if timeout == 0 {
		timeout = CheckTimeout
	}
	ok := porcupine.CheckOperationsTimeout(model.Model(), res.History, timeout)
	switch ok {
	case porcupine.Ok:
		return
	case porcupine.Unknown:
		res.Failures = append(res.Failures, Failure{"unverified", fmt.Sprintf("porcupine gave up after %v: the history is neither proven linearizable nor not", timeout)})
		return
	}
	for _, part := range model.Partition(res.History) {
		if !porcupine.CheckOperations(model.Model(), part) {
			g := model.Group(part[0].Input.(model.Input).Cmds[0].Key)
			res.BadGroups = append(res.BadGroups, g)
		}
	}
	res.Failures = append(res.Failures, Failure{"C1", fmt.Sprintf("the history of key group(s) %v is not linearizable (%d operations in all)", res.BadGroups, len(res.History))})
}

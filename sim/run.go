// Package sim is the deterministic simulator (DESIGN §7, §8): it builds a
// world from a seed — a cluster of opdis nodes on simulated clocks, disks
// and network (sim/cluster), clients recording a history (sim/workload),
// a fault schedule — runs it in one goroutine on simulated time, and
// checks what happened:
//
//   - C1 linearizability: the history, per key group, with porcupine
//     (model.Check); a porcupine timeout counts as a failure to verify.
//     In runs with forced failovers (forced.go) a reply counts only once
//     a WAIT for every replica confirmed it (workload/confirm.go).
//   - C2 convergence and C3 prefix, with replicas (check.go), after
//     graceful and forced failovers and chains (chain.go).
//   - C5 durability, on every node, replicas included: after every
//     restart the loaded dataset is exactly the node's in-memory state
//     after some op id, and that op id covers everything the fsync
//     policy promised (sim/cluster). Under
//     appendfsync always a crash is just another event in the linearized
//     history; under everysec and no, the history records the restarted
//     node's state (model.Restore) and C1 is checked from there.
//   - Liveness: after the fault phase everything heals, and every key
//     group must answer a read-and-write transaction within Liveness.
//   - C6 determinism: a run is a pure function of its options; running
//     it twice gives the same trace hash (CheckDeterminism).
//   - C4 no needless full sync: every FULLRESYNC a master answers is
//     judged against a copy of its AOF; one the histories did not need
//     fails unless a named excuse applies (psync_check.go).
//   - Two groups (Groups2): both converge to one dataset and nothing
//     loops through the OPGET/OPAPPLY consumers (groups2.go).
//
// Run is one run, Sweep many in parallel.
package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"opdis/node"
	"opdis/sim/cluster"
	"opdis/sim/loop"
	"opdis/sim/rng"
	"opdis/sim/simclient"
	"opdis/sim/simnet"
	"opdis/sim/trace"
	"opdis/sim/workload"
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
	Splits, Snapshots, Purged                    int
	SyncFull, SyncPartial                        int        // FULLRESYNC / CONTINUE served
	Psync                                        PsyncStats // every PSYNC answer, C4 (psync_check.go)
	Groups2                                      Groups2Stats
	Failovers, FailoversAborted                  int
	FailoverCmds                                 int // graceful failovers done by the FAILOVER command
	ForcedFailovers, Chains                      int
	DivergentTails                               int // forced promotions that left the old master entries the new one lacks
	Unconfirmed                                  int // replies WAIT did not confirm (forced runs)
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
	s.Purged += o.Purged
	s.SyncFull += o.SyncFull
	s.SyncPartial += o.SyncPartial
	s.Failovers += o.Failovers
	s.FailoversAborted += o.FailoversAborted
	s.FailoverCmds += o.FailoverCmds
	s.ForcedFailovers += o.ForcedFailovers
	s.Chains += o.Chains
	s.DivergentTails += o.DivergentTails
	s.Unconfirmed += o.Unconfirmed
	s.LostEntries += o.LostEntries
	s.CheckTime += o.CheckTime
	s.Psync.add(o.Psync)
	s.Groups2.add(o.Groups2)
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
	master  int // the node the workload writes to (with Replicas); -1 during a failover

	// A failover in progress (failover.go): from, to (-1 if none), start.
	foFrom, foTo int
	foStart      time.Duration
	foCommitted  bool       // REPLICAOF NO ONE or FAILOVER sent, outcome pending
	foRand       *rand.Rand // which way a graceful failover goes
	forced       bool       // forced failovers: the WAIT rule (forced.go)
	cutOff       []int      // per node: cuts from the controller in effect, its demotion held (forced.go)
	repointing   int        // REPLICAOFs sent and not yet taken or given up (failover.go replicaOf)
	restored     int64      // op id of the latest restore of the master's dataset (nemesis.go onUp)
	stats        Stats
	psy          psyncState  // C4 (psync_check.go)
	consumers    []*consumer // Groups2 (groups2.go)
}

// Run runs the options once: the fault phase (Duration of simulated
// time with the schedule's faults), the heal, the liveness phase, then
// the checks.
func Run(o Options, cfg Config) *Result {
	o.Groups2 = o.Groups2 && o.Nodes >= 2 // one node makes one group
	sched := cfg.Schedule
	if sched == nil {
		sched = DrawSchedule(o)
	}
	res := &Result{Options: o, Schedule: sched}
	tr := cfg.Trace
	if tr == nil {
		tr = trace.New(trace.Options{})
	}
	r, err := newRunner(o, tr, cfg.Logs, forcedRun(o, sched))
	if err != nil {
		res.Failures = append(res.Failures, Failure{"setup", err.Error()})
		return res
	}
	r.faultPhase(sched)
	live := r.livenessPhase()
	var converge Result
	if r.o.Replicas {
		r.checkConvergence(&converge) // before recordEnd, whose disk calls can fire an armed crash
		r.checkPrefix(&converge)
	}
	if r.o.Groups2 {
		r.checkGroups2(&converge)
	}
	r.recordEnd()

	for _, v := range r.c.Violations() { // root causes first: a node that cannot load also fails liveness
		res.Failures = append(res.Failures, Failure{v.Check, fmt.Sprintf("%s @%v: %s", v.Node, v.At, v.Msg)})
	}
	if !live {
		res.Failures = append(res.Failures, Failure{"liveness", r.notLive()})
	}
	res.Failures = append(res.Failures, converge.Failures...)
	res.Failures = append(res.Failures, r.psy.failures...)
	res.History = r.wl.History().Operations()
	res.Cluster = r.c
	res.TraceSum, res.Events, res.SimTime = tr.Sum(), tr.Len(), r.l.Now()
	r.collectStats()
	r.collectGroups2()
	if !cfg.NoCheck {
		start := time.Now()
		r.check(res, cfg.CheckTimeout)
		r.stats.CheckTime = time.Since(start)
	}
	res.Stats = r.stats
	return res
}

func newRunner(o Options, tr *trace.Trace, logs, forced bool) (*runner, error) {
	if err := o.groups2Check(); err != nil {
		return nil, err
	}
	r := &runner{o: o, l: loop.New(tr), src: rng.New(o.Seed), foFrom: -1, foTo: -1, forced: forced}
	r.restart = r.src.Stream("restart")
	r.foRand = r.src.Stream("failover-cmd")
	r.net = simnet.New(r.l, r.src.Stream("net"), simnet.LinkConfig{
		Latency:    simnet.Dist{Min: o.LatencyMin, Mean: o.LatencyMean, Max: o.LatencyMin + 50*time.Millisecond},
		MaxSegment: o.MaxSegment,
	})
	c, err := cluster.New(r.l, r.net, r.src, cluster.Config{
		Nodes: o.Nodes, NodeConfig: o.nodeConfig, FlushDelay: o.FlushDelay,
		EverysecWindow: EverysecWindow, Bug: bugFunc(o), Logs: logs,
	})
	if err != nil {
		return nil, err
	}
	r.c = c
	c.OnDown = r.onDown
	c.OnUp = r.onUp
	c.OnPsync = r.onPsync
	r.psy.rand = r.src.Stream("psync")
	r.admin = make([]*simclient.Client, o.Nodes)
	r.armed = make([]time.Duration, o.Nodes)
	for i := range r.armed {
		r.armed[i] = -1
	}
	// Without replication every node is the master of its own shard;
	// with it there is one shard, served by the current master.
	shards, addr := o.Nodes, func(shard int) string { return c.Node(shard).Addr }
	if o.Replicas {
		shards, addr = 1, func(int) string {
			if r.master < 0 {
				return "" // a failover is in progress
			}
			return c.Node(r.master).Addr
		}
	}
	if o.Groups2 {
		shards, addr = 2, func(g int) string { return c.Node(o.groupMaster(g)).Addr }
	}
	waitFor := 0
	if forced {
		waitFor = o.Nodes - 1 // every replica
	}
	r.wl = workload.New(r.l, r.net, r.src.Stream("workload"), workload.Config{
		Shards: shards, Addr: addr,
		ClientsPerShard: o.ClientsPerNode, Groups: o.Groups, Keys: o.Keys,
		Think: o.think(), Timeout: o.Timeout, MaxUnknown: MaxUnknown,
		MultiPct: o.MultiPct, MSetPct: o.MSetPct,
		WaitReplicas: waitFor, WaitAOF: forced && o.Fsync == "everysec",
		WaitTimeout: workload.WaitTimeoutFor(o.Timeout, forced && o.Fsync == "everysec"),
	})
	return r, nil
}

// faultPhase runs the workload and the schedule's faults for Duration.
func (r *runner) faultPhase(sched []Fault) {
	for _, f := range sched {
		if f.At < r.o.Duration && f.Node < r.o.Nodes {
			r.l.At(f.At, "fault."+f.Kind.String(), func() { r.apply(f) })
		}
	}
	r.replOutages()
	r.startGroups2()
	r.wl.Start()
	r.l.RunUntil(r.o.Duration)
}

// livenessPhase heals everything — no more faults, every node up, every
// link whole — lets the clients finish, then requires every key group
// to answer its final transaction within Liveness.
func (r *runner) livenessPhase() bool {
	r.heal()
	healAt := r.l.Now()
	r.wl.Stop()
	r.l.RunUntilDone(healAt+r.o.Liveness, r.wl.Idle)
	if r.forced {
		// The final transactions count only once every replica confirmed
		// them: send them when the replicas are back, or each WAIT that
		// falls short leaves one more write open forever for porcupine.
		r.l.RunUntilDone(healAt+r.o.Liveness, r.converged)
	}
	r.wl.Final()
	live := r.l.RunUntilDone(healAt+r.o.Liveness, func() bool { return len(r.wl.Unfinished()) == 0 })
	if r.o.Replicas {
		r.l.RunUntilDone(healAt+r.o.Liveness, r.converged)
	}
	if r.o.Groups2 {
		r.l.RunUntilDone(healAt+r.o.Liveness, r.groups2Converged)
	}
	return live
}

// notLive describes a failed liveness phase.
func (r *runner) notLive() string {
	var names, why []string
	for _, g := range r.wl.Unfinished() {
		names = append(names, g.Name)
		if g.LastErr != "" && !slices.Contains(why, g.LastErr) {
			why = append(why, g.LastErr)
		}
	}
	msg := fmt.Sprintf("%d key group(s) got no answer to their final transaction within %v of the heal: %v%s",
		len(names), r.o.Liveness, names, r.downNodes())
	if len(why) > 0 {
		msg += "; last refusals: " + strings.Join(why, " | ")
	}
	return msg
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

func (o Options) nodeConfig(i int) node.Config {
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
	if o.ReplBacklog > 0 {
		must("repl-backlog-size", strconv.FormatInt(o.ReplBacklog, 10))
	}
	must("repl-diskless-sync", map[bool]string{true: "yes", false: "no"}[o.ReplDiskless])
	must("repl-diskless-sync-delay", strconv.Itoa(o.ReplSyncDelay))
	if o.AOFPsyncOff {
		must("aof-psync-state", "no")
	}
	if o.Replicas && i > 0 {
		must("replicaof", "n1 "+strconv.Itoa(cluster.Port))
	}
	o.groups2Config(i, must)
	return cfg
}

// bugFunc decides the nodes' deliberate faults: the chosen site fires
// with probability BugRate, by a hash of the seed, the node and its next
// op id rather than by draws in turn, so a fault elsewhere in the run
// (which rapid's shrinking removes) does not move where the bug fires.
func bugFunc(o Options) func(int, string, int64) bool {
	if o.Bug == "" {
		return nil
	}
	limit := uint64(o.BugRate * (1 << 53))
	return func(node int, site string, nextOpID int64) bool {
		h := mix64(o.Seed ^ mix64(uint64(node)<<32^uint64(nextOpID)) ^ mix64(uint64(len(site))))
		return site == o.Bug && h>>11 < limit
	}
}

// mix64 is SplitMix64's finalizer.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

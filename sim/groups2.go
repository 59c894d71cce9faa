package sim

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"opdis/aofbinlog"
	"opdis/sim/cluster"
)

// Two groups (issue 6): Groups2 splits the nodes into two independent
// replication groups — n1… and the rest, each led by its first node, each
// with its own server-id — and runs a consumer per direction
// (consumer.go) that copies one group's own writes into the other. The
// clients of each group write their own keys (two-way sync of one key has
// no conflict resolution), so C1 holds per group. After the heal both
// groups must converge to the same dataset (each replica to its master,
// C2 and C3 per group), and nothing may loop: no master's log holds an
// entry of its own server-id that came back through OPAPPLY, none applies
// an entry of the other's twice, and where both logs are whole each holds
// exactly the other's own writes. The one excuse: a consumer that found
// entries it had still to copy purged before its first OPDEL got through
// (a gap, oplogsync.Start) cannot converge the groups, so such a run skips
// the dataset and count comparisons, and counts the gap. A gap found after
// a registration is a failure: OPDEL should have kept those entries.

// split is the index of the second group's master.
func (o Options) split() int { return (o.Nodes + 1) / 2 }

// groupOf is node i's group, 0 or 1 (always 0 without Groups2).
func (o Options) groupOf(i int) int {
	if o.Groups2 && i >= o.split() {
		return 1
	}
	return 0
}

// groupMaster is group g's master.
func (o Options) groupMaster(g int) int {
	if g == 1 {
		return o.split()
	}
	return 0
}

// groupServerID is group g's server-id.
func groupServerID(g int) int64 { return 1001 + int64(g) }

// groups2Check refuses option mixes the two groups cannot run with.
func (o Options) groups2Check() error {
	switch {
	case !o.Groups2:
		return nil
	case o.Replicas:
		return fmt.Errorf("groups2 and replicas exclude each other (each group has its own replicas)")
	case o.Fsync != "always":
		// A consumer may copy an entry that a power loss then takes from
		// its source: the groups would differ for good.
		return fmt.Errorf("groups2 needs fsync=always")
	}
	return nil
}

// groups2Config sets node i's server-id and master.
func (o Options) groups2Config(i int, must func(name, value string)) {
	if !o.Groups2 {
		return
	}
	g := o.groupOf(i)
	m := o.groupMaster(g)
	must("server-id", strconv.FormatInt(groupServerID(g), 10))
	if i != m {
		must("replicaof", "n"+strconv.Itoa(m+1)+" "+strconv.Itoa(cluster.Port))
	}
	if size := o.split(); (g == 0 && size == 1) || (g == 1 && o.Nodes-size == 1) {
		must("opget-master-min-slaves", "0") // no replica to acknowledge
	}
}

// isGroupMaster: node i leads a group.
func (r *runner) isGroupMaster(i int) bool {
	if r.o.Groups2 {
		return i == r.o.groupMaster(r.o.groupOf(i))
	}
	return i == r.master || (r.o.Replicas && i == r.foTo)
}

// groupNodes are the nodes of node m's group (every node without Groups2).
func (r *runner) groupNodes(m int) []*cluster.Node {
	if !r.o.Groups2 {
		return r.c.Nodes()
	}
	var ns []*cluster.Node
	for _, n := range r.c.Nodes() {
		if r.o.groupOf(n.Index) == r.o.groupOf(m) {
			ns = append(ns, n)
		}
	}
	return ns
}

// forGroups runs fn with r.master set to each group's master in turn (the
// single-group checks read r.master).
func (r *runner) forGroups(fn func() bool) bool {
	saved := r.master
	defer func() { r.master = saved }()
	ok := true
	for g := 0; g < 2; g++ {
		r.master = r.o.groupMaster(g)
		ok = fn() && ok
	}
	return ok
}

// consumersLate delays the consumers' start (a test's: the sources may
// purge before their first OPDEL, the gap the check excuses).
var consumersLate time.Duration

// startGroups2 starts the two consumers.
func (r *runner) startGroups2() {
	if !r.o.Groups2 {
		return
	}
	r.consumers = []*consumer{newConsumer(r, 0, 1), newConsumer(r, 1, 0)}
	for _, c := range r.consumers {
		r.l.After(consumersLate, "consumer.start", c.start)
	}
}

// groups2Hosts are what a network fault on node i can cut it from: its
// group's clients, the other nodes and the consumers.
func (r *runner) groups2Hosts(i int) []string {
	hosts := r.wl.HostsOf(r.o.groupOf(i))
	for _, n := range r.c.Nodes() {
		if n.Index != i {
			hosts = append(hosts, n.Name)
		}
	}
	for _, c := range r.consumers {
		hosts = append(hosts, c.host)
	}
	return hosts
}

// groups2Converged: each group converged and both consumers are at their
// source's end.
func (r *runner) groups2Converged() bool {
	for _, c := range r.consumers {
		if !c.caughtUp || c.srcNext() != c.pos {
			return false
		}
	}
	return r.forGroups(r.converged)
}

// checkGroups2 is the end of a two-group run: C2 and C3 per group, the
// masters' datasets equal, and no loop.
func (r *runner) checkGroups2(res *Result) {
	r.forGroups(func() bool { r.checkConvergence(res); r.checkPrefix(res); return true })
	for _, c := range r.consumers {
		for _, g := range c.lateGaps {
			res.Failures = append(res.Failures, Failure{"groups2", "a consumer found entries it had registered for purged: " + g})
		}
	}
	ma, mb := r.c.Node(r.o.groupMaster(0)), r.c.Node(r.o.groupMaster(1))
	if ma.Node() == nil || mb.Node() == nil {
		return // checkConvergence said so
	}
	a, errA := cluster.Dataset(ma.Node())
	b, errB := cluster.Dataset(mb.Node())
	if errA != nil || errB != nil {
		res.Failures = append(res.Failures, Failure{"groups2", fmt.Sprintf("datasets: %v %v", errA, errB)})
		return
	}
	gaps := r.groups2Gaps()
	if gaps > 0 {
		r.stats.Groups2.Excused++
	} else if d := cluster.DiffDatasets(a, b); d != "" {
		res.Failures = append(res.Failures, Failure{"groups2", fmt.Sprintf("the groups did not converge: %s's dataset differs from %s's (-%s +%s):\n%s",
			ma.Name, mb.Name, ma.Name, mb.Name, d)})
	}
	la, errA := masterLog(ma, groupServerID(0), groupServerID(1))
	lb, errB := masterLog(mb, groupServerID(1), groupServerID(0))
	for _, err := range []error{errA, errB} {
		if err != nil {
			res.Failures = append(res.Failures, Failure{"groups2", err.Error()})
		}
	}
	if errA != nil || errB != nil {
		return
	}
	r.stats.Groups2.LogsRead++
	if la.whole && lb.whole && gaps == 0 {
		r.stats.Groups2.Counted++
		if la.foreign != lb.own || lb.foreign != la.own {
			res.Failures = append(res.Failures, Failure{"groups2", fmt.Sprintf("entry counts: %s has %d own and %d of %s's, %s has %d own and %d of %s's",
				ma.Name, la.own, la.foreign, mb.Name, mb.Name, lb.own, lb.foreign, ma.Name)})
		}
	}
}

// groups2Gaps counts the consumers' gaps.
func (r *runner) groups2Gaps() int {
	n := 0
	for _, c := range r.consumers {
		n += len(c.gaps)
	}
	return n
}

// groupLog sums up a master's AOF for the loop check.
type groupLog struct {
	own, foreign int  // entries of its own server-id, and of the other's
	whole        bool // the log still starts at op id 1
}

// masterLog reads master n's AOF (a copy of its disk): it counts entries
// by server-id and fails on a loop — an entry of its own server-id with
// a source op id (it came back through OPAPPLY), an entry of the other's
// whose source op id does not increase (applied twice), or a third
// server-id.
func masterLog(n *cluster.Node, own, other int64) (groupLog, error) {
	var g groupLog
	l, err := aofbinlog.Open(n.FS.Clone(), aofbinlog.Options{})
	if err != nil {
		return g, fmt.Errorf("reading %s's AOF: %w", n.Name, err)
	}
	defer l.Close()
	g.whole = l.MinOpID() <= 1
	if _, has := l.RDBIndex(); has && l.MinOpID() > 1 {
		g.whole = false
	}
	if l.MinOpID() > l.LastOpID() {
		return g, nil
	}
	rd, err := l.NewReader(l.MinOpID())
	if err != nil {
		return g, fmt.Errorf("reading %s's AOF: %w", n.Name, err)
	}
	defer rd.Close()
	lastSrc := int64(-1)
	for {
		rec, err := rd.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return g, nil
			}
			return g, fmt.Errorf("reading %s's AOF: %w", n.Name, err)
		}
		h := rec.Entry.Header
		if len(rec.Entry.Commands) == 0 {
			continue // a lone header
		}
		switch h.ServerID {
		case own:
			if h.SrcOpID != -1 {
				return g, fmt.Errorf("loop: %s's AOF entry %d has its own server-id %d and source op id %d: it came back", n.Name, h.OpID, own, h.SrcOpID)
			}
			g.own++
		case other:
			if h.SrcOpID <= lastSrc {
				return g, fmt.Errorf("loop: %s's AOF entry %d applies %d's op id %d after op id %d: applied twice or out of order", n.Name, h.OpID, other, h.SrcOpID, lastSrc)
			}
			lastSrc = h.SrcOpID
			g.foreign++
		default:
			return g, fmt.Errorf("%s's AOF entry %d has server-id %d", n.Name, h.OpID, h.ServerID)
		}
	}
}

// Groups2Stats count what the two-group runs checked and did.
type Groups2Stats struct {
	Copied             int64 // entries the consumers sent
	Sessions, Failures int   // consumer sessions, and those that broke
	LogsRead, Counted  int   // runs whose masters' logs were read, and whole enough to count
	Gaps               int   // sessions that found their start purged (oplogsync.Gap)
	Excused            int   // runs not compared for a gap
}

func (s *Groups2Stats) add(o Groups2Stats) {
	s.Copied += o.Copied
	s.Sessions += o.Sessions
	s.Failures += o.Failures
	s.LogsRead += o.LogsRead
	s.Counted += o.Counted
	s.Gaps += o.Gaps
	s.Excused += o.Excused
}

func (r *runner) collectGroups2() {
	for _, c := range r.consumers {
		r.stats.Groups2.Copied += c.copied
		r.stats.Groups2.Sessions += c.sessions
		r.stats.Groups2.Failures += c.failures
		r.stats.Groups2.Gaps += len(c.gaps)
	}
}

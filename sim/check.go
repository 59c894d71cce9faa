package sim

import (
	"fmt"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"opdis/model"
	"opdis/node"
	"opdis/sim/cluster"
)

// What a run is checked for at its end (the cluster checks C5 at every
// restart), and the figures it reports.

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
		s.Purged += ns.Purged
		s.LostEntries += ns.LostEntries
		s.SyncFull += ns.SyncFull
		s.SyncPartial += ns.SyncPartial
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

// converged reports whether every replica is up, linked to the master
// and at the master's next op id (the C2 check then compares datasets).
func (r *runner) converged() bool {
	m := r.c.Node(r.master).Node()
	if m == nil {
		return false
	}
	for i, cn := range r.c.Nodes() {
		if i == r.master {
			continue
		}
		nd := cn.Node()
		if nd == nil || nd.NextOpID() != m.NextOpID() {
			return false
		}
		if !strings.Contains(nd.Info([]byte("replication")), "master_link_status:up") {
			return false
		}
	}
	return true
}

// checkConvergence is C2: after the heal every node holds the master's
// dataset and the same next op id.
func (r *runner) checkConvergence(res *Result) {
	m := r.c.Node(r.master)
	if m.Node() == nil {
		res.Failures = append(res.Failures, Failure{"C2", fmt.Sprintf("the master %s is down after the heal", m.Name)})
		return
	}
	want, err := cluster.Dataset(m.Node())
	if err != nil {
		res.Failures = append(res.Failures, Failure{"C2", fmt.Sprintf("master %s: %v", m.Name, err)})
		return
	}
	for i, cn := range r.c.Nodes() {
		if i == r.master {
			continue
		}
		nd := cn.Node()
		if nd == nil {
			res.Failures = append(res.Failures, Failure{"C2", fmt.Sprintf("replica %s is down after the heal", cn.Name)})
			continue
		}
		if a, b := m.Node().NextOpID(), nd.NextOpID(); a != b {
			res.Failures = append(res.Failures, Failure{"C2", fmt.Sprintf("replica %s is at next op id %d, the master %s at %d (%s)",
				cn.Name, b, m.Name, a, linkStatus(nd))})
		}
		got, err := cluster.Dataset(nd)
		if err != nil {
			res.Failures = append(res.Failures, Failure{"C2", fmt.Sprintf("replica %s: %v", cn.Name, err)})
			continue
		}
		if d := cluster.DiffDatasets(want, got); d != "" {
			res.Failures = append(res.Failures, Failure{"C2", fmt.Sprintf("replica %s's dataset differs from the master %s's (-master +replica):\n%s", cn.Name, m.Name, d)})
		}
	}
}

// linkStatus is a replica's INFO master_link_status line.
func linkStatus(nd *node.Node) string {
	for _, line := range strings.Split(nd.Info([]byte("replication")), "\n") {
		if strings.HasPrefix(line, "master_link_status:") {
			return strings.TrimSpace(line)
		}
	}
	return "no master_link_status"
}

package sim

import (
	"fmt"
	"time"

	"github.com/anishathalye/porcupine"

	"opdis/model"
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

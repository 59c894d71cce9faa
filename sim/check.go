package sim

import (
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"opdis/aofbinlog"
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
	s.Unconfirmed = ws.Unconfirmed
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

// converged reports whether every replica is up, linked and caught up
// with the master: at its next op id, replication id and offset (the C2
// check then compares datasets). Equal op ids alone are not enough: a
// master that lost its last entries (a disk fault) reuses their op ids,
// and a chained replica holding the lost ones stays linked to its parent
// until the parent's full sync drops it (seed 34382).
func (r *runner) converged() bool {
	if r.master < 0 {
		return false // a promotion is still in flight
	}
	m := r.c.Node(r.master).Node()
	if m == nil {
		return false
	}
	for _, cn := range r.groupNodes(r.master) {
		if cn.Index == r.master {
			continue
		}
		if nd := cn.Node(); nd == nil || !caughtUp(nd, m) {
			return false
		}
	}
	return true
}

// checkConvergence is C2: after the heal every node holds the master's
// dataset and the same next op id.
func (r *runner) checkConvergence(res *Result) {
	if r.master < 0 {
		res.Failures = append(res.Failures, Failure{"C2", "no master after the heal: a promotion never answered"})
		return
	}
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
	for _, cn := range r.groupNodes(r.master) {
		if cn.Index == r.master {
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

// logEntry is what C3 compares of an AOF entry.
type logEntry struct {
	epoch uint64
	sum   uint64 // FNV-1a of the entry's bytes
}

// readLog reads every entry a node's AOF holds, on a copy of its disk
// (opening a log may repair a torn tail).
func readLog(n *cluster.Node) (ids []int64, entries map[int64]logEntry, err error) {
	l, err := aofbinlog.Open(n.FS.Clone(), aofbinlog.Options{})
	if err != nil {
		return nil, nil, err
	}
	defer l.Close()
	entries = map[int64]logEntry{}
	if l.MinOpID() > l.LastOpID() {
		return nil, entries, nil
	}
	rd, err := l.NewReader(l.MinOpID())
	if err != nil {
		return nil, nil, err
	}
	defer rd.Close()
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return ids, entries, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if len(rec.Entry.Commands) == 0 {
			continue // a lone header (its entry was cut short): the op id comes again whole
		}
		h := fnv.New64a()
		h.Write(rec.Raw)
		id := rec.Entry.Header.OpID
		ids = append(ids, id)
		entries[id] = logEntry{epoch: uint64(rec.Entry.Header.Epoch), sum: h.Sum64()}
	}
}

// checkPrefix is C3: every replica's AOF is a prefix of the master's —
// op ids increasing, none past the master's last, and every entry both
// logs still hold is the same bytes (so the same epoch).
func (r *runner) checkPrefix(res *Result) {
	if r.master < 0 {
		return // checkConvergence reported it
	}
	m := r.c.Node(r.master)
	mids, mlog, err := readLog(m)
	if err != nil {
		res.Failures = append(res.Failures, Failure{"C3", fmt.Sprintf("reading the master %s's AOF: %v", m.Name, err)})
		return
	}
	mlast := int64(0) // the master's last op id (its log may be purged empty)
	if nd := m.Node(); nd != nil {
		mlast = nd.NextOpID() - 1
	}
	if len(mids) > 0 {
		mlast = max(mlast, mids[len(mids)-1])
	}
	for _, cn := range r.groupNodes(r.master) {
		if cn.Index == r.master {
			continue
		}
		ids, log, err := readLog(cn)
		if err != nil {
			res.Failures = append(res.Failures, Failure{"C3", fmt.Sprintf("reading %s's AOF: %v", cn.Name, err)})
			continue
		}
		for j, id := range ids {
			if j > 0 && id <= ids[j-1] {
				res.Failures = append(res.Failures, Failure{"C3", fmt.Sprintf("%s's AOF holds op id %d after %d", cn.Name, id, ids[j-1])})
				break
			}
			if id > mlast {
				res.Failures = append(res.Failures, Failure{"C3", fmt.Sprintf("%s's AOF holds op id %d, past the master %s's last %d", cn.Name, id, m.Name, mlast)})
				break
			}
			if me, ok := mlog[id]; ok && me != log[id] {
				res.Failures = append(res.Failures, Failure{"C3", fmt.Sprintf("%s's AOF entry %d (epoch %d) differs from the master %s's (epoch %d)",
					cn.Name, id, log[id].epoch, m.Name, me.epoch)})
				break
			}
		}
	}
}

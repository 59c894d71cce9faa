package sim

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"opdis/aofbinlog"
	"opdis/node"
	"opdis/sim/cluster"
	"opdis/sim/simnet"
)

// C4, no needless full sync (DESIGN §7): every PSYNC a master answers is
// counted by decision (node.OnPsync), and every FULLRESYNC is judged
// against the master's AOF as it is on disk at that moment, read from a
// copy of its directory (no disk call of the node, no fault, no trace
// event): if the replica's next op id is there and the master's entry
// next_opid-1 carries the replica's last_epoch (or the replica is caught
// up with the same last epoch), the histories agree and the master should
// have continued. That is a violation unless an excuse applies, and
// excuses are named and counted. An AOFCONTINUE from an entry whose epoch
// differs on disk is a violation too (an unsafe continue).
//
// The AOF's user-space buffer is not in the copy, so an entry only there
// counts as absent: the oracle can miss a needless full sync at the very
// end of the log, never invent one.

// PsyncStats count the masters' PSYNC answers and how C4 judged the full
// syncs.
type PsyncStats struct {
	Continue, AOFContinue, FullResync, ForceFull, Refused int
	// Full syncs the histories made necessary: the replica had nothing,
	// offered no history (last_epoch 0: it was told forcefullresync, or
	// its snapshot could not be kept), its next op id was not in the AOF
	// (purged, ahead), or they diverged.
	NoEntries, NoEpoch, NotInAOF, Diverged int
	// Excused needless full syncs, by kind (c4Excuses).
	Excused [numExcuses]int
	// Faults aimed at AOF psync: replica outages started, and races on AOF
	// continues by kind (raceNames).
	Outages int
	Races   [len(raceNames)]int
}

var raceNames = [...]string{"purge", "aofflush", "failover", "kill", "reset"}

// The excuses for a full sync C4 would otherwise call needless.
const (
	excAOFPsyncOff = iota // aof-psync-state no
	excAOFClosed          // the master's binlog is closed (after a disk error)
	excDiskFault          // a disk fault failed one of the master's calls
	excRedisForm          // the replica sent Redis's PSYNC (no op ids)
	excChained            // the master is itself a replica
	excDying              // the master is crashing inside a disk call
	numExcuses
)

var c4Excuses = [numExcuses]string{"aof-psync off", "AOF closed", "disk fault", "redis-form PSYNC", "chained master", "master crashing"}

func (p *PsyncStats) add(o PsyncStats) {
	p.Continue += o.Continue
	p.AOFContinue += o.AOFContinue
	p.FullResync += o.FullResync
	p.ForceFull += o.ForceFull
	p.Refused += o.Refused
	p.NoEntries += o.NoEntries
	p.NoEpoch += o.NoEpoch
	p.NotInAOF += o.NotInAOF
	p.Diverged += o.Diverged
	for i := range p.Excused {
		p.Excused[i] += o.Excused[i]
	}
	p.Outages += o.Outages
	for i := range p.Races {
		p.Races[i] += o.Races[i]
	}
}

func (p PsyncStats) String() string {
	s := fmt.Sprintf("CONTINUE %d AOFCONTINUE %d FULLRESYNC %d (no entries %d, no history offered %d, not in AOF %d, diverged %d",
		p.Continue, p.AOFContinue, p.FullResync, p.NoEntries, p.NoEpoch, p.NotInAOF, p.Diverged)
	for i, n := range p.Excused {
		if n > 0 {
			s += fmt.Sprintf(", excused %s %d", c4Excuses[i], n)
		}
	}
	s += fmt.Sprintf(") forcefullresync %d refused %d; outages %d, races", p.ForceFull, p.Refused, p.Outages)
	for i, n := range p.Races {
		s += fmt.Sprintf(" %s %d", raceNames[i], n)
	}
	return s
}

// psyncState is the runner's C4 bookkeeping.
type psyncState struct {
	rand     *rand.Rand // races and outages
	failures []Failure
}

// onPsync counts and judges one decision of master m.
func (r *runner) onPsync(m *cluster.Node, ev node.PsyncEvent) {
	p := &r.stats.Psync
	switch ev.Kind {
	case "continue":
		p.Continue++
	case "aofcontinue":
		p.AOFContinue++
		if v := r.c4Verdict(m, ev); v.diverged {
			r.c4Fail(m, ev, "AOFCONTINUE although the histories differ: %s", v.why)
		}
		r.psyncRace(m, ev)
	case "fullresync":
		p.FullResync++
		r.judgeFull(m, ev)
	case node.PsyncEventForceFull:
		p.ForceFull++
	default:
		p.Refused++
	}
}

func (r *runner) judgeFull(m *cluster.Node, ev node.PsyncEvent) {
	p := &r.stats.Psync
	req := ev.Request
	switch {
	case !req.Opdis:
		p.Excused[excRedisForm]++
		return
	case req.NextOpID < 2:
		p.NoEntries++
		return
	case req.LastEpoch == 0:
		p.NoEpoch++
		return
	}
	v := r.c4Verdict(m, ev)
	switch {
	case v.diverged:
		p.Diverged++
		return
	case !v.resumable:
		p.NotInAOF++
		return
	}
	switch {
	case !ev.AOFPsyncState:
		p.Excused[excAOFPsyncOff]++
	case !ev.AOFOpen:
		p.Excused[excAOFClosed]++
	case m.DiskFailed():
		p.Excused[excDiskFault]++
	case m.Dying():
		p.Excused[excDying]++
	case ev.IsReplica:
		p.Excused[excChained]++
	default:
		r.c4Fail(m, ev, "FULLRESYNC although the replica could resume: %s (the master's reason: %s)", v.why, ev.Reason)
	}
}

func (r *runner) c4Fail(m *cluster.Node, ev node.PsyncEvent, format string, args ...any) {
	msg := fmt.Sprintf("%s @%v, replica %s (next_opid %d, last_epoch %d): ", m.Name, r.l.Now(), ev.Replica, ev.Request.NextOpID, ev.Request.LastEpoch)
	r.psy.failures = append(r.psy.failures, Failure{"C4", msg + fmt.Sprintf(format, args...)})
}

// verdict is what the master's AOF on disk says of a replica's
// request (c4Verdict): resumable (the next op id is there, or the replica is caught
// up, and entry next_opid-1 has its epoch), diverged (that entry has
// another epoch), or neither (not on disk, or unreadable).
type verdict struct {
	resumable, diverged bool
	why                 string
}

// c4Verdict reads a copy of master m's disk for ev's request.
func (r *runner) c4Verdict(m *cluster.Node, ev node.PsyncEvent) verdict {
	req := ev.Request
	n := req.NextOpID
	if n < 2 || n > ev.NextOpID {
		return verdict{why: "replica ahead or empty"}
	}
	l, err := aofbinlog.Open(m.FS.Clone(), aofbinlog.Options{ReadOnly: true})
	if err != nil {
		return verdict{why: "the AOF copy does not open: " + err.Error()}
	}
	defer l.Close()
	epoch, ok := int64(0), false
	if h, has, err := l.HeaderOf(n - 1); err == nil && has {
		epoch, ok = h.Epoch, true
	} else if idx, has := l.RDBIndex(); has && idx.LastEpoch != 0 && n == idx.NextOpID {
		epoch, ok = idx.LastEpoch, true // the snapshot's last entry
	} else if n == ev.NextOpID {
		epoch, ok = ev.LastEpoch, true // caught up: the last entry is in memory
	}
	switch {
	case !ok:
		return verdict{why: fmt.Sprintf("op id %d is not in the AOF", n-1)}
	case epoch != req.LastEpoch:
		return verdict{diverged: true, why: fmt.Sprintf("entry %d has epoch %d on the master, %d on the replica", n-1, epoch, req.LastEpoch)}
	case n == ev.NextOpID:
		return verdict{resumable: true, why: fmt.Sprintf("caught up at op id %d, epoch %d", n-1, epoch)}
	}
	if _, has, err := l.HeaderOf(n); err != nil || !has {
		return verdict{why: fmt.Sprintf("op id %d is not in the AOF", n)}
	}
	return verdict{resumable: true, why: fmt.Sprintf("op ids %d.. are in the AOF and entry %d has epoch %d on both", n, n-1, epoch)}
}

// psyncRace races an AOF continue that has entries to stream: within a
// few milliseconds, while they stream, the master purges up to a point
// inside them or splits its AOF, a failover starts, or the replica dies
// or loses its connection.
func (r *runner) psyncRace(m *cluster.Node, ev node.PsyncEvent) {
	if r.healed || ev.Request.NextOpID >= ev.NextOpID || r.psy.rand.Float64() >= r.o.PsyncRace {
		return
	}
	rd := r.psy.rand
	delay := time.Duration(rd.Int64N(int64(5 * time.Millisecond)))
	rep := r.nodeNamed(ev.Replica)
	k := rd.IntN(5)
	switch {
	case k == 0 && r.o.Groups2:
		k = 1 // PURGEAOFTO ignores OPDEL: a consumer would lose entries for good
	case k == 2 && !r.o.Replicas:
		k = 4 // no failover between two groups' masters
	}
	r.stats.Psync.Races[k]++
	switch k {
	case 0:
		to := ev.Request.NextOpID + rd.Int64N(ev.NextOpID-ev.Request.NextOpID+1)
		r.l.After(delay, "psync.race.purge", func() { r.adminDo(m.Index, "PURGEAOFTO", strconv.FormatInt(to, 10)) })
	case 1:
		r.l.After(delay, "psync.race.aofflush", func() { r.adminDo(m.Index, "AOFFLUSH") })
	case 2:
		r.l.After(delay, "psync.race.failover", func() {
			if !r.healed {
				r.failover()
			}
		})
	case 3, 4:
		if rep == nil {
			return
		}
		r.l.After(delay, "psync.race.replica", func() {
			switch {
			case r.healed || !rep.Up():
			case k == 3:
				rep.Crash(cluster.Kill)
				r.l.After(time.Duration(rd.Int64N(int64(time.Second))), "node.restart", func() { rep.Restart() })
			default:
				r.net.ResetBetween(rep.Name, m.Name)
			}
		})
	}
}

// nodeNamed is the node a replica name (host:port) names, or nil.
func (r *runner) nodeNamed(replica string) *cluster.Node {
	host, _, _ := strings.Cut(replica, ":")
	for _, n := range r.c.Nodes() {
		if n.Name == host {
			return n
		}
	}
	return nil
}

// replOutages schedules the fault phase's long replica outages: a replica
// (never the master of the moment) is cut from every other node, killed or
// powered off, for 0.5–5 s, long enough to miss more than a tiny backlog.
func (r *runner) replOutages() {
	if !r.o.Replicas && !r.o.Groups2 {
		return
	}
	rd := r.psy.rand
	for i, k := 0, poisson(rd, r.o.ReplOutage, r.o.Duration); i < k; i++ {
		at := time.Duration(rd.Int64N(int64(r.o.Duration)))
		idx, mode := rd.IntN(r.o.Nodes), rd.IntN(4)
		dur := 500*time.Millisecond + time.Duration(rd.Int64N(int64(4500*time.Millisecond)))
		r.l.At(at, "psync.outage", func() {
			n := r.c.Node(idx)
			if r.healed || r.isGroupMaster(idx) || !n.Up() {
				return
			}
			r.stats.Psync.Outages++
			switch mode {
			case 0, 1: // cut from the other nodes (held or dropped)
				pm := simnet.Hold
				if mode == 1 {
					pm = simnet.Drop
				}
				for _, o := range r.c.Nodes() {
					if o != n {
						r.net.Partition(n.Name, o.Name, pm)
					}
				}
				r.l.After(dur, "fault.heal", func() {
					for _, o := range r.c.Nodes() {
						if o != n {
							r.net.Heal(n.Name, o.Name)
						}
					}
				})
			default:
				kind := cluster.Kill
				if mode == 3 {
					kind = cluster.PowerLoss
				}
				n.Crash(kind)
				r.l.After(dur, "node.restart", func() { n.Restart() })
			}
		})
	}
}

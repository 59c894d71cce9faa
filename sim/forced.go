package sim

import (
	"strconv"
	"time"

	"opdis/sim/cluster"
	"opdis/sim/simnet"
	"opdis/wire"
)

// Forced failover (DESIGN §7, §8): the master dies or is cut off, and
// after a detection delay the controller promotes the most advanced
// replica it can reach with REPLICAOF NO ONE — without waiting for the
// writes to stop, so the old master may hold a divergent tail: writes it
// accepted that no replica got. The other nodes are repointed at once;
// the old master is repointed when it comes back (a restart reads the
// replicaof its configuration now names; a partition holds the
// controller's REPLICAOF until it heals), and the epoch rule must then
// make it full-sync. C1 holds under the WAIT rule (workload/confirm.go),
// C3 and C2 after the heal.
//
// A crash is noticed at once: the promotion starts in the same event, so
// the old master never serves again with what it had (its restart's
// dataset, which may lack writes the replicas confirmed). In a run with
// forced failovers (forced), a master the nemesis takes down is failed
// over the same way.

// forcedModes are how a ForcedFailover fault takes the master away.
var forcedModes = []string{"kill", "power loss", "cut from the replicas", "cut from everyone"}

// forcedRun reports whether a run fails over by force: the WAIT rule
// then decides which replies count.
func forcedRun(o Options, sched []Fault) bool {
	if !o.Replicas {
		return false
	}
	if o.ForcedFailover > 0 {
		return true
	}
	for _, f := range sched {
		if f.Kind == ForcedFailover && f.At < o.Duration {
			return true
		}
	}
	return false
}

// forcedFailover carries out a ForcedFailover fault.
func (r *runner) forcedFailover(f Fault) {
	if !r.o.Replicas || r.master < 0 || r.foFrom >= 0 || r.foCommitted {
		return // no master, or a failover is under way
	}
	old := r.master
	n := r.c.Node(old)
	switch f.Mode % len(forcedModes) {
	case 0, 1:
		if !n.Up() {
			break
		}
		kind := cluster.Kill
		if f.Mode%len(forcedModes) == 1 {
			kind = r.powerLoss()
		}
		n.Crash(kind)
		r.l.After(f.Dur, "node.restart", func() { n.Restart() })
		r.forcedPromote(old) // a crash is noticed at once
		return
	default:
		// Cut from the other nodes and the controller (its REPLICAOF waits
		// for the heal); mode 3 also from the clients, mode 2 leaves them,
		// so the old master takes writes that no replica will see.
		hosts := []string{"admin"}
		for _, o := range r.c.Nodes() {
			if o.Index != old {
				hosts = append(hosts, o.Name)
			}
		}
		if f.Mode%len(forcedModes) == 3 {
			hosts = append(hosts, r.wl.HostsOf(0)...)
		}
		for _, h := range hosts {
			r.net.Partition(n.Name, h, simnet.Hold)
		}
		// It lasts past the promotion: the old master must not rejoin its
		// replicas, still its, in between. Until it heals no graceful
		// failover starts and it is not promoted: the demotion the
		// controller sent is held in the network and would reach it after
		// a newer topology (seed 62276: a FAILOVER made it master again,
		// and the demotion then made it a replica of its own replica;
		// seed 2207: a forced failover chose it, and its promotion was
		// held too).
		r.cut(old, +1)
		r.l.After(max(f.Dur, time.Duration(f.Arg+100)*time.Millisecond), "fault.heal", func() {
			r.cut(old, -1)
			for _, h := range hosts {
				r.net.Heal(n.Name, h)
			}
		})
	}
	r.masterLost(old, time.Duration(f.Arg)*time.Millisecond)
}

// NoticeDelay is how long the controller takes to notice that the
// nemesis cut the master off.
const NoticeDelay = 200 * time.Millisecond

// masterLost schedules the promotion that replaces old, detect from now
// (a controller notices a dead master only after a while; meanwhile the
// clients keep sending to it).
func (r *runner) masterLost(old int, detect time.Duration) {
	r.l.Trace().Record(r.l.Now(), "forced.lost", int64(old), int64(detect), nil)
	r.l.After(detect, "forced.promote", func() { r.forcedPromote(old) })
}

// forcedPromote promotes the most advanced replica that is up, unless the
// master changed meanwhile or there is none.
func (r *runner) forcedPromote(old int) {
	if r.healed || r.master != old || r.foFrom >= 0 || r.foCommitted {
		return
	}
	target := r.mostAdvanced(old)
	if target < 0 {
		return // nobody to promote: the old master stays
	}
	r.stats.ForcedFailovers++
	r.master = -1 // the workload stops sending until the promotion answers
	r.foCommitted = true
	// A crashed old master restarts as a replica of the new one, never as
	// a master with what it lost (and what it alone has).
	r.c.Node(old).SetReplicaOf(r.c.Node(target).Name + " " + strconv.Itoa(cluster.Port))
	if o, t := r.c.Node(old).Node(), r.c.Node(target).Node(); o != nil && o.NextOpID() > t.NextOpID() {
		// The old master holds entries the new one lacks (it is cut off,
		// not dead): its divergent tail must go by a full sync.
		r.stats.DivergentTails++
	}
	r.l.Trace().Record(r.l.Now(), "forced.start", int64(old), int64(target), nil)
	r.adminCall(target, func(v wire.Value, err error) {
		r.foCommitted = false
		if err != nil || v.Kind == wire.Error {
			// The target went down: the old master keeps the job and,
			// before the heal, we try again.
			r.stats.FailoversAborted++
			r.master = old
			r.c.Node(old).SetReplicaOf("")
			r.adminDo(old, "REPLICAOF", "NO", "ONE") // if it came back as the target's replica
			r.l.Trace().Record(r.l.Now(), "forced.abort", int64(old), int64(target), nil)
			if !r.healed {
				r.l.After(10*time.Millisecond, "forced.retry", func() { r.forcedPromote(old) })
			}
			return
		}
		r.promoted(old, target)
	}, "REPLICAOF", "NO", "ONE")
}

// mostAdvanced is the node other than old that is up and holds the most:
// the highest next op id, then the highest replication offset. A node
// whose restart lost entries (a disk fault: in forced runs crashes are
// kills) is passed over until it has them again: it acknowledged them to
// its master, so they may be writes WAIT confirmed. So is a replica that
// has not completed a full sync: a master counts it in WAIT (as Redis
// does) from the end of the transfer, before it loaded anything, and a
// write made before the master had replicas has offset 0. So is a node
// that has not applied entries up to the latest restore (onUp): the
// restore made the master's whole dataset definite, writes no replica
// confirmed included, so promoting a node without them loses them.
func (r *runner) mostAdvanced(old int) int {
	best, bestID, bestOff := -1, int64(0), int64(0)
	for i, n := range r.c.Nodes() {
		nd := n.Node()
		if i == old || nd == nil || n.Lost > 0 || n.Unsynced || nd.NextOpID()-1 < r.restored || r.isCutOff(i) {
			continue
		}
		off, _ := strconv.ParseInt(infoFields(nd)["master_repl_offset"], 10, 64)
		if id := nd.NextOpID(); best < 0 || id > bestID || id == bestID && off > bestOff {
			best, bestID, bestOff = i, id, off
		}
	}
	return best
}

// cut counts a cut between node i and the controller starting (+1) or
// healing (-1).
func (r *runner) cut(i, d int) {
	if r.cutOff == nil {
		r.cutOff = make([]int, len(r.c.Nodes()))
	}
	r.cutOff[i] += d
}

// isCutOff reports whether the controller cannot reach node i.
func (r *runner) isCutOff(i int) bool { return r.cutOff != nil && r.cutOff[i] > 0 }

// anyCutOff reports whether the controller cannot reach some node.
func (r *runner) anyCutOff() bool {
	for i := range r.cutOff {
		if r.isCutOff(i) {
			return true
		}
	}
	return false
}

// onMasterCrash reacts, in a forced run, to the nemesis taking the master
// down: it is failed over like a ForcedFailover fault's.
func (r *runner) onMasterCrash(i int) {
	if r.forced && !r.healed && i == r.master {
		r.forcedPromote(i)
	}
}

// powerLoss is the crash a power-loss fault causes. WAIT counts what the
// replicas applied, not what they fsynced, so a forced run confirms with
// WAITAOF under appendfsync everysec (DESIGN §7: where whole-cluster power
// loss is in play). Under appendfsync no nothing is fsynced for WAITAOF
// to count: such a forced run confirms with WAIT and kills instead (a
// kill keeps what reached the OS).
func (r *runner) powerLoss() cluster.CrashKind {
	if r.forced && r.o.Fsync == "no" {
		return cluster.Kill
	}
	return cluster.PowerLoss
}

package sim

import (
	"strconv"
	"strings"
	"time"

	"opdis/node"
	"opdis/sim/cluster"
	"opdis/sim/simclient"
	"opdis/wire"
)

// The failover controller (DESIGN §7): a graceful failover, as an
// operator does it. Writes stop first (the workload sends nothing while
// there is no master, so every reply stays definite), the most advanced
// replica catches up with the master, is promoted, and every other node,
// the old master included, is repointed at it. Half the failovers promote
// with REPLICAOF NO ONE on the replica (what Sentinel does), half with
// the FAILOVER command on the master (Redis 6.2's coordinated failover:
// the master hands over with PSYNC … FAILOVER and becomes the replica's
// replica, with no full sync). C1 must hold across it: nothing
// acknowledged may be lost.

// FailoverTimeout bounds the wait for the chosen replica to catch up;
// past it the failover is abandoned and the old master serves again.
const FailoverTimeout = 3 * time.Second

// failover starts a graceful failover, unless one is in progress or the
// cluster has no master and up-to-date-capable replica.
func (r *runner) failover() {
	if !r.o.Replicas || r.foFrom >= 0 || r.foCommitted || r.healed || r.master < 0 || r.anyCutOff() || r.repointing > 0 {
		return
	}
	m := r.c.Node(r.master).Node()
	if m == nil {
		return
	}
	target := -1
	for i, n := range r.c.Nodes() {
		nd := n.Node()
		if i == r.master || nd == nil {
			continue
		}
		if target < 0 || nd.NextOpID() > r.c.Node(target).Node().NextOpID() {
			target = i
		}
	}
	if target < 0 {
		return
	}
	r.stats.Failovers++
	r.foFrom, r.foTo, r.foStart = r.master, target, r.l.Now()
	r.master = -1 // the workload stops sending
	r.l.Trace().Record(r.l.Now(), "failover.start", int64(r.foFrom), int64(target), nil)
	r.failoverPoll()
}

// failoverPoll waits until no request is outstanding and the target has
// every entry of the old master, then promotes it.
func (r *runner) failoverPoll() {
	if r.foFrom < 0 {
		return // abandoned at the heal
	}
	from, to := r.c.Node(r.foFrom), r.c.Node(r.foTo)
	if r.healed || from.Node() == nil || to.Node() == nil || r.l.Now()-r.foStart > FailoverTimeout {
		r.failoverAbort()
		return
	}
	if !r.wl.Idle() || !caughtUp(to.Node(), from.Node()) {
		r.l.After(5*time.Millisecond, "failover.poll", r.failoverPoll)
		return
	}
	// Committed: the heal no longer abandons it; only a failed promotion
	// does (a target that crashed restarts as the old master's replica).
	r.foCommitted = true
	fi, ti := r.foFrom, r.foTo
	if r.foRand.IntN(2) == 0 {
		r.failoverCmd(fi, ti)
		return
	}
	r.adminCall(ti, func(v wire.Value, err error) {
		r.foCommitted = false
		if err != nil || v.Kind == wire.Error {
			r.failoverAbort() // the old master was never told anything
			return
		}
		r.promoted(fi, ti)
	}, "REPLICAOF", "NO", "ONE")
}

// failoverCmd asks the old master to hand over with FAILOVER TO, then
// waits until the target is master.
func (r *runner) failoverCmd(fi, ti int) {
	r.stats.FailoverCmds++
	to := r.c.Node(ti)
	r.adminCall(fi, func(v wire.Value, err error) {
		if err != nil || v.Kind == wire.Error {
			r.foCommitted = false
			r.failoverAbort()
			return
		}
		r.failoverCmdPoll(fi, ti, r.l.Now(), r.c.Node(fi).Incarnation(), to.Incarnation())
	}, "FAILOVER", "TO", to.Name, strconv.Itoa(cluster.Port), "TIMEOUT", strconv.Itoa(int(FailoverTimeout/time.Millisecond)))
}

// failoverCmdPoll follows a FAILOVER: done once the target is master;
// abandoned when the old master is master again (timeout, refused
// handshake), went down first (as when it dies before a REPLICAOF NO ONE;
// a restart already done is handled as any master's: onUp), or the target
// went down first (the old master, still handing over, is told FAILOVER
// ABORT; the target restarts as its replica). A restart counts as going
// down even when the poll did not see the node down (the heal restarts
// at once).
func (r *runner) failoverCmdPoll(fi, ti int, start time.Duration, fromInc, toInc int) {
	nf, nt := r.c.Node(fi), r.c.Node(ti)
	from, to := nf.Node(), nt.Node()
	fromGone := from == nil || nf.Incarnation() != fromInc
	toGone := to == nil || nt.Incarnation() != toInc
	abort := func() {
		r.foCommitted = false
		r.failoverAbort()
		if fromGone && nf.Up() {
			r.onUp(nf)
		}
	}
	switch {
	case !toGone && infoFields(to)["role"] == "master":
		r.foCommitted = false
		r.promoted(fi, ti)
	case fromGone:
		abort()
	case toGone, r.l.Now()-start > 2*FailoverTimeout:
		r.adminCall(fi, func(wire.Value, error) { abort() }, "FAILOVER", "ABORT")
	case infoFields(from)["master_failover_state"] == "no-failover" && infoFields(from)["role"] == "master":
		abort()
	default:
		r.l.After(5*time.Millisecond, "failover.cmd.poll", func() { r.failoverCmdPoll(fi, ti, start, fromInc, toInc) })
	}
}

// promoted repoints every other node at the new master and lets the
// workload write to it.
func (r *runner) promoted(from, to int) {
	nt := r.c.Node(to)
	nt.SetReplicaOf("")
	r.master = to
	r.foFrom, r.foTo = -1, -1
	r.l.Trace().Record(r.l.Now(), "failover.done", int64(from), int64(to), nil)
	for i, n := range r.c.Nodes() {
		if i == to {
			continue
		}
		n.SetReplicaOf(nt.Name + " " + strconv.Itoa(cluster.Port))
		r.replicaOf(i, nt)
	}
}

// replicaOf sends node i REPLICAOF to's address and sends it again while
// it is refused and i's configuration still names to. An old master whose
// PSYNC … FAILOVER is unanswered refuses REPLICAOF ("not allowed while
// failing over") until the target's reply ends its failover, or a refusal
// aborts it and leaves it a master (as Redis's abortFailover does). Seed
// 101437: the target promoted itself and died before its +CONTINUE left;
// restarted as a master, it refused the PSYNC FAILOVER, and the old
// master, whose REPLICAOF had been refused and dropped, served as a
// second master to the end. A node that is down restarts with its
// configuration.
//
// While one is pending no graceful failover starts: a resent REPLICAOF
// queued on the admin connection behind the next failover's promotion
// would demote the new master (seed 31647).
func (r *runner) replicaOf(i int, to *cluster.Node) {
	n, want := r.c.Node(i), replicaOfAddr(to)
	r.repointing++
	r.adminCall(i, func(v wire.Value, err error) {
		if err != nil || v.Kind != wire.Error {
			r.repointing--
			return
		}
		r.l.After(10*time.Millisecond, "replicaof.retry", func() {
			r.repointing--
			if n.Up() && n.Config().ReplicaOf == want {
				r.replicaOf(i, to)
			}
		})
	}, "REPLICAOF", to.Name, strconv.Itoa(cluster.Port))
}

// failoverAbort gives the workload its old master back.
func (r *runner) failoverAbort() {
	if r.foFrom < 0 || r.foCommitted {
		return
	}
	r.stats.FailoversAborted++
	r.master = r.foFrom
	r.foFrom, r.foTo = -1, -1
	r.l.Trace().Record(r.l.Now(), "failover.abort", int64(r.master), 0, nil)
}

// adminCall sends a command to node i on the admin connection and
// passes the reply to cb (a connection error as err).
func (r *runner) adminCall(i int, cb simclient.Callback, args ...string) {
	c := r.admin[i]
	if c == nil || c.Err() != nil {
		var err error
		c, err = simclient.Dial(r.net, "admin", r.c.Node(i).Addr)
		if err != nil {
			cb(wire.Value{}, err)
			return
		}
		r.admin[i] = c
	}
	c.Do(cb, args...)
}

// caughtUp reports whether replica holds everything master has: linked
// to it, on the same replication id and offset, at the same op id. Equal
// op ids alone are not enough: a master that lost entries to a power
// loss reuses their op ids for new ones its replicas never saw.
func caughtUp(replica, master *node.Node) bool {
	if replica.NextOpID() != master.NextOpID() {
		return false
	}
	ri, mi := infoFields(replica), infoFields(master)
	return ri["master_link_status"] == "up" && ri["master_replid"] == mi["master_replid"] &&
		ri["master_repl_offset"] == mi["master_repl_offset"]
}

// infoFields parses a node's INFO replication.
func infoFields(nd *node.Node) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(nd.Info([]byte("replication")), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			m[k] = v
		}
	}
	return m
}

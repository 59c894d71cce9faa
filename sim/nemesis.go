package sim

import (
	"strconv"
	"syscall"
	"time"

	"opdis/sim/cluster"
	"opdis/sim/simclient"
	"opdis/sim/simfs"
	"opdis/sim/simnet"
	"opdis/wire"
)

// The nemesis: carrying out the fault schedule, restarting crashed
// nodes, and the heal that ends the fault phase.

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
	r.onMasterCrash(n.Index)
}

// onUp records, where the fsync policy allows acknowledged writes to be
// lost, the state the node came back with.
func (r *runner) onUp(n *cluster.Node) {
	if r.o.Fsync == "always" || n.Node() == nil {
		return
	}
	if r.forced {
		// A restore would make the unconfirmed writes the node holds
		// definite, though the next promotion may drop them: a master
		// that came back without entries it had is failed over instead
		// (its replicas may hold what it lost), and restored only when
		// there is no one to promote; a later promotion then waits for a
		// node that has applied entries up to the restore (mostAdvanced).
		if n.Lost == 0 || n.Index != r.master {
			return
		}
		if r.forcedPromote(n.Index); r.master != n.Index {
			return
		}
	}
	shard := n.Index
	if r.o.Replicas {
		if n.Index != r.master {
			return // clients never read a replica
		}
		shard = 0
	}
	vals, err := cluster.Dataset(n.Node())
	if err == nil {
		r.wl.Restore(shard, vals)
		r.restored = n.Node().NextOpID() - 1
	}
}

func (r *runner) heal() {
	r.healed = true
	r.failoverAbort() // a failover waiting for its replica gives up
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
	hosts := r.hostsOf(f.Node)
	if f.Peer >= 0 && len(hosts) > 0 {
		hosts = hosts[f.Peer%len(hosts):][:1]
	}
	switch f.Kind {
	case Kill, PowerLoss:
		if n.Up() {
			kind := cluster.Kill
			if f.Kind == PowerLoss {
				kind = r.powerLoss()
			}
			n.Crash(kind)
			r.l.After(f.Dur, "node.restart", func() { n.Restart() })
			r.onMasterCrash(f.Node)
		}
	case MidOpCrash:
		kind := cluster.Kill
		if f.Mode == 1 {
			kind = r.powerLoss()
		}
		if n.Up() {
			n.CrashAfterOps(int(f.Arg), kind)
			r.armed[f.Node] = f.Dur
		}
	case Partition:
		r.partition(n.Name, hosts, f)
		if r.forced && f.Node == r.master && f.Peer < 0 && f.Mode < 2 {
			// The master is cut from everyone: the controller fails it
			// over once it notices.
			r.masterLost(f.Node, NoticeDelay)
		}
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
	case Failover:
		r.failover()
	case ForcedFailover:
		r.forcedFailover(f)
	case Chain:
		r.chain(f.Node, int(f.Arg))
	case PurgeAOF:
		if nd := n.Node(); nd != nil {
			r.adminDo(f.Node, "PURGEAOFTO", strconv.FormatInt(max(1, nd.NextOpID()-f.Arg), 10))
		}
	}
}

// hostsOf are the hosts a network fault on node i can cut it from: its
// clients, and with replication every other node (the links between
// master and replicas) and the clients of the one shard.
func (r *runner) hostsOf(i int) []string {
	if r.o.Groups2 {
		return r.groups2Hosts(i)
	}
	if !r.o.Replicas {
		return r.wl.HostsOf(i)
	}
	hosts := r.wl.HostsOf(0)
	for _, n := range r.c.Nodes() {
		if n.Index != i {
			hosts = append(hosts, n.Name)
		}
	}
	return hosts
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

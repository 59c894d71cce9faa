package sim

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"opdis/sim/rng"
)

// The fault schedule: what the nemesis does during the fault phase, as
// data. Draw builds it from the seed; the rapid tests build it
// themselves, so a failing schedule shrinks to a minimal one.

// Kind is a kind of fault.
type Kind uint8

const (
	Kill           Kind = iota // process crash, restart after Dur
	PowerLoss                  // power loss, restart after Dur
	MidOpCrash                 // crash at the Arg-th next disk call (Mode 1: power loss), restart after Dur
	Partition                  // cut a node from a client (Peer) or from everyone (Peer -1) for Dur
	Clog                       // delay the links between a node and a client (or all) for Dur
	Reset                      // reset a node's connections (to one client, or all)
	DiskFault                  // fail the next Arg disk calls of a kind (Mode: see diskFaults)
	ClockJump                  // step the node's wall clock by Arg ms
	ClockDrift                 // make the node's clock drift by Arg ppm
	Snapshot                   // BGSAVE
	AOFFlush                   // AOFFLUSH: split the AOF now
	PurgeAOF                   // PURGEAOFTO next_opid - Arg
	Failover                   // graceful failover to the most advanced replica (Node unused)
	ForcedFailover             // kill or cut off the master (Mode, see forcedModes), promote after Arg ms; restart or heal after Dur (Node unused)
	Chain                      // REPLICAOF: replica Node follows node Arg (another replica: a chain; the master: back in line)
	numKinds
)

var kindNames = [...]string{"kill", "power-loss", "midop-crash", "partition", "clog", "reset", "disk-fault",
	"clock-jump", "clock-drift", "snapshot", "aofflush", "purge", "failover", "forced-failover", "chain"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind%d", int(k))
}

// Fault is one scheduled fault.
type Fault struct {
	At   time.Duration
	Kind Kind
	Node int           // 0-based
	Peer int           // a client index among the node's clients, or -1: all of them
	Mode int           // partition: 0 hold, 1 drop, 2 one-way node→client, 3 one-way client→node; crash: 1 power loss; disk: diskFaults index
	Arg  int64         // see Kind
	Dur  time.Duration // how long it lasts, or the restart delay
}

func (f Fault) String() string {
	s := fmt.Sprintf("@%v %s n%d", f.At, f.Kind, f.Node+1)
	peer := "all clients"
	if f.Peer >= 0 {
		peer = fmt.Sprintf("client %d", f.Peer)
	}
	switch f.Kind {
	case Kill, PowerLoss:
		s += fmt.Sprintf(", restart after %v", f.Dur)
	case MidOpCrash:
		kind := "kill"
		if f.Mode == 1 {
			kind = "power loss"
		}
		s += fmt.Sprintf(" at disk call %d (%s), restart after %v", f.Arg, kind, f.Dur)
	case Partition:
		s += fmt.Sprintf(" from %s, %s, for %v", peer, partitionModes[f.Mode%len(partitionModes)], f.Dur)
	case Clog:
		s += fmt.Sprintf(" to %s for %v", peer, f.Dur)
	case Reset:
		s += " connections to " + peer
	case DiskFault:
		d := diskFaults[f.Mode%len(diskFaults)]
		s += fmt.Sprintf(" %s ×%d", d.name, f.Arg)
	case ClockJump:
		s += fmt.Sprintf(" by %dms", f.Arg)
	case ClockDrift:
		s += fmt.Sprintf(" to %d ppm", f.Arg)
	case PurgeAOF:
		s += fmt.Sprintf(" to next_opid-%d", f.Arg)
	case Chain:
		s += fmt.Sprintf(" replicates n%d", f.Arg+1)
	case ForcedFailover:
		s = fmt.Sprintf("@%v %s: %s the master, promote after %dms, back after %v", f.At, f.Kind, forcedModes[f.Mode%len(forcedModes)], f.Arg, f.Dur)
	}
	return s
}

var partitionModes = []string{"hold", "drop", "one-way node→client", "one-way client→node"}

// DrawSchedule draws the fault phase's faults from the seed and the
// options' rates: for each kind a Poisson number of events at uniform
// times.
func DrawSchedule(o Options) []Fault {
	r := rng.New(o.Seed).Stream("nemesis")
	var fs []Fault
	add := func(kind Kind, rate float64) {
		for i, n := 0, poisson(r, rate, o.Duration); i < n; i++ {
			f := Fault{Kind: kind, At: time.Duration(r.Int64N(int64(o.Duration))), Node: r.IntN(o.Nodes), Peer: -1}
			if r.IntN(2) == 0 {
				f.Peer = r.IntN(o.ClientsPerNode)
			}
			restart := time.Duration(r.Int64N(int64(o.RestartMax) + 1))
			hold := time.Duration(r.Int64N(int64(2 * time.Second)))
			switch kind {
			case Kill, PowerLoss:
				f.Dur = restart
			case MidOpCrash:
				f.Arg, f.Mode, f.Dur = 1+r.Int64N(30), r.IntN(2), restart
			case Partition:
				f.Mode, f.Dur = r.IntN(len(partitionModes)), hold
			case Clog:
				f.Dur = hold / 4
			case DiskFault:
				f.Mode, f.Arg = r.IntN(len(diskFaults)), 1+r.Int64N(3)
			case ClockJump:
				f.Arg = r.Int64N(20001) - 10000
			case ClockDrift:
				f.Arg = r.Int64N(1001) - 500
			case PurgeAOF:
				f.Arg = r.Int64N(200)
			case ForcedFailover:
				f.Mode, f.Arg, f.Dur = r.IntN(len(forcedModes)), r.Int64N(500), max(restart, hold)
			case Chain:
				f.Arg = r.Int64N(int64(o.Nodes))
			}
			fs = append(fs, f)
		}
	}
	add(Kill, o.Kill)
	add(PowerLoss, o.PowerLoss)
	add(MidOpCrash, o.MidOpCrash)
	add(Partition, o.Partition)
	add(Clog, o.Clog)
	add(Reset, o.Reset)
	add(DiskFault, o.DiskFault)
	add(ClockJump, o.ClockFault/2)
	add(ClockDrift, o.ClockFault/2)
	add(Snapshot, o.Snapshot)
	add(AOFFlush, o.AOFFlush)
	add(PurgeAOF, o.PurgeAOF)
	if o.Replicas {
		add(Failover, o.Failover)
		add(ForcedFailover, o.ForcedFailover)
		add(Chain, o.Chain)
	}
	slices.SortStableFunc(fs, func(a, b Fault) int { return cmp.Compare(a.At, b.At) })
	return fs
}

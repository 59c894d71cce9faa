package node

import "opdis/psync"

// PsyncEvent is one answer this node gave, as a master, to a replica's
// PSYNC or SYNC, or the end of an AOF continue that failed. The simulator
// counts them and judges each full sync against the master's AOF (C4, no
// needless full sync, DESIGN §7) without parsing log lines.
type PsyncEvent struct {
	Replica string        // the replica's name (ip:port)
	Request psync.Request // what it asked: replid, offset, next_opid, last_epoch …
	Sync    bool          // legacy SYNC (no request of its own)
	// Kind is the decision: continue, aofcontinue, fullresync, refuse or
	// promote; forcefullresync when an AOF continue gave up part way.
	Kind   string
	Reason string // why no partial resync (fullresync), why refused, why the stream failed

	// The master when it decided.
	NextOpID, LastEpoch int64
	AOFPsyncState       bool // aof-psync-state is on
	AOFOpen             bool // the binlog is open (closed after a disk error)
	IsReplica           bool // this node is itself a replica (chained)
}

// PsyncEventForceFull is PsyncEvent.Kind for a failed AOF continue.
const PsyncEventForceFull = "forcefullresync"

// OnPsync sets a hook that sees every PsyncEvent as it happens.
func (n *Node) OnPsync(fn func(PsyncEvent)) { n.repl.onPsync = fn }

// psyncEvent reports ev, filled with the node's state, to OnPsync.
func (n *Node) psyncEvent(ev PsyncEvent) {
	if n.repl.onPsync == nil {
		return
	}
	ev.NextOpID, ev.LastEpoch = n.op.nextOpID, n.op.lastEpoch
	ev.AOFPsyncState, ev.AOFOpen, ev.IsReplica = n.cfg.AOFPsyncState, n.aof.log != nil, n.isReplica()
	n.repl.onPsync(ev)
}

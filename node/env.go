package node

import (
	"time"

	"opdis/aofbinlog"
)

// Clock is the node's only view of time.
type Clock interface {
	// UnixNano is wall-clock time: expiry, TIME and LASTSAVE use it.
	UnixNano() int64
	// Monotonic never goes back: timeouts, idle times and uptime use it.
	Monotonic() time.Duration
}

// Rand is the node's only source of randomness. The simulator seeds it;
// the server seeds it from the OS.
type Rand interface {
	Uint64() uint64
}

// Env is everything a Node needs from the world.
type Env struct {
	Clock Clock
	Rand  Rand
	// FS is the data directory (dir): the AOF binlog, its indexes and the
	// snapshots. nil means no persistence (SAVE and appendonly fail).
	FS aofbinlog.FS
	// Dialer opens the replica's link to its master; nil means this node
	// cannot be a replica (REPLICAOF fails).
	Dialer Dialer
	// Bug, in builds with the simbugs tag only, makes the node misbehave
	// on purpose at a named site (bugs.go); production builds ignore it.
	Bug func(site string) bool
}

// randN returns a uniform int in [0, max).
func (n *Node) randN(max int) int {
	if max <= 1 {
		return 0
	}
	return int(n.env.Rand.Uint64() % uint64(max))
}

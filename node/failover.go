package node

import (
	"strings"
	"time"
)

// FAILOVER (Redis 7.0's coordinated failover): the master pauses writes,
// waits until a replica — the one named by TO, or any — has acknowledged
// the whole stream, then becomes that replica's replica and sends it
// `PSYNC <replid> <offset+1> FAILOVER`. The target promotes itself
// (REPLICAOF NO ONE: a new replid, the old one kept as replid2) and
// answers +CONTINUE, so the old master goes on as its replica with no full
// sync. The pause ends when the target answered (or the failover is
// aborted); the commands it held then run against the new role.

type failoverState uint8

const (
	foNone       failoverState = iota // no-failover
	foWaitSync                        // waiting-for-sync
	foInProgress                      // failover-in-progress: the PSYNC FAILOVER is under way
)

func (s failoverState) String() string {
	switch s {
	case foWaitSync:
		return "waiting-for-sync"
	case foInProgress:
		return "failover-in-progress"
	}
	return "no-failover"
}

// failover is the state of a FAILOVER.
type failover struct {
	state failoverState
	host  string // the target; "" until chosen when TO was not given
	port  int
	force bool          // fail over at the deadline even if not synced
	end   time.Duration // monotonic deadline; 0 none
}

// failoverCmd is FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms],
// with Redis 7.0's checks in its order.
func failoverCmd(n *Node, c *Client, args [][]byte) {
	if len(args) == 2 && eq(args[1], "abort") {
		if n.fo.state == foNone {
			c.addError("ERR No failover in progress.")
			return
		}
		n.abortFailover("Failover manually aborted")
		c.addOK()
		return
	}
	var timeout, port int64
	var host string
	hasHost, force := false, false
	for j := 1; j < len(args); j++ {
		switch {
		case eq(args[j], "timeout") && j+1 < len(args) && timeout == 0:
			v, ok := parseInt(args[j+1])
			if !ok {
				c.addError(errNotInt)
				return
			}
			if v <= 0 {
				c.addError("ERR FAILOVER timeout must be greater than 0")
				return
			}
			timeout = v
			j++
		case eq(args[j], "to") && j+2 < len(args) && !hasHost:
			v, ok := parseInt(args[j+2])
			if !ok {
				c.addError(errNotInt)
				return
			}
			host, port, hasHost = string(args[j+1]), v, true
			j += 2
		case eq(args[j], "force") && !force:
			force = true
		default:
			c.addError(errSyntax)
			return
		}
	}
	switch {
	case n.fo.state != foNone:
		c.addError("ERR FAILOVER already in progress.")
		return
	case n.isReplica():
		c.addError("ERR FAILOVER is not valid when server is a replica.")
		return
	case len(n.repl.replicas) == 0:
		c.addError("ERR FAILOVER requires connected replicas.")
		return
	case force && (timeout == 0 || !hasHost):
		c.addError("ERR FAILOVER with force option requires both a timeout and target HOST and IP.")
		return
	case n.env.Dialer == nil:
		c.addError("ERR this node cannot connect to a replica (no dialer)")
		return
	}
	fo := failover{force: force}
	if hasHost {
		r := n.findReplica(host, port)
		if r == nil {
			c.addError("ERR FAILOVER target HOST and PORT is not a replica.")
			return
		}
		if r.replica.state != replicaOnline {
			c.addError("ERR FAILOVER target replica is not online.")
			return
		}
		fo.host, fo.port = host, int(port)
		n.logf(LogNotice, "FAILOVER requested to %s:%d.", host, port)
	} else {
		n.logf(LogNotice, "FAILOVER requested to any replica.")
	}
	if timeout > 0 {
		fo.end = n.monotonic() + time.Duration(timeout)*time.Millisecond
	}
	fo.state = foWaitSync
	n.fo = fo
	n.pauseWrites()
	c.addOK()
}

// findReplica is the replica known as host:port (its announced or peer
// address and its listening port), or nil.
func (n *Node) findReplica(host string, port int64) *Client {
	for _, c := range n.repl.replicas {
		if !c.closing && c.replica.listenPort == port && strings.EqualFold(n.replicaIP(c), host) {
			return c
		}
	}
	return nil
}

// failoverTick is updateFailoverStatus, on every tick while waiting for
// the sync: the deadline (abort, or with FORCE go on), else fail over as
// soon as the target (or, with no TO, any replica) acknowledged the whole
// stream.
func (n *Node) failoverTick(now time.Duration) {
	fo := &n.fo
	if fo.state != foWaitSync {
		return
	}
	if fo.end != 0 && fo.end <= now {
		if fo.force {
			n.logf(LogNotice, "FAILOVER to %s:%d time out exceeded, failing over.", fo.host, fo.port)
			n.startFailover()
			return
		}
		n.abortFailover("Replica never caught up before timeout")
		return
	}
	off := n.repl.ids.MasterReplOffset
	var target *Client
	if fo.host != "" {
		target = n.findReplica(fo.host, int64(fo.port))
	} else {
		for _, c := range n.repl.replicas {
			if !c.closing && c.replica.state == replicaOnline && c.replica.ackOffset == off {
				target = c
				fo.host, fo.port = n.replicaIP(c), int(c.replica.listenPort)
				break
			}
		}
	}
	if target != nil && target.replica.ackOffset == off {
		n.logf(LogNotice, "Failover target %s:%d is synced, failing over.", fo.host, fo.port)
		n.startFailover()
	}
}

// startFailover makes this node a replica of the target; its PSYNC
// carries FAILOVER (replicaDialed) and offers this node's own history.
func (n *Node) startFailover() {
	n.fo.state = foInProgress
	n.becomeReplica(n.fo.host, n.fo.port)
}

// failoverPSYNCDone is told the target answered the PSYNC FAILOVER:
// accepted (a partial or, in edge cases, a full resync) ends the
// failover, anything else aborts it.
func (n *Node) failoverPSYNCDone(accepted bool) {
	if n.fo.state != foInProgress {
		return
	}
	if !accepted {
		n.abortFailover("Failover target rejected psync request")
		return
	}
	n.clearFailover()
}

// abortFailover gives up: a node already turned replica becomes a master
// again (under a new replid, as REPLICAOF NO ONE), and the pause ends.
func (n *Node) abortFailover(why string) {
	if n.fo.state == foNone {
		return
	}
	if n.fo.host != "" {
		n.logf(LogNotice, "FAILOVER to %s:%d aborted: %s", n.fo.host, n.fo.port, why)
	} else {
		n.logf(LogNotice, "FAILOVER to any replica aborted: %s", why)
	}
	if n.fo.state == foInProgress && n.isReplica() {
		n.becomeMaster()
	}
	n.clearFailover()
}

func (n *Node) clearFailover() {
	n.fo = failover{}
	n.unpauseWrites()
}

// failingOver reports whether a FAILOVER runs.
func (n *Node) failingOver() bool { return n.fo.state != foNone }

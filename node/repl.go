package node

import (
	"strings"
	"time"

	"opdis/psync"
)

// Replication (DESIGN §5): the state both roles share. The master side
// (repl_master.go) serves PSYNC/SYNC/REPLCONF, full syncs and the live
// stream to its replicas; the replica side (repl_replica.go) runs the
// link to its master. psync owns the protocol's pure core; this file holds
// what the node keeps of it.

// Dialer opens outbound connections (a replica's link to its master). Dial
// must not block: the environment connects in the background and then
// calls Node.Dialed(id, err); from then on the connection is driven like a
// client's (Feed, TakeOutput, Pending, Disconnect).
type Dialer interface {
	Dial(id int64, host string, port int)
}

// replState is the node's replication state.
type replState struct {
	ids *psync.ReplState // replid, replid2, offsets, backlog

	// Master side.
	replicas []*Client   // replicas in the order they attached
	m        masterState // the rest of it (repl_master.go)

	// Replica side: masterHost is "" on a master.
	masterHost string
	masterPort int
	link       *masterLink // the connection to the master, when there is one
	downSince  time.Duration
	nextTry    time.Duration // monotonic time of the next connection attempt

	masterOpdis bool // the master is an opdis node (its stream is entries)
	streamDB    int  // the database a redis-server master's stream last SELECTed
	forceFull   bool // the next PSYNC offers no history (forcefullresync)

	// Counters INFO stats reports.
	syncFull, syncPartialOK, syncPartialErr int64
	// AOF continues accepted, and those given up with forcefullresync.
	syncAOFPartialOK, syncAOFPartialErr int64

	onPsync func(PsyncEvent) // OnPsync (psync_event.go)
}

// replicaInfo is what the master keeps about a client that became a
// replica (REPLCONF, then PSYNC or SYNC).
type replicaInfo struct {
	state      replicaState
	listenPort int64
	announceIP string
	capa       psync.Capa
	ackOffset  int64         // REPLCONF ACK; -1 until the first (addReplica)
	fackOffset int64         // REPLCONF ACK … FACK: the offset its AOF fsynced (WAITAOF)
	ackOpID    int64         // REPLCONF ACK-OPID
	ackTime    time.Duration // when the last ACK came (lag)
	stream     []byte        // live stream held back while the RDB is sent
	reader     *psync.Reader // backlog bytes still to send after CONTINUE
	m          replicaMaster // the master side's bookkeeping (repl_master.go)
}

type replicaState uint8

const (
	replicaWaitBgsave replicaState = iota + 1 // waiting for a snapshot to start
	replicaSendBulk                           // the RDB is being sent
	replicaOnline                             // streaming
	replicaSendAOF                            // AOF continue: entries from the AOF (aofpsync.go)
)

func (s replicaState) String() string {
	switch s {
	case replicaWaitBgsave:
		return "wait_bgsave"
	case replicaSendBulk:
		return "send_bulk"
	case replicaOnline:
		return "online"
	case replicaSendAOF:
		return "aof_psync"
	}
	return "none"
}

// isReplica reports whether this node replicates from a master.
func (n *Node) isReplica() bool { return n.repl.masterHost != "" }

// roleName is INFO's role.
func (n *Node) roleName() string {
	if n.isReplica() {
		return "slave"
	}
	return "master"
}

// replID is this node's replication id.
func (n *Node) replID() string { return n.repl.ids.ReplID }

// replFeed sends a logged entry (or a stream-only frame such as PING) to
// the backlog and to every replica: the same bytes everywhere (DESIGN §3).
func (n *Node) replFeed(b []byte) {
	if n.repl.ids.Backlog == nil {
		return // no replica ever attached: the offset stays, as in Redis
	}
	n.repl.ids.Feed(b)
	for _, c := range n.repl.replicas {
		n.replicaSend(c, b)
	}
}

// dropReplicas disconnects every replica (they reconnect and PSYNC: after
// a role or history change they must learn the new replid).
func (n *Node) dropReplicas() {
	for _, c := range n.repl.replicas {
		n.closeAOFStream(c.replica) // its file may be purged at once
		c.closeAfterReply()
		n.markPending(c)
	}
}

// newReplState is the history of a fresh node.
func newReplState(r Rand, backlogSize int64) replState {
	return replState{ids: psync.NewReplState(r, backlogSize)}
}

// Dialed tells the node an outbound connection from Dialer.Dial is up
// (err nil) or failed.
func (n *Node) Dialed(id int64, err error) {
	n.replicaDialed(id, err)
}

// infoReplication renders INFO replication with Redis 7.0's field names
// and order (Sentinel parses them): the role, the replica side's link
// fields, the master side's replicas, then the ids and the backlog.
func (n *Node) infoReplication(b *strings.Builder, kv func(string, any)) {
	kv("role", n.roleName())
	if n.isReplica() {
		n.infoReplicaLink(kv)
	}
	n.infoReplicas(kv)
	kv("master_failover_state", n.fo.state.String())
	b.Write(n.repl.ids.AppendInfo(nil))
}

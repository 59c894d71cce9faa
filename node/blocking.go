package node

import (
	"slices"
	"time"
)

// blockState is a client parked in a blocking command (BLPOP, BZPOPMIN…).
type blockState struct {
	db       *DB
	keys     []string
	deadline time.Duration // monotonic; 0 waits forever
	cmd      *Command
	args     [][]byte

	reblocked bool // set when a re-run found nothing again
	// readyKey is, while the node re-runs the parked command, the key that
	// got data. Redis 7.0 serves a parked client from that key (not from
	// the first non-empty key of its list), and leaves it parked if the key
	// now holds another type.
	readyKey string
	// postponed: not a blocking command but one held back by a write
	// pause (pause.go); role changes and CLIENT UNBLOCK leave it be.
	postponed bool
	// usec is how long the run that parked it took: its latency sample,
	// taken when it is answered, adds the run that answers it.
	usec int64
}

// blocking is the node's registry of parked clients.
type blocking struct {
	byKey    map[watchKey][]*Client //det:ok lookups only; FIFO per key
	ready    []watchKey             // keys that got data, in signal order
	readySet map[watchKey]bool      //det:ok lookups only
	clients  []*Client              // every parked client, in block order
}

// canBlock reports whether a blocking command from c may park: inside
// EXEC it must answer at once, as Redis does.
func (c *Client) canBlock() bool { return c.execDepth == 0 }

// block parks c on keys until one of them gets data (signalReady) or
// timeout passes (0 = forever). The handler must reply nothing after calling
// block. When the node re-runs a parked command and it finds nothing again,
// block leaves the client parked in its place.
func (n *Node) block(c *Client, keys [][]byte, timeout time.Duration) {
	if c.blockedOn != nil { // re-run found nothing: stay in line
		c.blockedOn.reblocked = true
		return
	}
	// curArgs may be the client's reused argv: the parked command keeps a copy.
	c.curArgs = slices.Clone(c.curArgs)
	bs := &blockState{db: c.db, cmd: n.lookupCommand(c.curArgs[0]), args: c.curArgs}
	if timeout > 0 {
		bs.deadline = n.monotonic() + timeout
	}
	if n.blocked.byKey == nil {
		n.blocked.byKey = make(map[watchKey][]*Client)
		n.blocked.readySet = make(map[watchKey]bool)
	}
	for _, k := range keys {
		wk := watchKey{c.db.id, string(k)}
		if containsClient(n.blocked.byKey[wk], c) {
			continue
		}
		bs.keys = append(bs.keys, wk.key)
		n.blocked.byKey[wk] = append(n.blocked.byKey[wk], c)
	}
	c.blockedOn = bs
	n.blocked.clients = append(n.blocked.clients, c)
}

// signalReady tells parked clients that key got data (a push or an add).
func (n *Node) signalReady(db *DB, key []byte) {
	if len(n.blocked.clients) == 0 {
		return
	}
	wk := watchKey{db.id, string(key)}
	if len(n.blocked.byKey[wk]) == 0 || n.blocked.readySet[wk] {
		return
	}
	n.blocked.readySet[wk] = true
	n.blocked.ready = append(n.blocked.ready, wk)
}

// handleReadyKeys re-runs, in FIFO order, the commands of clients parked on
// keys that got data, until no key is ready. Served clients then go on with
// any input they had pipelined behind the blocking command.
func (n *Node) handleReadyKeys() {
	var served []*Client
	for len(n.blocked.ready) > 0 {
		ready := n.blocked.ready
		n.blocked.ready = nil
		for _, wk := range ready {
			delete(n.blocked.readySet, wk)
			for _, c := range append([]*Client(nil), n.blocked.byKey[wk]...) {
				bs := c.blockedOn
				if bs == nil || c.closing {
					// A client being closed (CLIENT KILL) until it is
					// freed must not take data that would be lost.
					continue
				}
				bs.reblocked = false
				bs.readyKey = wk.key
				saved := c.db
				c.db = bs.db
				c.curArgs = bs.args
				n.exec(c, bs.cmd, bs.args) // counted once, when it parked
				c.db = saved
				if bs.reblocked {
					continue
				}
				n.unblock(c)
				n.markPending(c)
				served = append(served, c)
			}
		}
	}
	for _, c := range served {
		n.resume(c)
	}
}

// expireBlocked answers parked clients whose timeout passed with a null
// array, as Redis does for every blocking list and zset command.
func (n *Node) expireBlocked(now time.Duration) {
	var expired []*Client
	for _, c := range n.blocked.clients {
		if d := c.blockedOn.deadline; d != 0 && d <= now {
			expired = append(expired, c)
		}
	}
	for _, c := range expired {
		n.unblock(c)
		c.addNullArray()
		n.markPending(c)
		n.resume(c)
	}
}

// unblock removes c from every wait queue. It does not reply.
func (n *Node) unblock(c *Client) {
	bs := c.blockedOn
	if bs == nil {
		return
	}
	c.blockedOn = nil
	for _, k := range bs.keys {
		wk := watchKey{bs.db.id, k}
		q := removeClient(n.blocked.byKey[wk], c)
		if len(q) == 0 {
			delete(n.blocked.byKey, wk)
		} else {
			n.blocked.byKey[wk] = q
		}
	}
	n.blocked.clients = removeClient(n.blocked.clients, c)
}

// resume runs input a client pipelined behind a command that parked it.
func (n *Node) resume(c *Client) {
	if len(c.in) == 0 || c.closing {
		return
	}
	saved := n.inCall
	n.inCall = c
	// It may run inside another command (CLIENT UNBLOCK): that one's
	// failure must not see the errors of these.
	errs, start := n.stats.TotalErrorReplies, n.errorStart
	n.keepRest(c, n.processBuffer(c, c.in))
	n.errorStart = start + n.stats.TotalErrorReplies - errs
	n.inCall = saved
	if c != saved {
		n.markPending(c)
	}
}

// unblockAll releases every blocked client with an error (a role change).
func (n *Node) unblockAll(msg string) {
	for _, c := range append([]*Client(nil), n.blocked.clients...) {
		if c.blockedOn.postponed {
			continue // it runs when the pause ends
		}
		n.unblock(c)
		c.addError(msg)
		n.markPending(c)
		n.resume(c)
	}
}

// BlockedClients returns how many clients are parked (INFO blocked_clients).
func (n *Node) BlockedClients() int { return len(n.blocked.clients) }

func containsClient(list []*Client, c *Client) bool {
	for _, x := range list {
		if x == c {
			return true
		}
	}
	return false
}

func removeClient(list []*Client, c *Client) []*Client {
	for i, x := range list {
		if x == c {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

package node

import "slices"

// Write pauses (Redis's pauseClients with CLIENT_PAUSE_WRITE, as FAILOVER
// uses it): while writes are paused a command that may change the dataset
// or the stream — a write, a may-replicate command, an EXEC with such
// commands queued — is not run and not failed: its client is parked
// (postponed) until the pause ends, then the command goes through all the
// checks again (after a failover it meets -READONLY). Reads still run, and
// nothing expires meanwhile, so the replication offset stands still.
// Replicas and the master link are never paused.

type pauseState struct {
	writes    bool      // writes are paused
	postponed []*Client // parked clients, in arrival order
}

// writesPaused reports whether writes are paused.
func (n *Node) writesPaused() bool { return n.pause.writes }

// mustPostpone reports whether cmd from c waits for the pause to end.
func (n *Node) mustPostpone(c *Client, cmd *Command) bool {
	if !n.pause.writes || c.replica != nil || c.master != nil || c == n.loader {
		return false
	}
	return runFlags(c, cmd)&(FlagWrite|FlagMayReplicate) != 0
}

// postpone parks c with its command. The arguments are copied: they may
// point into an input buffer that is reused.
func (n *Node) postpone(c *Client, cmd *Command, args [][]byte) {
	own := make([][]byte, len(args))
	for i, a := range args {
		own[i] = slices.Clone(a)
	}
	c.blockedOn = &blockState{db: c.db, cmd: cmd, args: own, postponed: true}
	n.blocked.clients = append(n.blocked.clients, c)
	n.pause.postponed = append(n.pause.postponed, c)
}

// pauseWrites starts a write pause.
func (n *Node) pauseWrites() { n.pause.writes = true }

// unpauseWrites ends the pause: each postponed command runs, in arrival
// order, against the node as it is now, then what its client pipelined.
func (n *Node) unpauseWrites() {
	n.pause.writes = false
	list := n.pause.postponed
	n.pause.postponed = nil
	for _, c := range list {
		bs := c.blockedOn
		if c.closing || bs == nil || !bs.postponed {
			continue
		}
		n.unblock(c)
		saved := n.inCall
		n.inCall = c
		n.dispatch(c, bs.args)
		n.handleReadyKeys()
		n.inCall = saved
		n.markPending(c)
		if c.blockedOn == nil {
			n.resume(c)
		}
	}
}

package node

import "time"

// client-output-buffer-limit, as Redis's checkClientOutputBufferLimits: a
// client whose pending output reaches its class's hard limit, or stays at
// or above the soft limit for longer than its seconds, is disconnected, so
// that a client that does not read (a stalled subscriber, a pipeline of
// large replies) cannot make the server hold unbounded memory. Pending
// output is what the node holds for the client: the server takes it as
// fast as the socket does, so it grows only while the client lags. As in
// Redis, whose replies fill a fixed 16 KiB buffer before its counted
// reply list, the first 16 KiB of a normal or pub/sub client's output do
// not count.
const replyStaticBuf = 16 << 10

// The classes, in outputBufferClasses order.
const (
	classNormal = iota
	classReplica
	classPubsub
)

// outputLimits returns the limits of each class, parsed once per value of
// client-output-buffer-limit.
func (n *Node) outputLimits() *[3]OutputBufferLimit {
	o := &n.obuf
	if o.src != n.cfg.ClientOutputBufferLimit {
		o.lims, _ = parseOutputBufferLimits([3]OutputBufferLimit{}, n.cfg.ClientOutputBufferLimit)
		o.src = n.cfg.ClientOutputBufferLimit
		o.minNormal = limitFloor(o.lims[classNormal])
		o.minPubsub = limitFloor(o.lims[classPubsub])
	}
	return &o.lims
}

// outputLimitState is the parsed client-output-buffer-limit, with the
// least pending output at which a normal or pub/sub client needs a check.
type outputLimitState struct {
	src                  string
	lims                 [3]OutputBufferLimit
	minNormal, minPubsub int64 // 0: no limit
}

// limitFloor is the least pending output lim can object to, 0 for none.
func limitFloor(lim OutputBufferLimit) int64 {
	switch {
	case lim.Soft > 0 && lim.Hard > 0:
		return min(lim.Soft, lim.Hard)
	case lim.Soft > 0:
		return lim.Soft
	}
	return lim.Hard
}

// overOutputLimit reports whether used bytes pending for c break lim: at
// or over the hard limit, or at or over the soft limit for more than its
// seconds (c keeps when it got there; under the soft limit forgets it).
func (n *Node) overOutputLimit(c *Client, lim OutputBufferLimit, used int64) bool {
	if lim.Hard > 0 && used >= lim.Hard {
		return true
	}
	if lim.Soft == 0 || used < lim.Soft {
		c.softOver = false
		return false
	}
	now := n.monotonic()
	if !c.softOver {
		c.softOver, c.softSince = true, now
		return false
	}
	return now-c.softSince > time.Duration(lim.SoftSeconds)*time.Second
}

// checkOutputLimit disconnects c, a normal or pub/sub client, when its
// pending output breaks its class's limit; its output is discarded. It
// costs a comparison while c is under the least limit.
func (n *Node) checkOutputLimit(c *Client) {
	lims := n.outputLimits()
	class, floor := classNormal, n.obuf.minNormal
	if c.subscriptions() > 0 {
		class, floor = classPubsub, n.obuf.minPubsub
	}
	used := int64(len(c.out)) - replyStaticBuf
	if floor == 0 || used < floor && !c.softOver || c.replica != nil || c.master != nil || c.closing {
		return
	}
	if !n.overOutputLimit(c, lims[class], used) {
		return
	}
	n.logf(LogWarning, "Client %s scheduled to be closed ASAP for overcoming of output buffer limits.", n.clientDescription(c))
	n.drop(c)
}

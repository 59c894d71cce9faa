// Package nodehost runs a node.Node on a simulated host, as
// cmd/opdis-server runs one behind TCP: it accepts connections on a simnet
// address, feeds their bytes to the node, writes the node's output back
// (a client's own replies and output Pending from others), closes
// connections the node is done with, and calls Tick on simulated time.
package nodehost

import (
	"slices"
	"time"

	"opdis/node"
	"opdis/sim/loop"
	"opdis/sim/simnet"
)

// Tick periods, as the production server uses them: fast while a client
// is blocked (its timeout needs ms precision), else often enough for the
// cron at hz.
const (
	TickFast = 2 * time.Millisecond
	TickIdle = 50 * time.Millisecond
)

// Host serves one node.
type Host struct {
	loop  *loop.Loop
	node  *node.Node
	lis   *simnet.Listener
	conns map[int64]*simnet.Endpoint //det:ok lookups only; Crash sorts the ids
	out   []byte
	tick  loop.Timer
	down  bool
}

// Start serves nd on addr and starts ticking it.
func Start(l *loop.Loop, n *simnet.Net, addr string, nd *node.Node) (*Host, error) {
	h := &Host{loop: l, node: nd, conns: map[int64]*simnet.Endpoint{}}
	lis, err := n.Listen(addr, h.accept)
	if err != nil {
		return nil, err
	}
	h.lis = lis
	h.tick = l.Schedule(l.Now()+h.tickInterval(), "node.tick", h)
	return h, nil
}

// Node is the node being served.
func (h *Host) Node() *node.Node { return h.node }

// Addr is the address the node listens on.
func (h *Host) Addr() string { return h.lis.Addr() }

// Conns is the number of open client connections.
func (h *Host) Conns() int { return len(h.conns) }

// Crash stops the host at once: no more ticks or accepts, and every
// connection is reset (peers see ErrReset). The node is abandoned; a
// restart builds a new one from its disk.
func (h *Host) Crash() {
	if h.down {
		return
	}
	h.down = true
	h.lis.Close()
	h.tick.Stop()
	ids := make([]int64, 0, len(h.conns))
	for id := range h.conns { //det:ok sorted below
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		h.conns[id].Reset()
	}
	clear(h.conns)
}

// Down reports whether the host crashed.
func (h *Host) Down() bool { return h.down }

func (h *Host) accept(ep *simnet.Endpoint) {
	if h.down {
		ep.Reset()
		return
	}
	id := h.node.Connect(ep.RemoteAddr(), ep.LocalAddr())
	h.conns[id] = ep
	ep.OnData = func(p []byte) {
		if h.down {
			return
		}
		h.node.Feed(id, p)
		h.flush(id)
		h.flushPending()
		h.retick()
	}
	ep.OnClose = func(error) {
		if h.down || h.conns[id] == nil {
			return
		}
		delete(h.conns, id)
		ep.Close()
		h.node.Disconnect(id)
		h.flushPending()
	}
	h.flushPending() // Connect may queue nothing today, but stay correct
}

// flush writes what the node queued for id and closes the connection if
// the node is done with it.
func (h *Host) flush(id int64) {
	ep := h.conns[id]
	out, closeConn := h.node.TakeOutput(id, h.out[:0])
	if ep != nil && len(out) > 0 {
		h.loop.Trace().Record(h.loop.Now(), "node.out", id, 0, out)
		ep.Write(out)
	}
	h.out = out[:0]
	if closeConn && ep != nil {
		delete(h.conns, id)
		ep.Close()
	}
}

func (h *Host) flushPending() {
	for _, id := range h.node.Pending() {
		h.flush(id)
	}
}

func (h *Host) tickInterval() time.Duration {
	if h.node.BlockedClients() > 0 {
		return TickFast
	}
	return min(TickIdle, time.Second/time.Duration(max(h.node.Config().Hz, 1))/2)
}

// retick brings the next tick forward when a client just blocked.
func (h *Host) retick() {
	if want := h.loop.Now() + h.tickInterval(); want < h.tick.When() {
		h.tick.Stop()
		h.tick = h.loop.Schedule(want, "node.tick", h)
	}
}

// Fire is the tick.
func (h *Host) Fire() {
	h.node.Tick()
	h.flushPending()
	h.tick = h.loop.Schedule(h.loop.Now()+h.tickInterval(), "node.tick", h)
}

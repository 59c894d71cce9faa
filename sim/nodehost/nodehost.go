// Package nodehost runs a node.Node on a simulated host, as
// cmd/opdis-server runs one behind TCP: it accepts connections on a simnet
// address, feeds their bytes to the node, writes the node's output back
// (a client's own replies and output Pending from others), closes
// connections the node is done with, and calls Tick on simulated time.
//
// Output can leave in a later event than the input that caused it
// (FlushDelay), so a crash can fall between a command running and its
// reply (and, under appendfsync always, its fsync) — the window where an
// acknowledgement bug lives. A node that reports Fatal is crashed, as the
// server exits.
package nodehost

import (
	"slices"
	"strconv"
	"strings"
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
	net   *simnet.Net
	node  *node.Node
	lis   *simnet.Listener
	conns map[int64]*simnet.Endpoint //det:ok lookups only; Crash sorts the ids
	out   []byte
	tick  loop.Timer
	down  bool

	// FlushDelay, when positive, is how long after a read the replies it
	// produced are written (one flush event for everything due).
	FlushDelay time.Duration
	flushIDs   []int64 // connections fed since the last flush, in order
	flushT     loop.Timer

	// OnOutput, if set, runs just before bytes the node produced are
	// written to connection id: the moment they are acknowledged.
	OnOutput func(id int64, out []byte)
	// OnFatal, if set, runs once when the node reports Fatal; the host
	// has crashed by then.
	OnFatal func(err error)
}

// Start serves nd on addr and starts ticking it.
func Start(l *loop.Loop, n *simnet.Net, addr string, nd *node.Node) (*Host, error) {
	h := &Host{loop: l, net: n, node: nd, conns: map[int64]*simnet.Endpoint{}}
	lis, err := n.Listen(addr, h.accept)
	if err != nil {
		return nil, err
	}
	h.lis = lis
	h.tick = l.Schedule(l.Now()+h.tickInterval(), "node.tick", h)
	return h, nil
}

// Dialer forwards a node's dials to the host serving it, which exists
// only after the node is built and loaded (node.Env wants its Dialer
// before): set Host once Start returns.
type Dialer struct{ Host *Host }

// Dial implements node.Dialer.
func (d *Dialer) Dial(id int64, host string, port int) {
	if d.Host != nil {
		d.Host.Dial(id, host, port)
	}
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
	h.flushT.Stop()
	h.flushIDs = nil
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
	h.serve(id, ep)
	h.flushPending() // Connect may queue nothing today, but stay correct
}

// Dial is the node's Dialer (node.Env.Dialer, through Dialer): it opens
// connection id from this host to host:port and tells the node in a
// later event, as a real connect completes after the call. A simnet
// dial has no handshake, so success is reported at once and a refusal
// arrives as the connection closing (Disconnect), which the node treats
// as a lost link either way.
func (h *Host) Dial(id int64, host string, port int) {
	if h.down {
		return
	}
	from, _, _ := strings.Cut(h.lis.Addr(), ":")
	ep, err := h.net.Dial(from, host+":"+strconv.Itoa(port))
	h.loop.After(0, "node.dialed", func() {
		if h.down {
			return
		}
		h.node.Dialed(id, err)
		if err == nil {
			h.serve(id, ep)
		}
		if h.fatal() {
			return
		}
		h.flushPending()
	})
}

// serve drives connection id (accepted or dialed) over ep.
func (h *Host) serve(id int64, ep *simnet.Endpoint) {
	h.conns[id] = ep
	ep.OnData = func(p []byte) {
		if h.down {
			return
		}
		h.node.Feed(id, p)
		if h.down || h.fatal() { // the node crashed inside Feed
			return
		}
		if h.FlushDelay > 0 {
			h.flushLater(id)
		} else {
			h.flush(id)
			h.flushPending()
		}
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
}

// fatal crashes the host if the node reported a fatal error.
func (h *Host) fatal() bool {
	err := h.node.Fatal()
	if err == nil {
		return false
	}
	if !h.down {
		h.Crash()
		if h.OnFatal != nil {
			h.OnFatal(err)
		}
	}
	return true
}

// flushLater queues id for the next flush event.
func (h *Host) flushLater(id int64) {
	if !slices.Contains(h.flushIDs, id) {
		h.flushIDs = append(h.flushIDs, id)
	}
	if !h.flushT.Pending() {
		h.flushT = h.loop.At(h.loop.Now()+h.FlushDelay, "node.flush", h.flushDue)
	}
}

func (h *Host) flushDue() {
	ids := h.flushIDs
	h.flushIDs = nil
	for _, id := range ids {
		if h.down {
			return
		}
		h.flush(id)
	}
	h.flushPending()
}

// flush writes what the node queued for id and closes the connection if
// the node is done with it.
func (h *Host) flush(id int64) {
	if h.down {
		return
	}
	ep := h.conns[id]
	out, closeConn := h.node.TakeOutput(id, h.out[:0])
	if h.down || h.fatal() { // the barrier before the output failed, or the power went
		return
	}
	if ep != nil && len(out) > 0 {
		if h.OnOutput != nil {
			h.OnOutput(id, out)
		}
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

// FlushNow writes out everything the node has queued, at once.
func (h *Host) FlushNow() {
	if h.down {
		return
	}
	h.flushT.Stop()
	h.flushDue()
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
	if h.down || h.fatal() {
		return
	}
	h.flushPending()
	if h.down {
		return
	}
	h.tick = h.loop.Schedule(h.loop.Now()+h.tickInterval(), "node.tick", h)
}

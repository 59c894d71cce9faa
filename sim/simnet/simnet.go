// Package simnet is the simulator's network: byte-stream connections
// between named hosts, delivered through the event loop with per-link
// latency and bandwidth, and the faults a real network has — clogging,
// symmetric and one-way partitions, and connection resets.
//
// The model is TCP's contract, not its packets. Bytes written on one end
// arrive at the other in order, each write (or each MaxSegment piece of
// one) after a latency drawn for its link, never before bytes written
// earlier; arrivals due at the same moment are handed over in one OnData
// call, so a reader sees the stream cut at varying places. A partition in
// Hold mode delays what crosses it until it heals (TCP retransmits); in
// Drop mode the first segment that meets it resets the connection (the
// sender gave up). A reset drops everything in flight both ways and tells
// both ends. A connection that sends nothing across a partition is not
// affected, as a quiet TCP connection is not.
//
// Hosts are named ("n1", "client3"); addresses are "host:port". The same
// network carries client→node and node→node (replica→master) links.
// Everything runs in the loop's goroutine; randomness comes from the one
// stream the network is given.
package simnet

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"opdis/sim/loop"
)

// Errors an Endpoint's OnClose receives.
var (
	ErrReset       = errors.New("simnet: connection reset")
	ErrRefused     = errors.New("simnet: connection refused")
	ErrUnreachable = errors.New("simnet: connection dropped by a partition")
	ErrClosed      = errors.New("simnet: use of closed connection")
)

// Dist is a latency distribution: Min plus an exponentially distributed
// extra with mean Mean, capped at Max (no cap if Max is 0). Dist{Min: d}
// is a fixed latency.
type Dist struct {
	Min, Mean, Max time.Duration
}

// Sample draws one latency.
func (d Dist) Sample(r *rand.Rand) time.Duration {
	v := d.Min
	if d.Mean > 0 {
		v += time.Duration(r.ExpFloat64() * float64(d.Mean))
	}
	if d.Max > 0 && v > d.Max {
		v = d.Max
	}
	return v
}

// LinkConfig describes one direction of the path between two hosts.
type LinkConfig struct {
	Latency Dist
	// Bandwidth in bytes per second shared by every connection on the
	// link; 0 is unlimited.
	Bandwidth int64
	// MaxSegment splits writes into pieces of at most this many bytes, each
	// with its own arrival time, so a reset can cut a large transfer part
	// way and readers see it in pieces. 0 keeps writes whole.
	MaxSegment int
}

// Mode is what a partition does to bytes that meet it.
type Mode uint8

const (
	pass Mode = iota
	// Hold delays bytes until the partition heals.
	Hold
	// Drop resets the connection the bytes belong to.
	Drop
)

func (m Mode) String() string {
	switch m {
	case Hold:
		return "hold"
	case Drop:
		return "drop"
	}
	return "pass"
}

// Net is the simulated network.
type Net struct {
	loop      *loop.Loop
	rnd       *rand.Rand
	def       LinkConfig
	hosts     []*Host
	byName    map[string]*Host
	links     [][]*link // [from][to], grown as hosts appear
	listeners map[string]*Listener
	conns     map[uint64]*Conn // live connections
	held      []*pipe          // pipes waiting for a partition to heal
	nextConn  uint64
	stats     Stats
}

// Stats counts what the network did.
type Stats struct {
	Dials, Accepts, Refused, Resets, Closes int
	Segments, Deliveries                    int
	BytesSent, BytesDelivered, BytesDropped int64
}

// New returns a network driven by l, drawing latencies from r, whose
// links use def until SetLink says otherwise.
func New(l *loop.Loop, r *rand.Rand, def LinkConfig) *Net {
	return &Net{loop: l, rnd: r, def: def, byName: map[string]*Host{},
		listeners: map[string]*Listener{}, conns: map[uint64]*Conn{}}
}

// Stats returns the counters.
func (n *Net) Stats() Stats { return n.stats }

// Host is a named machine.
type Host struct {
	net      *Net
	name     string
	idx      int
	isolated Mode
	nextPort int
}

// Name is the host's name.
func (h *Host) Name() string { return h.name }

// Host returns the host called name, creating it on first use.
func (n *Net) Host(name string) *Host {
	if h := n.byName[name]; h != nil {
		return h
	}
	if name == "" || strings.ContainsRune(name, ':') {
		panic(fmt.Sprintf("simnet: bad host name %q", name))
	}
	h := &Host{net: n, name: name, idx: len(n.hosts), nextPort: 40000}
	n.hosts = append(n.hosts, h)
	n.byName[name] = h
	for i := range n.links {
		n.links[i] = append(n.links[i], nil)
	}
	n.links = append(n.links, make([]*link, len(n.hosts)))
	return h
}

// link is one direction between two hosts.
type link struct {
	cfg       LinkConfig
	busyUntil time.Duration // bandwidth: when the link finishes sending what it has
	clogUntil time.Duration
	cut       Mode
}

func (n *Net) link(from, to *Host) *link {
	l := n.links[from.idx][to.idx]
	if l == nil {
		l = &link{cfg: n.def}
		n.links[from.idx][to.idx] = l
	}
	return l
}

// SetLink configures the from→to direction.
func (n *Net) SetLink(from, to string, cfg LinkConfig) {
	n.link(n.Host(from), n.Host(to)).cfg = cfg
}

// Clog delays everything sent from→to until d from now: bytes due earlier
// arrive when the clog ends, in order.
func (n *Net) Clog(from, to string, d time.Duration) {
	l := n.link(n.Host(from), n.Host(to))
	l.clogUntil = max(l.clogUntil, n.loop.Now()+d)
}

// ClogBoth clogs both directions between a and b.
func (n *Net) ClogBoth(a, b string, d time.Duration) {
	n.Clog(a, b, d)
	n.Clog(b, a, d)
}

// PartitionOneWay cuts from→to: bytes from from no longer reach to, while
// to's bytes still reach from.
func (n *Net) PartitionOneWay(from, to string, mode Mode) {
	n.link(n.Host(from), n.Host(to)).cut = mode
}

// Partition cuts both directions between a and b.
func (n *Net) Partition(a, b string, mode Mode) {
	n.PartitionOneWay(a, b, mode)
	n.PartitionOneWay(b, a, mode)
}

// Isolate cuts h off from every other host, both ways.
func (n *Net) Isolate(h string, mode Mode) { n.Host(h).isolated = mode }

// HealOneWay restores from→to.
func (n *Net) HealOneWay(from, to string) {
	n.link(n.Host(from), n.Host(to)).cut = pass
	n.release()
}

// Heal restores both directions between a and b.
func (n *Net) Heal(a, b string) {
	n.link(n.Host(a), n.Host(b)).cut = pass
	n.HealOneWay(b, a)
}

// Rejoin ends h's isolation.
func (n *Net) Rejoin(h string) {
	n.Host(h).isolated = pass
	n.release()
}

// HealAll removes every partition, isolation and clog.
func (n *Net) HealAll() {
	for _, h := range n.hosts {
		h.isolated = pass
	}
	for _, row := range n.links {
		for _, l := range row {
			if l != nil {
				l.cut = pass
				l.clogUntil = 0
			}
		}
	}
	n.release()
}

// blocked is what happens to bytes going from→to now.
func (n *Net) blocked(from, to *Host, l *link) Mode {
	if from == to {
		return pass
	}
	return max(l.cut, from.isolated, to.isolated)
}

// release reschedules every held pipe that can move again.
func (n *Net) release() {
	held := n.held
	n.held = nil
	for _, p := range held {
		p.held = false
		if p.conn.dead {
			continue
		}
		if n.blocked(p.from, p.to, p.link) != pass {
			p.held = true
			n.held = append(n.held, p)
			continue
		}
		p.schedule()
	}
}

// Listener accepts connections on one address.
type Listener struct {
	net    *Net
	addr   string
	host   *Host
	accept func(*Endpoint)
}

// Listen accepts connections to addr ("host:port"); accept runs (inside
// the loop) when a dial arrives and must set the endpoint's callbacks.
func (n *Net) Listen(addr string, accept func(*Endpoint)) (*Listener, error) {
	host, _, err := splitAddr(addr)
	if err != nil {
		return nil, err
	}
	if n.listeners[addr] != nil {
		return nil, fmt.Errorf("simnet: listen %s: address already in use", addr)
	}
	l := &Listener{net: n, addr: addr, host: n.Host(host), accept: accept}
	n.listeners[addr] = l
	return l, nil
}

// Close stops accepting; established connections are not affected.
func (l *Listener) Close() {
	if l.net.listeners[l.addr] == l {
		delete(l.net.listeners, l.addr)
	}
}

// Addr is the listening address.
func (l *Listener) Addr() string { return l.addr }

func splitAddr(addr string) (host string, port int, err error) {
	i := strings.LastIndexByte(addr, ':')
	if i <= 0 {
		return "", 0, fmt.Errorf("simnet: address %q is not host:port", addr)
	}
	port, err = strconv.Atoi(addr[i+1:])
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("simnet: address %q has a bad port", addr)
	}
	return addr[:i], port, nil
}

// Conn is one connection: the dialing end and the accepting end, and the
// pipe each way.
type Conn struct {
	id    uint64
	net   *Net
	ends  [2]Endpoint // 0 dialed, 1 accepted
	pipes [2]pipe     // 0 carries 0→1, 1 carries 1→0
	addr  string      // the address dialed
	dead  bool        // reset, or closed by both ends
}

// ID is the connection's number, unique in the network.
func (c *Conn) ID() uint64 { return c.id }

// Endpoint is one end of a connection, as its owner sees it.
type Endpoint struct {
	conn   *Conn
	side   int
	host   *Host
	local  string
	remote string

	// OnData receives bytes in order. p is only valid during the call.
	OnData func(p []byte)
	// OnClose is called once when the connection ends for this endpoint
	// without it having called Close or Reset: io.EOF when the peer
	// closed after sending everything, ErrReset, ErrRefused or
	// ErrUnreachable otherwise.
	OnClose func(err error)

	closed bool // Close or Reset called here, or OnClose delivered
	eof    bool // the peer's FIN arrived
}

// LocalAddr is this end's address.
func (e *Endpoint) LocalAddr() string { return e.local }

// RemoteAddr is the other end's address.
func (e *Endpoint) RemoteAddr() string { return e.remote }

// Conn is the connection this endpoint belongs to.
func (e *Endpoint) Conn() *Conn { return e.conn }

// Host is the host this endpoint is on.
func (e *Endpoint) Host() *Host { return e.host }

// Closed reports whether the endpoint can no longer send.
func (e *Endpoint) Closed() bool { return e.closed || e.conn.dead }

// Dial opens a connection from host from to addr and returns the dialing
// end at once. Bytes written before the other side accepts are delivered
// after the accept. If nothing listens on addr when the dial arrives, the
// endpoint's OnClose gets ErrRefused.
func (n *Net) Dial(from string, addr string) (*Endpoint, error) {
	host, _, err := splitAddr(addr)
	if err != nil {
		return nil, err
	}
	src, dst := n.Host(from), n.Host(host)
	n.nextConn++
	n.stats.Dials++
	c := &Conn{id: n.nextConn, net: n, addr: addr}
	local := from + ":" + strconv.Itoa(src.nextPort)
	src.nextPort++
	c.ends[0] = Endpoint{conn: c, side: 0, host: src, local: local, remote: addr}
	c.ends[1] = Endpoint{conn: c, side: 1, host: dst, local: addr, remote: local}
	c.pipes[0] = pipe{conn: c, dir: 0, from: src, to: dst, link: n.link(src, dst)}
	c.pipes[1] = pipe{conn: c, dir: 1, from: dst, to: src, link: n.link(dst, src)}
	n.conns[c.id] = c
	c.pipes[0].push(segSyn, nil)
	return &c.ends[0], nil
}

// Write queues p (copied) for the other end. It fails only when the
// endpoint was closed or the connection reset.
func (e *Endpoint) Write(p []byte) error {
	if e.Closed() {
		return ErrClosed
	}
	if len(p) > 0 {
		e.conn.pipes[e.side].push(segData, p)
	}
	return nil
}

// Close sends a FIN after everything written so far: the peer gets its
// bytes, then OnClose(io.EOF). Bytes arriving here afterwards are
// discarded. OnClose is not called for this end.
func (e *Endpoint) Close() {
	if e.Closed() {
		return
	}
	e.closed = true
	e.conn.pipes[e.side].push(segFin, nil)
	e.conn.maybeDone()
}

// Reset aborts the connection: everything in flight is dropped and the
// peer's OnClose gets ErrReset.
func (e *Endpoint) Reset() {
	if e.Closed() {
		return
	}
	e.closed = true
	e.conn.reset(ErrReset)
}

// Reset aborts c as if the network broke it: both ends' OnClose get
// ErrReset (unless they already closed), everything in flight is dropped.
func (c *Conn) Reset() { c.reset(ErrReset) }

func (c *Conn) reset(err error) {
	if c.dead {
		return
	}
	n := c.net
	c.dead = true
	n.stats.Resets++
	delete(n.conns, c.id)
	for i := range c.pipes {
		c.pipes[i].drop()
	}
	n.loop.Trace().Record(n.loop.Now(), "net.reset", int64(c.id), 0, nil)
	for i := range c.ends {
		e := &c.ends[i]
		if e.closed {
			continue
		}
		e.closed = true
		n.loop.After(0, "net.close", func() { e.notifyClose(err) })
	}
}

func (e *Endpoint) notifyClose(err error) {
	e.conn.net.stats.Closes++
	e.conn.net.loop.Trace().Record(e.conn.net.loop.Now(), "net.onclose", int64(e.conn.id), int64(e.side), nil)
	if e.OnClose != nil {
		e.OnClose(err)
	}
}

// maybeDone forgets a connection both ends have finished with.
func (c *Conn) maybeDone() {
	if c.ends[0].closed && c.ends[1].closed && !c.dead && c.pipes[0].empty() && c.pipes[1].empty() {
		c.dead = true
		delete(c.net.conns, c.id)
	}
}

// ResetHost resets every connection with an end on host h (a crash: the
// host's peers learn their connections are gone).
func (n *Net) ResetHost(h string) {
	host := n.Host(h)
	for _, c := range n.sortedConns() {
		if c.ends[0].host == host || c.ends[1].host == host {
			c.reset(ErrReset)
		}
	}
}

// ResetBetween resets every connection between hosts a and b.
func (n *Net) ResetBetween(a, b string) {
	ha, hb := n.Host(a), n.Host(b)
	for _, c := range n.sortedConns() {
		h0, h1 := c.ends[0].host, c.ends[1].host
		if (h0 == ha && h1 == hb) || (h0 == hb && h1 == ha) {
			c.reset(ErrReset)
		}
	}
}

// Conns returns the live connections in id order.
func (n *Net) Conns() []*Conn { return n.sortedConns() }

func (n *Net) sortedConns() []*Conn {
	cs := make([]*Conn, 0, len(n.conns))
	for _, c := range n.conns {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b *Conn) int { return cmp.Compare(a.id, b.id) })
	return cs
}

// A pipe is one direction of a connection: the bytes in flight, as
// segments with arrival times, and at most one pending delivery event.
type pipe struct {
	conn     *Conn
	dir      int
	from, to *Host
	link     *link

	buf    []byte // bytes in flight; buf[head:] not yet delivered
	head   int
	segs   []seg // in order; segs[segHead:] not yet delivered
	segHd  int
	lastAt time.Duration // arrival of the last segment: never deliver out of order

	timer loop.Timer
	held  bool
}

type segKind uint8

const (
	segData segKind = iota
	segSyn
	segFin
)

type seg struct {
	kind segKind
	end  int // data: buf offset where the segment ends
	at   time.Duration
}

func (p *pipe) empty() bool { return p.segHd == len(p.segs) }

// push queues a segment (splitting data by MaxSegment) and makes sure a
// delivery is scheduled.
func (p *pipe) push(kind segKind, data []byte) {
	n := p.conn.net
	cfg := &p.link.cfg
	for {
		chunk := data
		if cfg.MaxSegment > 0 && len(chunk) > cfg.MaxSegment {
			chunk = chunk[:cfg.MaxSegment]
		}
		at := n.loop.Now()
		if cfg.Bandwidth > 0 && len(chunk) > 0 {
			start := max(at, p.link.busyUntil)
			p.link.busyUntil = start + time.Duration(int64(len(chunk))*int64(time.Second)/cfg.Bandwidth)
			at = p.link.busyUntil
		}
		at += cfg.Latency.Sample(n.rnd)
		at = max(at, p.lastAt)
		p.lastAt = at
		p.buf = append(p.buf, chunk...)
		p.segs = append(p.segs, seg{kind: kind, end: len(p.buf), at: at})
		n.stats.Segments++
		n.stats.BytesSent += int64(len(chunk))
		data = data[len(chunk):]
		if len(data) == 0 {
			break
		}
	}
	if !p.timer.Pending() && !p.held {
		p.schedule()
	}
}

func (p *pipe) schedule() {
	if p.empty() {
		return
	}
	at := max(p.segs[p.segHd].at, p.conn.net.loop.Now())
	p.timer = p.conn.net.loop.Schedule(at, "net.deliver", p)
}

// drop forgets everything in flight.
func (p *pipe) drop() {
	p.timer.Stop()
	p.conn.net.stats.BytesDropped += int64(len(p.buf) - p.head)
	p.buf, p.head, p.segs, p.segHd = p.buf[:0], 0, p.segs[:0], 0
}

// Fire delivers every segment that is due, unless the link holds it.
func (p *pipe) Fire() {
	c := p.conn
	n := c.net
	if c.dead {
		return
	}
	now := n.loop.Now()
	switch n.blocked(p.from, p.to, p.link) {
	case Hold:
		p.held = true
		n.held = append(n.held, p)
		return
	case Drop:
		c.reset(ErrUnreachable)
		return
	}
	if p.link.clogUntil > now {
		p.timer = n.loop.Schedule(p.link.clogUntil, "net.deliver", p)
		return
	}
	dst := &c.ends[1-p.dir]
	for !c.dead && !p.empty() && p.segs[p.segHd].at <= now {
		s := p.segs[p.segHd]
		switch s.kind {
		case segData:
			// Coalesce every due data segment into one read.
			last := p.segHd
			for last+1 < len(p.segs) && p.segs[last+1].kind == segData && p.segs[last+1].at <= now {
				last++
			}
			start, end := p.head, p.segs[last].end
			p.segHd, p.head = last+1, end
			n.stats.Deliveries++
			n.stats.BytesDelivered += int64(end - start)
			n.loop.Trace().Record(now, "net.data", int64(c.id), int64(p.dir), p.buf[start:end])
			if !dst.closed && dst.OnData != nil {
				dst.OnData(p.buf[start:end])
			}
		case segSyn:
			p.segHd++
			n.deliverSyn(c)
		case segFin:
			p.segHd++
			n.loop.Trace().Record(now, "net.fin", int64(c.id), int64(p.dir), nil)
			if !dst.closed && !dst.eof {
				dst.eof = true
				dst.notifyClose(io.EOF)
			}
			c.maybeDone()
		}
	}
	if c.dead {
		return
	}
	if p.empty() {
		p.buf, p.head, p.segs, p.segHd = p.buf[:0], 0, p.segs[:0], 0
		return
	}
	p.compact()
	if !p.timer.Pending() {
		p.schedule()
	}
}

// compact moves undelivered bytes to the front once the delivered prefix
// dominates, so a busy pipe's buffer does not grow without bound.
func (p *pipe) compact() {
	if p.head < 4096 || p.head < len(p.buf)/2 {
		return
	}
	shift := p.head
	p.buf = p.buf[:copy(p.buf, p.buf[shift:])]
	p.head = 0
	p.segs = p.segs[:copy(p.segs, p.segs[p.segHd:])]
	p.segHd = 0
	for i := range p.segs {
		p.segs[i].end -= shift
	}
}

func (n *Net) deliverSyn(c *Conn) {
	l := n.listeners[c.addr]
	if l == nil {
		n.stats.Refused++
		n.loop.Trace().Record(n.loop.Now(), "net.refused", int64(c.id), 0, nil)
		// The RST travels back like any segment.
		back := n.link(c.ends[1].host, c.ends[0].host)
		n.loop.After(back.cfg.Latency.Sample(n.rnd), "net.rst", func() { c.reset(ErrRefused) })
		c.ends[1].closed = true
		return
	}
	n.stats.Accepts++
	n.loop.Trace().Record(n.loop.Now(), "net.accept", int64(c.id), 0, nil)
	l.accept(&c.ends[1])
}

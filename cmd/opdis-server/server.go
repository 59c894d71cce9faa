package main

import (
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"opdis/node"
)

const (
	readBufMin = 16 << 10              // first read buffer, as Redis's PROTO_IOBUF_LEN
	readBufMax = 256 << 10             // a connection that keeps filling its buffer grows to this
	outKeepMax = 1 << 20               // an output buffer larger than this is dropped after the write
	tickFast   = 2 * time.Millisecond  // while clients are blocked: their timeouts need ms precision
	tickIdle   = 50 * time.Millisecond // otherwise: often enough for the cron at hz

	errMaxClients = "-ERR max number of clients reached\r\n"
	deniedReply   = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"
)

// server runs one node behind TCP listeners.
type server struct {
	log *logger

	// mu is the one lock: every call into the node happens while holding
	// it, so the node sees one call at a time, as in the simulator.
	mu    sync.Mutex
	node  *node.Node
	conns map[int64]*conn // under mu

	listeners []net.Listener
	quit      chan struct{} // closed when the server must exit
	tickNow   chan struct{} // capacity 1: a client blocked, switch the ticker to fast
	fastTick  atomic.Bool   // the ticker runs at tickFast
	quitOnce  sync.Once
	stopping  atomic.Bool

	loglevel string // the level the logger follows; owned by whoever owns the node

	// loop is the epoll event loop (Linux), nil when the per-connection
	// goroutines serve.
	loop *eventLoop

	dialer *dialer // the node's Dialer

	gc *gcTuner // owned by whoever ticks the node
}

// conn is one client connection. Its reader goroutine feeds the node and
// writes the replies to its own commands; its writer goroutine writes
// output produced by other connections' commands or by ticks (a woken
// BLPOP, a pub/sub message, a timeout).
type conn struct {
	s  *server
	id int64
	nc net.Conn

	// wmu is held from TakeOutput until the bytes are written, so replies
	// leave in the order the node produced them. Lock order: wmu, then
	// server.mu; nobody takes wmu while holding server.mu.
	wmu sync.Mutex
	out []byte // under wmu

	wake      chan struct{} // capacity 1: output is pending in the node
	done      chan struct{} // closed when the connection is gone
	closeOnce sync.Once
}

func newServer(cfg node.Config, env node.Env, log *logger) *server {
	s := &server{
		log:     log,
		conns:   make(map[int64]*conn),
		quit:    make(chan struct{}),
		tickNow: make(chan struct{}, 1),
	}
	s.dialer = &dialer{s: s}
	s.gc = newGCTuner()
	env.Dialer = s.dialer
	s.node = node.New(cfg, env)
	return s
}

// bindAddrs turns redis.conf's bind list into listen addresses. "*" is
// every IPv4 address, "::*" every IPv6 one; a leading "-" marks an address
// that may be unavailable.
func bindAddrs(bind string, port int64) (addrs []listenAddr) {
	for _, a := range strings.Fields(bind) {
		la := listenAddr{}
		if strings.HasPrefix(a, "-") {
			la.optional = true
			a = a[1:]
		}
		switch a {
		case "*":
			a = "0.0.0.0"
		case "::*":
			a = "::"
		}
		la.network = "tcp"
		if ip := net.ParseIP(a); ip != nil {
			if ip.To4() != nil {
				la.network = "tcp4"
			} else {
				la.network = "tcp6" // IPV6_V6ONLY, as Redis, so "* ::*" can coexist
			}
		}
		la.addr = net.JoinHostPort(a, strconv.FormatInt(port, 10))
		addrs = append(addrs, la)
	}
	return addrs
}

type listenAddr struct {
	network, addr string
	optional      bool
}

// listen opens every bind address. A required address that fails is fatal.
func (s *server) listen(cfg *node.Config) error {
	if cfg.Port == 0 {
		return errors.New("Configured to not listen anywhere, exiting.")
	}
	addrs := bindAddrs(cfg.Bind, cfg.Port)
	if len(addrs) == 0 {
		return errors.New("Configured to not listen anywhere, exiting.")
	}
	for _, la := range addrs {
		ln, err := net.Listen(la.network, la.addr)
		if err != nil {
			if la.optional {
				s.log.verbose("Could not create server TCP listening socket %s: %v (optional, skipped)", la.addr, err)
				continue
			}
			s.log.warning("Warning: Could not create server TCP listening socket %s: %v", la.addr, err)
			s.closeListeners()
			return errors.New("Failed listening on port " + strconv.FormatInt(cfg.Port, 10) + " (TCP), aborting.")
		}
		s.listeners = append(s.listeners, ln)
	}
	if len(s.listeners) == 0 {
		return errors.New("Failed listening on port " + strconv.FormatInt(cfg.Port, 10) + " (TCP), aborting.")
	}
	return nil
}

func (s *server) closeListeners() {
	for _, ln := range s.listeners {
		ln.Close()
	}
}

// serve starts serving: the event loop where there is one (Linux epoll,
// unless OPDIS_NETLOOP=goroutines), else the accept loops and the ticker.
func (s *server) serve() {
	s.loglevel = s.node.Config().LogLevel
	if os.Getenv("OPDIS_NETLOOP") != "goroutines" {
		if l, err := newEventLoop(s); err == nil {
			s.loop = l
			go l.run()
			return
		} else if err != errNoEventLoop {
			s.log.warning("Event loop unavailable (%v), serving with goroutines", err)
		}
	}
	for _, ln := range s.listeners {
		go s.acceptLoop(ln)
	}
	go s.tickLoop()
}

// shutdown asks the server to exit; run's caller does the rest.
func (s *server) shutdown() {
	s.quitOnce.Do(func() {
		s.stopping.Store(true)
		close(s.quit)
	})
}

// stop closes the listeners and takes the node for good (the lock, or the
// event loop's exit), so no command is half-run when the process exits.
func (s *server) stop() {
	s.shutdown()
	if s.loop != nil {
		s.loop.stop()
	}
	s.closeListeners()
	s.mu.Lock()
}

func (s *server) acceptLoop(ln net.Listener) {
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.stopping.Load() || errors.Is(err, net.ErrClosed) {
				return
			}
			// EMFILE and the like: back off a little, as net/http does.
			if delay == 0 {
				delay = 5 * time.Millisecond
			} else if delay < time.Second {
				delay *= 2
			}
			s.log.warning("Accepting client connection: %v", err)
			time.Sleep(delay)
			continue
		}
		delay = 0
		s.accept(nc)
	}
}

// protectedDenied reports whether protected mode refuses a peer: protected
// mode on, no password for the default user, and a peer that is not the
// loopback address (Redis compares the text with 127.0.0.1 and ::1).
func protectedDenied(protectedMode bool, requirePass string, peer net.Addr) bool {
	if !protectedMode || requirePass != "" {
		return false
	}
	tcp, ok := peer.(*net.TCPAddr)
	if !ok {
		return false // unix sockets are always allowed
	}
	ip := tcp.IP.String()
	return ip != "127.0.0.1" && ip != "::1"
}

// admit decides on a new connection: it returns the node's client id, or
// the reply to write before closing it (max clients, protected mode).
// Call with the node owned (s.mu held, or from the event loop).
func (s *server) admit(peer, local net.Addr) (id int64, reject string, keepalive int64) {
	cfg := s.node.Config()
	if int64(s.clients()) >= cfg.MaxClients {
		s.log.verbose("Error registering fd event for the new client: max number of clients reached")
		return 0, errMaxClients, 0
	}
	if protectedDenied(cfg.ProtectedMode, cfg.RequirePass, peer) {
		return 0, deniedReply, 0
	}
	id = s.node.Connect(peer.String(), local.String())
	if s.log.enabled(levelVerbose) {
		s.log.verbose("Accepted %s", peer)
	}
	return id, "", cfg.TCPKeepalive
}

func (s *server) clients() int {
	if s.loop != nil {
		return len(s.loop.byID)
	}
	return len(s.conns)
}

// tickOnce runs the node's time-driven work and follows its config. It
// returns when the next tick is due and whether SHUTDOWN was requested.
// Call with the node owned; the caller collects Pending afterwards.
func (s *server) tickOnce() (next time.Duration, shutdown bool) {
	s.node.Tick()
	s.gc.tune(time.Now())
	if lvl := s.node.Config().LogLevel; lvl != s.loglevel {
		s.loglevel = lvl
		s.log.setLevel(lvl)
	}
	return s.tickInterval(), s.node.ShutdownRequested() || s.node.Fatal() != nil
}

// tickInterval is tickFast while a client is blocked, else at most
// tickIdle and at least twice per cron period.
func (s *server) tickInterval() time.Duration {
	if s.node.BlockedClients() > 0 || s.node.SnapshotInProgress() {
		return tickFast // timeouts to serve, or snapshot steps to take
	}
	return min(tickIdle, time.Second/time.Duration(max(s.node.Config().Hz, 1))/2)
}

func (s *server) accept(nc net.Conn) {
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	s.mu.Lock()
	id, reject, keepalive := s.admit(nc.RemoteAddr(), nc.LocalAddr())
	if reject != "" {
		s.mu.Unlock()
		nc.Write([]byte(reject))
		nc.Close()
		return
	}
	c := &conn{s: s, id: id, nc: nc, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.conns[id] = c
	s.mu.Unlock()
	if tc, ok := nc.(*net.TCPConn); ok && keepalive > 0 {
		tc.SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: time.Duration(keepalive) * time.Second,
			Interval: time.Duration(keepalive) * time.Second / 3, Count: 3})
	}
	go c.readLoop()
	go c.writeLoop()
}

// collectPending turns the node's pending ids into connections. Call with
// s.mu held.
func (s *server) collectPending(dst []*conn) []*conn {
	for _, id := range s.node.Pending() {
		if c := s.conns[id]; c != nil {
			dst = append(dst, c)
		}
	}
	return dst
}

func wakeAll(cs []*conn) {
	for _, c := range cs {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// tickLoop drives the node's time-based work: blocking-command timeouts
// (every tickFast while a client is blocked, so they fire within a few ms)
// and the cron, which runs at hz inside Tick. With nobody blocked it ticks
// at most every tickIdle (and at least twice per cron period), so an idle
// server stays idle.
func (s *server) tickLoop() {
	timer := time.NewTimer(tickIdle)
	defer timer.Stop()
	var pend []*conn
	for {
		select {
		case <-timer.C:
		case <-s.tickNow:
		case <-s.quit:
			return
		}
		s.mu.Lock()
		if s.stopping.Load() {
			s.mu.Unlock()
			return
		}
		next, shutdown := s.tickOnce()
		pend = s.collectPending(pend[:0])
		s.mu.Unlock()
		wakeAll(pend)
		clear(pend)
		if shutdown {
			s.shutdown()
			return
		}
		s.fastTick.Store(next == tickFast)
		timer.Reset(next) // Go 1.23+ timers: no stale tick survives Reset
	}
}

// noteBlocked makes the ticker switch to fast ticks when a command just
// parked a client. Call with s.mu held.
func (s *server) noteBlocked() {
	if !s.fastTick.Load() && s.node.BlockedClients() > 0 {
		s.fastTick.Store(true)
		select {
		case s.tickNow <- struct{}{}:
		default:
		}
	}
}

func (c *conn) readLoop() {
	s := c.s
	buf := make([]byte, readBufMin)
	var pend []*conn
	for {
		nr, err := c.nc.Read(buf)
		if nr > 0 {
			c.wmu.Lock()
			s.mu.Lock()
			if s.stopping.Load() {
				s.mu.Unlock()
				c.wmu.Unlock()
				return
			}
			s.node.Feed(c.id, buf[:nr])
			out, closeConn := s.node.TakeOutput(c.id, c.out[:0])
			pend = s.collectPending(pend[:0])
			s.noteBlocked()
			shutdown := s.node.ShutdownRequested()
			s.mu.Unlock()
			c.flush(out)
			c.wmu.Unlock()
			wakeAll(pend)
			clear(pend)
			if shutdown {
				s.shutdown()
				return
			}
			if closeConn {
				c.nc.Close()
				c.gone()
				return
			}
			// Big requests arrive in fewer, larger reads; once the burst
			// is over the buffer shrinks back.
			if nr == len(buf) && len(buf) < readBufMax {
				buf = make([]byte, 2*len(buf))
			} else if len(buf) > readBufMin && nr < len(buf)/8 {
				buf = make([]byte, readBufMin)
			}
		}
		if err != nil {
			c.gone()
			return
		}
	}
}

// writeLoop writes output queued for this connection by others.
func (c *conn) writeLoop() {
	s := c.s
	for {
		select {
		case <-c.wake:
		case <-c.done:
			return
		}
		c.wmu.Lock()
		s.mu.Lock()
		if s.stopping.Load() {
			s.mu.Unlock()
			c.wmu.Unlock()
			return
		}
		out, closeConn := s.node.TakeOutput(c.id, c.out[:0])
		pend := s.collectPending(nil) // a replica's stream comes in chunks: more is due
		s.mu.Unlock()
		c.flush(out)
		c.wmu.Unlock()
		wakeAll(pend)
		if closeConn {
			// The reader notices the closed socket and cleans up.
			c.nc.Close()
			return
		}
	}
}

// flush writes out and keeps its buffer for reuse. Call with c.wmu held.
func (c *conn) flush(out []byte) {
	if len(out) > 0 {
		if _, err := c.nc.Write(out); err != nil {
			c.nc.Close() // the reader sees the error and cleans up
		}
	}
	if cap(out) > outKeepMax {
		out = nil
	}
	c.out = out[:0]
}

// gone forgets the connection: the node disconnects the client (a no-op if
// it already closed it) and the writer stops.
func (c *conn) gone() {
	c.closeOnce.Do(func() {
		s := c.s
		c.nc.Close()
		s.mu.Lock()
		delete(s.conns, c.id)
		if !s.stopping.Load() {
			s.node.Disconnect(c.id)
		}
		s.mu.Unlock()
		close(c.done)
		if s.log.enabled(levelVerbose) {
			s.log.verbose("Client closed connection id=%d addr=%s", c.id, c.nc.RemoteAddr())
		}
	})
}

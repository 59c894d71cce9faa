//go:build linux

package main

import (
	"errors"
	"net"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// errNoEventLoop: the listeners cannot be served by the event loop (never
// on Linux with TCP listeners); goroutines serve instead.
var errNoEventLoop = errors.New("no event loop for these listeners")

// eventLoop serves every connection from one goroutine, as Redis's ae loop:
// epoll on non-blocking sockets, and the node owned by that goroutine, so
// the hot path takes no lock. Each wakeup reads every ready socket once
// into one reused buffer and feeds the node; then every client that got
// output (its own replies, or output Pending from others and from ticks)
// is written directly. What the socket does not take stays queued and the
// connection waits for EPOLLOUT, with its input paused meanwhile, so a
// client that does not read is held back by TCP flow control without
// stalling anyone else.
type eventLoop struct {
	s      *server
	epfd   int
	wakefd int   // eventfd: stop() wakes the loop
	lfds   []int // listening sockets (dups of s.listeners)

	conns map[int]*econn   // by fd
	byID  map[int64]*econn // by node client id

	buf    []byte   // the read buffer, shared by all connections
	dirty  []*econn // connections with output to take after this batch
	events []unix.EpollEvent

	lastTick    time.Time
	acceptPause time.Time     // accept errors (EMFILE): listeners off until then
	acceptDelay time.Duration // doubles while accept keeps failing
	done        chan struct{}
}

// econn is one client connection of the event loop.
type econn struct {
	fd      int
	id      int64
	peer    string
	out     []byte // out[off:] is written yet
	off     int
	dirty   bool // in eventLoop.dirty
	waitOut bool // registered for EPOLLOUT (input paused) until out drains
	closing bool // the node closed the client: close once out drains
	closed  bool
}

func newEventLoop(s *server) (*eventLoop, error) {
	l := &eventLoop{s: s, epfd: -1, wakefd: -1, conns: make(map[int]*econn), byID: make(map[int64]*econn),
		buf: make([]byte, readBufMin), events: make([]unix.EpollEvent, 256), done: make(chan struct{})}
	fail := func(err error) (*eventLoop, error) {
		l.closeFDs()
		return nil, err
	}
	for _, ln := range s.listeners {
		tl, ok := ln.(*net.TCPListener)
		if !ok {
			return fail(errNoEventLoop)
		}
		rc, err := tl.SyscallConn()
		if err != nil {
			return fail(err)
		}
		fd := -1
		if cerr := rc.Control(func(f uintptr) { fd, err = unix.Dup(int(f)) }); cerr != nil {
			return fail(cerr)
		}
		if err != nil {
			return fail(err)
		}
		unix.CloseOnExec(fd)
		l.lfds = append(l.lfds, fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			return fail(err)
		}
	}
	var err error
	if l.epfd, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return fail(err)
	}
	if l.wakefd, err = unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC); err != nil {
		return fail(err)
	}
	if err := l.ctl(unix.EPOLL_CTL_ADD, l.wakefd, unix.EPOLLIN); err != nil {
		return fail(err)
	}
	if err := l.listenersOn(true); err != nil {
		return fail(err)
	}
	return l, nil
}

func (l *eventLoop) closeFDs() {
	for _, fd := range l.lfds {
		unix.Close(fd)
	}
	if l.epfd >= 0 {
		unix.Close(l.epfd)
	}
	if l.wakefd >= 0 {
		unix.Close(l.wakefd)
	}
}

func (l *eventLoop) ctl(op, fd int, events uint32) error {
	ev := unix.EpollEvent{Events: events, Fd: int32(fd)}
	return unix.EpollCtl(l.epfd, op, fd, &ev)
}

func (l *eventLoop) listenersOn(on bool) error {
	for _, fd := range l.lfds {
		var err error
		if on {
			err = l.ctl(unix.EPOLL_CTL_ADD, fd, unix.EPOLLIN)
		} else {
			err = l.ctl(unix.EPOLL_CTL_DEL, fd, 0)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// wake makes the loop's epoll_wait return (stop, a finished dial).
func (l *eventLoop) wake() {
	var one = [8]byte{1}
	unix.Write(l.wakefd, one[:])
}

// attachDials registers the connections the dialer finished and tells
// the node.
func (l *eventLoop) attachDials() {
	s := l.s
	for _, r := range s.dialer.takeDials() {
		if r.err != nil {
			s.node.Dialed(r.id, r.err)
			l.collectPending()
			continue
		}
		fd, err := connFD(r.nc)
		r.nc.Close()
		if err == nil {
			err = l.ctl(unix.EPOLL_CTL_ADD, fd, unix.EPOLLIN)
			if err != nil {
				unix.Close(fd)
			}
		}
		if err != nil {
			s.node.Dialed(r.id, err)
			l.collectPending()
			continue
		}
		c := &econn{fd: fd, id: r.id, peer: r.nc.RemoteAddr().String()}
		l.conns[fd] = c
		l.byID[r.id] = c
		s.node.Dialed(r.id, nil)
		l.markDirty(c)
		l.collectPending()
	}
}

// connFD takes a non-blocking duplicate of a dialed connection's socket.
func connFD(nc net.Conn) (int, error) {
	rc, err := nc.(*net.TCPConn).SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	if cerr := rc.Control(func(f uintptr) { fd, err = unix.Dup(int(f)) }); cerr != nil {
		return -1, cerr
	}
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(fd)
	return fd, unix.SetNonblock(fd, true)
}

// stop wakes the loop and waits until it has returned, so the node is
// idle for good.
func (l *eventLoop) stop() {
	l.wake()
	<-l.done
}

func (l *eventLoop) run() {
	defer close(l.done)
	s := l.s
	l.lastTick = time.Now()
	for {
		if s.stopping.Load() {
			return
		}
		now := time.Now()
		due := l.lastTick.Add(s.tickInterval())
		if !l.acceptPause.IsZero() && l.acceptPause.Before(due) {
			due = l.acceptPause
		}
		// Output the node produced since the last flush (a replica's next
		// chunk is due as soon as the previous one is written) must not
		// wait for the next event or tick.
		l.collectPending()
		timeout := 0
		if wait := due.Sub(now); wait > 0 && len(l.dirty) == 0 {
			timeout = int((wait + time.Millisecond - 1) / time.Millisecond)
		}
		n, err := unix.EpollWait(l.epfd, l.events, timeout)
		if err != nil && err != unix.EINTR {
			s.log.warning("epoll_wait: %v", err)
			n = 0
		}
		for i := 0; i < n; i++ {
			ev := &l.events[i]
			fd := int(ev.Fd)
			if fd == l.wakefd {
				var b [8]byte
				unix.Read(l.wakefd, b[:])
				l.attachDials()
				continue
			}
			if c := l.conns[fd]; c != nil {
				l.ready(c, ev.Events)
				continue
			}
			for _, lfd := range l.lfds {
				if lfd == fd {
					l.acceptAll(fd)
					break
				}
			}
		}
		if s.stopping.Load() {
			return
		}
		l.flushDirty()
		l.collectPending() // a replica's stream comes in chunks: more is due
		if s.node.ShutdownRequested() {
			s.shutdown()
			return
		}
		now = time.Now()
		if !l.acceptPause.IsZero() && !now.Before(l.acceptPause) {
			l.acceptPause = time.Time{}
			l.listenersOn(true)
		}
		if now.Sub(l.lastTick) >= s.tickInterval() {
			l.lastTick = now
			_, shutdown := s.tickOnce()
			l.collectPending()
			l.flushDirty()
			if shutdown {
				s.shutdown()
				return
			}
		}
	}
}

// acceptAll accepts every waiting connection on listening socket lfd.
func (l *eventLoop) acceptAll(lfd int) {
	s := l.s
	for {
		fd, sa, err := unix.Accept4(lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err != nil {
			switch err {
			case unix.EAGAIN, unix.EINTR, unix.ECONNABORTED:
				if err == unix.EAGAIN {
					l.acceptDelay = 0
					return
				}
				continue
			}
			// EMFILE and the like: stop accepting for a while, as the
			// goroutine loop backs off.
			if l.acceptDelay == 0 {
				l.acceptDelay = 5 * time.Millisecond
			} else if l.acceptDelay < time.Second {
				l.acceptDelay *= 2
			}
			s.log.warning("Accepting client connection: %v", err)
			if l.acceptPause.IsZero() {
				l.listenersOn(false)
			}
			l.acceptPause = time.Now().Add(l.acceptDelay)
			return
		}
		peer := sockaddrTCP(sa)
		lsa, _ := unix.Getsockname(fd)
		local := sockaddrTCP(lsa)
		unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
		id, reject, keepalive := s.admit(peer, local)
		if reject != "" {
			unix.Write(fd, []byte(reject))
			unix.Close(fd)
			continue
		}
		if keepalive > 0 {
			unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_KEEPALIVE, 1)
			unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPIDLE, int(keepalive))
			unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPINTVL, int(max(keepalive/3, 1)))
			unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_KEEPCNT, 3)
		}
		c := &econn{fd: fd, id: id, peer: peer.String()}
		if err := l.ctl(unix.EPOLL_CTL_ADD, fd, unix.EPOLLIN); err != nil {
			s.log.warning("Error registering fd event for the new client: %v", err)
			unix.Close(fd)
			s.node.Disconnect(id)
			l.collectPending()
			continue
		}
		l.conns[fd] = c
		l.byID[id] = c
	}
}

// sockaddrTCP turns a socket address into the *net.TCPAddr the shared
// code (protected mode, CLIENT LIST addresses) expects.
func sockaddrTCP(sa unix.Sockaddr) *net.TCPAddr {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return &net.TCPAddr{IP: net.IP(append([]byte(nil), a.Addr[:]...)), Port: a.Port}
	case *unix.SockaddrInet6:
		zone := ""
		if a.ZoneId != 0 {
			if ifi, err := net.InterfaceByIndex(int(a.ZoneId)); err == nil {
				zone = ifi.Name
			}
		}
		return &net.TCPAddr{IP: net.IP(append([]byte(nil), a.Addr[:]...)), Port: a.Port, Zone: zone}
	}
	return &net.TCPAddr{}
}

// ready handles the events of one connection.
func (l *eventLoop) ready(c *econn, events uint32) {
	if c.waitOut {
		if events&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) != 0 {
			l.write(c)
		}
		return
	}
	if events&(unix.EPOLLIN|unix.EPOLLERR|unix.EPOLLHUP) == 0 {
		return
	}
	s := l.s
	nr, err := rawRead(c.fd, l.buf)
	if nr > 0 {
		s.node.Feed(c.id, l.buf[:nr])
		l.markDirty(c)
		l.collectPending()
		// Big requests arrive in fewer, larger reads.
		if nr == len(l.buf) && len(l.buf) < readBufMax {
			l.buf = make([]byte, 2*len(l.buf))
		}
		return
	}
	if err == unix.EAGAIN || err == unix.EINTR {
		return
	}
	l.close(c, true) // EOF or an error
}

func (l *eventLoop) markDirty(c *econn) {
	if !c.dirty {
		c.dirty = true
		l.dirty = append(l.dirty, c)
	}
}

// collectPending marks the clients that got output from elsewhere.
func (l *eventLoop) collectPending() {
	for _, id := range l.s.node.Pending() {
		if c := l.byID[id]; c != nil {
			l.markDirty(c)
		}
	}
}

// flushDirty takes and writes the output of every marked connection.
func (l *eventLoop) flushDirty() {
	for i := 0; i < len(l.dirty); i++ { // write errors may append more
		c := l.dirty[i]
		c.dirty = false
		if c.waitOut && !c.closed && l.s.node.Dropped(c.id) {
			// Killed, or over its output limit: close now, unread output
			// and all, as Redis does; its full socket must not keep it.
			l.s.node.TakeOutput(c.id, nil) // the node forgets it
			delete(l.byID, c.id)
			c.closing = true
			l.close(c, false)
			continue
		}
		if c.closed || c.closing || c.waitOut {
			continue // a full socket: the rest stays in the node until it drains
		}
		if c.off > 0 {
			n := copy(c.out, c.out[c.off:])
			c.out, c.off = c.out[:n], 0
		}
		var closeConn bool
		c.out, closeConn = l.s.node.TakeOutput(c.id, c.out)
		if closeConn {
			c.closing = true
			delete(l.byID, c.id) // the node has forgotten the client
		}
		l.write(c)
	}
	clear(l.dirty)
	l.dirty = l.dirty[:0]
}

// write sends as much of c's queued output as the socket takes now.
func (l *eventLoop) write(c *econn) {
	for c.off < len(c.out) {
		nw, err := rawWrite(c.fd, c.out[c.off:])
		if nw > 0 {
			c.off += nw
			continue
		}
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			if !c.waitOut {
				c.waitOut = true
				l.ctl(unix.EPOLL_CTL_MOD, c.fd, unix.EPOLLOUT)
			}
			return
		}
		l.close(c, true)
		return
	}
	if cap(c.out) > outKeepMax {
		c.out = nil
	}
	c.out, c.off = c.out[:0], 0
	if c.closing {
		l.close(c, false)
		return
	}
	if c.waitOut {
		c.waitOut = false
		l.ctl(unix.EPOLL_CTL_MOD, c.fd, unix.EPOLLIN)
		// Output produced while waiting is still in the node: take it.
		// Input that arrived is still in the socket and epoll reports it.
		l.markDirty(c)
	}
}

// close forgets a connection; disconnect tells the node (unless it already
// closed the client itself).
func (l *eventLoop) close(c *econn, disconnect bool) {
	if c.closed {
		return
	}
	c.closed = true
	unix.EpollCtl(l.epfd, unix.EPOLL_CTL_DEL, c.fd, nil)
	unix.Close(c.fd)
	delete(l.conns, c.fd)
	if !c.closing && disconnect {
		delete(l.byID, c.id)
		l.s.node.Disconnect(c.id)
		l.collectPending()
	}
	c.out = nil
	if l.s.log.enabled(levelVerbose) {
		l.s.log.verbose("Client closed connection id=%d addr=%s", c.id, c.peer)
	}
}

// rawRead and rawWrite call read(2)/write(2) on the loop's non-blocking
// sockets without the runtime's syscall bookkeeping: unix.Read enters a
// blocking-syscall section, and under load the runtime then hands the P to
// another thread (a futex wake per call, measured at one per write with
// strace). These calls never block, so that hand-off is pure cost.
func rawRead(fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

func rawWrite(fd int, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

package main

import (
	"net"
	"strconv"
	"sync"
	"time"
)

// dialer is the node's Dialer (a replica's link to its master): the
// connection is made by a goroutine, then handed to whichever loop serves
// clients, which calls node.Dialed under the node's ownership.
type dialer struct {
	s *server

	mu    sync.Mutex
	ready []dialResult // for the event loop, taken by takeDials
}

type dialResult struct {
	id  int64
	nc  net.Conn
	err error
}

const dialTimeout = 5 * time.Second

func (d *dialer) Dial(id int64, host string, port int) {
	go func() {
		nc, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), dialTimeout)
		if tc, ok := nc.(*net.TCPConn); ok {
			tc.SetNoDelay(true)
		}
		d.done(dialResult{id, nc, err})
	}()
}

func (d *dialer) done(r dialResult) {
	s := d.s
	if s.stopping.Load() {
		if r.nc != nil {
			r.nc.Close()
		}
		return
	}
	if s.loop != nil {
		d.mu.Lock()
		d.ready = append(d.ready, r)
		d.mu.Unlock()
		s.loop.wake()
		return
	}
	s.attachDialed(r)
}

// takeDials returns the finished dials for the event loop.
func (d *dialer) takeDials() []dialResult {
	d.mu.Lock()
	defer d.mu.Unlock()
	r := d.ready
	d.ready = nil
	return r
}

// attachDialed serves a finished dial with the goroutine loop.
func (s *server) attachDialed(r dialResult) {
	var c *conn
	if r.err == nil {
		c = &conn{s: s, id: r.id, nc: r.nc, wake: make(chan struct{}, 1), done: make(chan struct{})}
		c.wmu.Lock()
		defer c.wmu.Unlock()
	}
	s.mu.Lock()
	if s.stopping.Load() {
		s.mu.Unlock()
		if c != nil {
			r.nc.Close()
		}
		return
	}
	if c != nil {
		s.conns[r.id] = c
	}
	s.node.Dialed(r.id, r.err)
	var out []byte
	closeConn := false
	if c != nil {
		out, closeConn = s.node.TakeOutput(r.id, nil)
	}
	pend := s.collectPending(nil)
	s.mu.Unlock()
	wakeAll(pend)
	if c == nil {
		return
	}
	c.flush(out)
	if closeConn {
		r.nc.Close()
		go c.gone()
		return
	}
	go c.readLoop()
	go c.writeLoop()
}

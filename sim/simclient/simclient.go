// Package simclient is a pipelining RESP client on a simnet connection,
// for the simulator's workload and tests: Do sends a command and a
// callback receives its reply (or the error that ended the connection)
// inside the event loop, in order.
package simclient

import (
	"fmt"

	"opdis/sim/simnet"
	"opdis/wire"
)

// Callback receives a reply, or err when the connection ended (or broke
// the protocol) before the reply came: the command's outcome is then
// unknown.
type Callback func(v wire.Value, err error)

// Client is one connection.
type Client struct {
	ep      *simnet.Endpoint
	pending []Callback // replies we wait for, in order
	in      []byte
	buf     []byte
	err     error
}

// Dial connects from host to addr.
func Dial(n *simnet.Net, host, addr string) (*Client, error) {
	ep, err := n.Dial(host, addr)
	if err != nil {
		return nil, err
	}
	c := &Client{ep: ep}
	ep.OnData = c.onData
	ep.OnClose = c.fail
	return c, nil
}

// Endpoint is the client's end of the connection.
func (c *Client) Endpoint() *simnet.Endpoint { return c.ep }

// Err is why the client stopped working, or nil.
func (c *Client) Err() error { return c.err }

// Outstanding is the number of commands awaiting a reply.
func (c *Client) Outstanding() int { return len(c.pending) }

// Do sends one command. cb runs later, inside the loop; if the client is
// already broken it runs before Do returns.
func (c *Client) Do(cb Callback, args ...string) {
	if c.err != nil {
		cb(wire.Value{}, c.err)
		return
	}
	c.buf = wire.AppendArray(c.buf[:0], len(args))
	for _, a := range args {
		c.buf = wire.AppendBulkString(c.buf, a)
	}
	c.pending = append(c.pending, cb)
	if err := c.ep.Write(c.buf); err != nil {
		c.fail(err)
	}
}

// Send writes raw, commands already in RESP (such as the oplog entries
// OPGET returns, sent on an OPAPPLY connection), and expects one reply
// per callback, in order.
func (c *Client) Send(raw []byte, cbs ...Callback) {
	if c.err != nil {
		for _, cb := range cbs {
			cb(wire.Value{}, c.err)
		}
		return
	}
	c.pending = append(c.pending, cbs...)
	if err := c.ep.Write(raw); err != nil {
		c.fail(err)
	}
}

// Close closes the connection; commands still waiting fail with
// simnet.ErrClosed.
func (c *Client) Close() {
	c.ep.Close()
	c.fail(simnet.ErrClosed)
}

func (c *Client) onData(p []byte) {
	if c.err != nil {
		return
	}
	c.in = append(c.in, p...)
	pos := 0
	for pos < len(c.in) {
		v, n, err := wire.ParseReply(c.in[pos:])
		if err != nil {
			c.in = c.in[:0]
			c.ep.Reset()
			c.fail(fmt.Errorf("simclient: bad reply from %s: %w", c.ep.RemoteAddr(), err))
			return
		}
		if n == 0 {
			break
		}
		pos += n
		if len(c.pending) == 0 {
			c.ep.Reset()
			c.fail(fmt.Errorf("simclient: unsolicited reply %s from %s", v, c.ep.RemoteAddr()))
			return
		}
		cb := c.pending[0]
		c.pending = c.pending[1:]
		cb(v, nil)
		if c.err != nil {
			return
		}
	}
	c.in = c.in[:copy(c.in, c.in[pos:])]
}

// fail ends the client: every waiting command learns err.
func (c *Client) fail(err error) {
	if c.err != nil {
		return
	}
	c.err = err
	pending := c.pending
	c.pending = nil
	for _, cb := range pending {
		cb(wire.Value{}, err)
	}
}

package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"opdis/oplogsync"
	"opdis/wire"
)

// conn is a plain RESP connection: commands out, replies in, in order.
type conn struct {
	addr    string
	nc      net.Conn
	in      []byte
	buf     []byte
	timeout time.Duration
}

func dial(addr, password string, timeout time.Duration) (*conn, error) {
	nc, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return nil, err
	}
	c := &conn{addr: addr, nc: nc, buf: make([]byte, 64<<10), timeout: timeout}
	if password != "" {
		if _, err := c.ok("AUTH", password); err != nil {
			nc.Close()
			return nil, err
		}
	}
	return c, nil
}

func (c *conn) Close() error { return c.nc.Close() }

// write sends raw RESP bytes.
func (c *conn) write(raw []byte) error {
	c.nc.SetWriteDeadline(time.Now().Add(c.timeout))
	_, err := c.nc.Write(raw)
	if err != nil {
		return fmt.Errorf("%s: write: %w", c.addr, err)
	}
	return nil
}

// read returns the next reply.
func (c *conn) read() (wire.Value, error) {
	c.nc.SetReadDeadline(time.Now().Add(c.timeout))
	for {
		if len(c.in) > 0 {
			v, n, err := wire.ParseReply(c.in)
			if err != nil {
				return v, fmt.Errorf("%s: %w", c.addr, err)
			}
			if n > 0 {
				c.in = c.in[n:]
				return v, nil
			}
		}
		k, err := c.nc.Read(c.buf)
		c.in = append(c.in, c.buf[:k]...)
		if err != nil && k == 0 {
			return wire.Value{}, fmt.Errorf("%s: read: %w", c.addr, err)
		}
	}
}

// do runs one command.
func (c *conn) do(args ...string) (wire.Value, error) {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	if err := c.write(wire.AppendCommand(nil, bs...)); err != nil {
		return wire.Value{}, err
	}
	return c.read()
}

// ok runs one command and turns an error reply into an error.
func (c *conn) ok(args ...string) (wire.Value, error) {
	v, err := c.do(args...)
	if err == nil && v.Kind == wire.Error {
		err = fmt.Errorf("%s: %s: %s", c.addr, strings.ToUpper(args[0]), v.Str)
	}
	return v, err
}

// configInt is CONFIG GET name as an integer.
func (c *conn) configInt(name string) (int64, error) {
	v, err := c.ok("CONFIG", "GET", name)
	if err != nil {
		return 0, err
	}
	if len(v.Elems) != 2 {
		return 0, fmt.Errorf("%s: CONFIG GET %s: %s", c.addr, name, v)
	}
	n, err := strconv.ParseInt(v.Elems[1].Str, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: CONFIG GET %s: %q is not an integer", c.addr, name, v.Elems[1].Str)
	}
	return n, nil
}

// oplogInfo reads INFO oplog.
func (c *conn) oplogInfo() (oplogsync.Info, error) {
	v, err := c.ok("INFO", "oplog")
	if err != nil {
		return oplogsync.Info{}, err
	}
	info, err := oplogsync.ParseInfo(v.Str)
	if err != nil {
		return info, fmt.Errorf("%s: %w", c.addr, err)
	}
	return info, nil
}

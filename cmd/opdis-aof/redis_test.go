package main

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"opdis/wire"
)

// A real redis-server started by a test, and a minimal RESP client.

type redisProc struct {
	cmd    *exec.Cmd
	addr   string
	out    *syncBuf
	exited chan struct{}
}

func needRedis(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed (make test installs it)")
	}
}

// startRedis starts redis-server on a free loopback port with --dir dir,
// waits until it has loaded its data, and stops it by PID at the end.
func startRedis(t *testing.T, dir string, extra ...string) *redisProc {
	t.Helper()
	for attempt := 0; ; attempt++ {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		a := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--daemonize", "no"}, extra...)
		p := &redisProc{addr: "127.0.0.1:" + strconv.Itoa(port), out: &syncBuf{}, exited: make(chan struct{})}
		p.cmd = exec.Command("redis-server", a...)
		p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { p.cmd.Wait(); close(p.exited) }()
		if p.waitReady() {
			t.Cleanup(p.stop)
			return p
		}
		p.stop()
		if attempt < 4 && strings.Contains(p.out.String(), "in use") {
			continue
		}
		t.Fatalf("redis-server %v did not start:\n%s", a, p.out.String())
	}
}

// waitReady waits for PONG (not -LOADING).
func (p *redisProc) waitReady() bool {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.exited:
			return false
		default:
		}
		if c, err := dialRedis(p.addr); err == nil {
			v, err := c.do("PING")
			c.close()
			if err == nil && v.Str == "PONG" {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func (p *redisProc) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

// syncBuf collects a child's output (stdout and stderr are copied by two
// goroutines).
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type rconn struct {
	nc      net.Conn
	rd      *bufio.Reader
	pending []byte
}

func dialRedis(addr string) (*rconn, error) {
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return nil, err
	}
	return &rconn{nc: nc, rd: bufio.NewReader(nc)}, nil
}

func (c *rconn) close() { c.nc.Close() }

// do sends one command and reads its reply.
func (c *rconn) do(a ...string) (wire.Value, error) {
	c.nc.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.nc.Write(wire.AppendCommand(nil, args(a...)...)); err != nil {
		return wire.Value{}, err
	}
	buf := make([]byte, 16<<10)
	for {
		if v, n, err := wire.ParseReply(c.pending); err != nil || n > 0 {
			c.pending = c.pending[n:]
			return v, err
		}
		k, err := c.rd.Read(buf)
		if err != nil {
			return wire.Value{}, err
		}
		c.pending = append(c.pending, buf[:k]...)
	}
}

// must runs a command and fails the test on an error reply.
func (c *rconn) must(t *testing.T, a ...string) wire.Value {
	t.Helper()
	v, err := c.do(a...)
	if err != nil {
		t.Fatalf("%q: %v", a, err)
	}
	if v.Kind == wire.Error {
		t.Fatalf("%q: -%s", a, v.Str)
	}
	return v
}

// dataset is a Redis server's whole keyspace: db → key → state.
type dataset map[int]map[string]keyState

type keyState struct {
	Type     string
	Value    []string // GET; LRANGE; sorted SMEMBERS; ZRANGE WITHSCORES; sorted field=value
	ExpireAt int64    // PEXPIRETIME: -1 for no expiry
}

func strs(v wire.Value) []string {
	out := make([]string, len(v.Elems))
	for i, e := range v.Elems {
		out[i] = e.Str
	}
	return out
}

// capture reads every key of every db.
func capture(t *testing.T, c *rconn) dataset {
	t.Helper()
	ds := dataset{}
	for db := 0; db < 16; db++ {
		c.must(t, "SELECT", strconv.Itoa(db))
		keys := strs(c.must(t, "KEYS", "*"))
		if len(keys) == 0 {
			continue
		}
		m := map[string]keyState{}
		for _, k := range keys {
			ks := keyState{Type: c.must(t, "TYPE", k).Str, ExpireAt: c.must(t, "PEXPIRETIME", k).Int}
			switch ks.Type {
			case "string":
				ks.Value = []string{c.must(t, "GET", k).Str}
			case "list":
				ks.Value = strs(c.must(t, "LRANGE", k, "0", "-1"))
			case "set":
				ks.Value = strs(c.must(t, "SMEMBERS", k))
				slices.Sort(ks.Value)
			case "zset":
				ks.Value = strs(c.must(t, "ZRANGE", k, "0", "-1", "WITHSCORES"))
			case "hash":
				kv := strs(c.must(t, "HGETALL", k))
				for i := 0; i+1 < len(kv); i += 2 {
					ks.Value = append(ks.Value, kv[i]+"="+kv[i+1])
				}
				slices.Sort(ks.Value)
			default:
				t.Fatalf("key %q: unexpected type %q", k, ks.Type)
			}
			m[k] = ks
		}
		ds[db] = m
	}
	return ds
}

func (ds dataset) String() string {
	n := 0
	for _, m := range ds {
		n += len(m)
	}
	return fmt.Sprintf("%d dbs, %d keys", len(ds), n)
}

package psync_test

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"opdis/wire"
)

// redisServer is a real redis-server on a loopback port, stopped when the
// test ends.
type redisServer struct {
	port int
	dir  string
}

// startRedis starts redis-server with the given extra options, or skips
// the test when it is not installed.
func startRedis(t *testing.T, extra ...string) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not in PATH")
	}
	dir := t.TempDir()
	for attempt := 0; ; attempt++ {
		port := freePort(t)
		args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--daemonize", "no", "--dir", dir, "--logfile", filepath.Join(dir, "redis.log")}, extra...)
		cmd := exec.Command(bin, args...)
		if err := cmd.Start(); err != nil {
			t.Fatalf("start redis-server: %v", err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		s := &redisServer{port: port, dir: dir}
		if s.waitReady(done) {
			t.Cleanup(func() {
				cmd.Process.Kill()
				<-done
			})
			return s
		}
		cmd.Process.Kill()
		<-done
		if attempt == 2 {
			log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("redis-server did not start:\n%s", log)
		}
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (s *redisServer) waitReady(done chan struct{}) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return false
		default:
		}
		if c, err := net.DialTimeout("tcp", s.addr(), time.Second); err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			c.Write([]byte("*1\r\n$4\r\nPING\r\n"))
			buf := make([]byte, 7)
			n, _ := c.Read(buf)
			c.Close()
			if string(buf[:n]) == "+PONG\r\n" {
				return true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

func (s *redisServer) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

func (s *redisServer) dial(t *testing.T) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", s.addr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// do sends one command on a fresh connection followed by a PING and
// returns the command's raw reply, or nil when it sent none (the first
// reply is then the PING's +PONG).
func (s *redisServer) do(t *testing.T, args ...[]byte) []byte {
	t.Helper()
	return s.send(t, wire.AppendCommand(wire.AppendCommand(nil, args...), []byte("PING")), args)
}

// reply sends one command alone and returns its first reply (for PSYNC:
// a replica that sends anything with a reply after PSYNC is disconnected).
func (s *redisServer) reply(t *testing.T, args ...[]byte) []byte {
	t.Helper()
	return s.send(t, wire.AppendCommand(nil, args...), args)
}

func (s *redisServer) send(t *testing.T, req []byte, args [][]byte) []byte {
	t.Helper()
	c := s.dial(t)
	defer c.Close()
	c.Write(req)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var buf []byte
	tmp := make([]byte, 4096)
	for {
		buf = bytes.TrimLeft(buf, "\n") // a master's keep-alives before +FULLRESYNC
		_, n, err := wire.ParseReply(buf)
		if err != nil {
			t.Fatalf("%q: bad reply %q: %v", args, buf, err)
		}
		if n > 0 {
			if bytes.Equal(buf[:n], []byte("+PONG\r\n")) {
				return nil
			}
			return buf[:n]
		}
		m, err := c.Read(tmp)
		if err != nil {
			t.Fatalf("%q: read: %v (have %q)", args, err, buf)
		}
		buf = append(buf, tmp[:m]...)
	}
}

func (s *redisServer) cmd(t *testing.T, args ...string) string {
	t.Helper()
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	return string(s.do(t, bs...))
}

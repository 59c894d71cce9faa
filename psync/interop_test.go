package psync_test

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"opdis/psync"
	"opdis/wire"
)

// link drives a Handshake over a real TCP connection.
type link struct {
	t      *testing.T
	c      net.Conn
	h      *psync.Handshake
	events []psync.Event // not yet taken; data copied out of the read buffers
}

func dialLink(t *testing.T, srv *redisServer, cfg psync.Config) *link {
	l := &link{t: t, c: srv.dial(t), h: psync.NewHandshake(cfg)}
	l.h.Connected()
	l.flush()
	return l
}

func (l *link) flush() {
	if out := l.h.Output(); len(out) > 0 {
		if _, err := l.c.Write(out); err != nil {
			l.t.Fatal(err)
		}
	}
}

// next returns the next event, reading from the master as needed.
func (l *link) next() psync.Event {
	l.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(l.events) == 0 {
		buf := make([]byte, 1+int(time.Now().UnixNano()%8192)) // odd read sizes split replies anywhere
		l.c.SetReadDeadline(deadline)
		n, err := l.c.Read(buf)
		for _, ev := range l.h.Feed(buf[:n]) {
			switch e := ev.(type) {
			case psync.RDBChunk:
				ev = psync.RDBChunk{Data: bytes.Clone(e.Data)}
			case psync.Stream:
				ev = psync.Stream{Data: bytes.Clone(e.Data)}
			}
			l.events = append(l.events, ev)
		}
		l.flush()
		if err != nil && len(l.events) == 0 {
			l.t.Fatalf("read from master in state %v: %v", l.h.State(), err)
		}
	}
	ev := l.events[0]
	l.events = l.events[1:]
	if f, ok := ev.(psync.Failed); ok {
		l.t.Fatalf("handshake failed: %v", f.Err)
	}
	return ev
}

// rdb reads the snapshot after +FULLRESYNC, skipping keep-alives; size
// is what the header announced (-1 for an EOF-mark transfer).
func (l *link) rdb() (rdb []byte, size int64) {
	l.t.Helper()
	size = -2
	for {
		switch e := l.next().(type) {
		case psync.KeepAlive:
		case psync.RDBStart:
			size = e.Size
		case psync.RDBChunk:
			rdb = append(rdb, e.Data...)
		case psync.RDBDone:
			if size == -2 || e.Size != int64(len(rdb)) || (size >= 0 && size != e.Size) {
				l.t.Fatalf("RDB of %d bytes, announced %d, done says %d", len(rdb), size, e.Size)
			}
			return rdb, size
		default:
			l.t.Fatalf("during the transfer: %v", e)
		}
	}
}

// applyUntil reads the stream until the replica has applied up to the
// master's current master_repl_offset, feeding whole commands into s as a
// replica does; it returns the commands.
func (l *link) applyUntil(srv *redisServer, s *psync.ReplState) []string {
	l.t.Helper()
	target := infoInt(l.t, srv, "master_repl_offset")
	var pending []byte
	var cmds []string
	for s.MasterReplOffset < target {
		e, ok := l.next().(psync.Stream)
		if !ok {
			l.t.Fatalf("want stream bytes, got %v", e)
		}
		pending = append(pending, e.Data...)
		for {
			args, n, err := wire.ParseCommand(pending, wire.Limits{})
			if err != nil {
				l.t.Fatalf("stream: %v in %q", err, pending)
			}
			if n == 0 {
				break
			}
			s.Feed(pending[:n])
			cmds = append(cmds, string(bytes.Join(args, []byte(" "))))
			pending = pending[n:]
		}
	}
	if s.MasterReplOffset != target || len(pending) > 0 {
		l.t.Fatalf("applied up to %d (+%d pending), master is at %d", s.MasterReplOffset, len(pending), target)
	}
	return cmds
}

func infoInt(t *testing.T, srv *redisServer, field string) int64 {
	t.Helper()
	v := infoField(t, srv, field)
	var n int64
	if _, err := fmt.Sscan(v, &n); err != nil {
		t.Fatalf("INFO %s: %q", field, v)
	}
	return n
}

func infoField(t *testing.T, srv *redisServer, field string) string {
	t.Helper()
	reply, _, err := wire.ParseReply(srv.do(t, []byte("INFO"), []byte("replication")))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(reply.Str, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO replication has no %s:\n%s", field, reply.Str)
	return ""
}

// TestInteropRedisMaster drives the replica handshake over TCP against a
// real redis-server master: +FULLRESYNC and the whole RDB (disk `$<len>`
// and diskless `$EOF:`), the stream after it with offsets that match the
// master's, then a reconnection with the replid and offset that gets
// +CONTINUE and the writes made while away. The same runs with the opdis
// PSYNC form, which a Redis 7 master must accept as a plain PSYNC.
func TestInteropRedisMaster(t *testing.T) {
	for _, c := range []struct {
		name  string
		args  []string
		opdis bool
	}{
		{"disk", []string{"--repl-diskless-sync", "no"}, false},
		{"diskless", []string{"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"}, false},
		{"diskless-opdis-form", []string{"--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startRedis(t, c.args...)
			for i := range 50 {
				srv.cmd(t, "SET", fmt.Sprintf("key:%d", i), fmt.Sprintf("val-%d", i*7))
			}
			srv.cmd(t, "RPUSH", "list", "a", "b", "c")
			cfg := psync.Config{ListeningPort: 7000}
			if c.opdis {
				cfg.Opdis = &psync.OpdisPSYNC{NextOpID: 1, ServerID: 5}
			}
			l := dialLink(t, srv, cfg)
			var full psync.FullResync
			for {
				ev := l.next()
				if f, ok := ev.(psync.FullResync); ok {
					full = f
					break
				}
				if _, ok := ev.(psync.KeepAlive); !ok {
					t.Fatalf("before +FULLRESYNC: %v", ev)
				}
			}
			if full.ReplID != infoField(t, srv, "master_replid") || full.Opdis != nil {
				t.Fatalf("%v; master_replid %s", full, infoField(t, srv, "master_replid"))
			}
			rdb, size := l.rdb()
			if (size == -1) != (c.name != "disk") {
				t.Fatalf("RDB header announced size %d", size)
			}
			checkRDB(t, rdb, "key:49", "val-343", "list")

			rs := psync.NewReplState(&seq{}, 0)
			rs.FullSynced(full.ReplID, full.Offset)
			if c.name != "disk" {
				// After a diskless transfer the master streams only once acked.
				l.c.Write(psync.AppendAck(nil, rs.MasterReplOffset))
			}
			srv.cmd(t, "SET", "after-sync", "1")
			if cmds := l.applyUntil(srv, rs); !contains(cmds, "set after-sync 1") {
				t.Fatalf("stream after the RDB: %q", cmds)
			}
			l.c.Close()

			srv.cmd(t, "SET", "while-away", "2")
			srv.cmd(t, "INCR", "counter")
			l = dialLink(t, srv, psync.Config{ListeningPort: 7000, ReplID: rs.ReplID, ReplOffset: rs.MasterReplOffset, Opdis: cfg.Opdis})
			e, ok := l.next().(psync.Continue)
			if !ok || e.ReplID != full.ReplID {
				t.Fatalf("reconnect: %v, want +CONTINUE %s", e, full.ReplID)
			}
			if rs.Continued(e.ReplID) {
				t.Fatal("same master, yet the replid changed")
			}
			cmds := l.applyUntil(srv, rs)
			if !contains(cmds, "set while-away 2") || !contains(cmds, "incr counter") {
				t.Fatalf("stream after +CONTINUE: %q", cmds)
			}
			// The replica's history now reads like the master's.
			for _, f := range []string{"master_replid", "master_repl_offset", "repl_backlog_first_byte_offset", "repl_backlog_histlen"} {
				if ours, theirs := infoValue(t, rs.AppendInfo(nil), f), infoField(t, srv, f); ours != theirs {
					t.Errorf("%s: replica %s, master %s", f, ours, theirs)
				}
			}
		})
	}
}

func contains(cmds []string, want string) bool {
	for _, c := range cmds {
		if strings.EqualFold(c, want) {
			return true
		}
	}
	return false
}

func infoValue(t *testing.T, info []byte, field string) string {
	for _, line := range strings.Split(string(info), "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	t.Fatalf("no %s in %q", field, info)
	return ""
}

// checkRDB validates a received snapshot: version 10, holding the keys,
// and accepted by redis-check-rdb when it is installed.
func checkRDB(t *testing.T, rdb []byte, words ...string) {
	t.Helper()
	if !bytes.HasPrefix(rdb, []byte("REDIS0010")) {
		t.Fatalf("RDB starts %q", rdb[:min(len(rdb), 16)])
	}
	for _, w := range words {
		if !bytes.Contains(rdb, []byte(w)) {
			t.Fatalf("RDB of %d bytes lacks %q", len(rdb), w)
		}
	}
	bin, err := exec.LookPath("redis-check-rdb")
	if err != nil {
		return
	}
	f := filepath.Join(t.TempDir(), "dump.rdb")
	if err := os.WriteFile(f, rdb, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, f).CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) || !bytes.Contains(out, []byte("RDB looks OK")) {
		t.Fatalf("redis-check-rdb: %v\n%s", err, out)
	}
}

package psync_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"opdis/psync"
)

func TestNewReplID(t *testing.T) {
	a, b := psync.NewReplID(&seq{s: 1}), psync.NewReplID(&seq{s: 1})
	if a != b || !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(a) {
		t.Fatalf("ids %q %q: want the same 40 lowercase hex digits from the same seed", a, b)
	}
	if c := psync.NewReplID(&seq{s: 2}); c == a {
		t.Fatalf("another seed gave the same id %q", c)
	}
}

// TestReplStateLifecycle walks a history through Redis's transitions.
func TestReplStateLifecycle(t *testing.T) {
	r := &seq{s: 7}
	s := psync.NewReplState(r, 100)
	if s.ReplID2 != strings.Repeat("0", 40) || s.SecondReplOffset != -1 || s.MasterReplOffset != 0 || s.Backlog != nil {
		t.Fatalf("fresh: %+v", s)
	}
	if s.BacklogSize() != psync.MinBacklogSize {
		t.Fatalf("repl-backlog-size 100 became %d, Redis raises it to 16384", s.BacklogSize())
	}
	s.Feed([]byte("lost"))
	if s.MasterReplOffset != 0 {
		t.Fatal("the offset advanced without a backlog")
	}
	// The first replica: new id, no id2, a backlog from offset+1.
	old := s.ReplID
	s.ChangeReplID(r)
	s.ClearReplID2()
	s.CreateBacklog()
	s.Feed([]byte("*1\r\n$4\r\nping\r\n"))
	if s.ReplID == old || s.MasterReplOffset != 14 || s.Backlog.FirstByteOffset() != 1 || s.Backlog.HistLen() != 14 {
		t.Fatalf("after the first replica: %+v first %d", s, s.Backlog.FirstByteOffset())
	}
	// Promotion keeps the old history valid up to offset+1.
	id := s.ReplID
	s.ShiftReplID(r)
	if s.ReplID2 != id || s.SecondReplOffset != 15 || s.ReplID == id {
		t.Fatalf("after shift: %+v", s)
	}
	// A replica learns a new master id from +CONTINUE.
	rep := psync.NewReplState(r, 0)
	rep.FullSynced(id, 1000)
	if rep.ReplID != id || rep.MasterReplOffset != 1000 || rep.Backlog.FirstByteOffset() != 1001 || rep.SecondReplOffset != -1 {
		t.Fatalf("after full sync: %+v", rep)
	}
	rep.Feed(make([]byte, 20))
	if rep.Continued(id) || rep.Continued("") {
		t.Fatal("same id reported as a change")
	}
	if !rep.Continued(s.ReplID) || rep.ReplID != s.ReplID || rep.ReplID2 != id || rep.SecondReplOffset != 1021 {
		t.Fatalf("after +CONTINUE with a new id: %+v", rep)
	}
	// AOF psync realigns the byte offset and restarts the backlog there.
	rep.SyncReplOffset(5000)
	if rep.MasterReplOffset != 5000 || rep.Backlog.FirstByteOffset() != 5001 || rep.Backlog.HistLen() != 0 {
		t.Fatalf("after syncreploffset: %+v", rep)
	}
	// A restarted master keeps its saved history as id2; a replica as its own.
	m := psync.NewReplState(r, 0)
	m.Restore(id, 77, true)
	if m.ReplID == id || m.ReplID2 != id || m.SecondReplOffset != 78 || m.MasterReplOffset != 77 || m.Backlog.FirstByteOffset() != 78 {
		t.Fatalf("restored master: %+v", m)
	}
	rr := psync.NewReplState(r, 0)
	rr.Restore(id, 77, false)
	if rr.ReplID != id || rr.MasterReplOffset != 77 || rr.Backlog != nil {
		t.Fatalf("restored replica: %+v", rr)
	}
}

// TestExpireBacklog is repl-backlog-ttl: only a master, only without
// replicas, only once idle longer than the ttl; then a new history.
func TestExpireBacklog(t *testing.T) {
	r := &seq{}
	s := psync.NewReplState(r, 0)
	s.CreateBacklog()
	s.NoReplicas(10 * time.Second)
	ttl := time.Hour
	for _, c := range []struct {
		now      time.Duration
		master   bool
		replicas int
		ttl      time.Duration
	}{
		{now: 10*time.Second + ttl, master: true, ttl: ttl},              // not more than ttl yet
		{now: 20*time.Second + ttl, master: false, ttl: ttl},             // a replica keeps its backlog
		{now: 20*time.Second + ttl, master: true, replicas: 1, ttl: ttl}, // replicas attached
		{now: 100 * time.Hour, master: true, ttl: 0},                     // ttl 0 disables
	} {
		if s.ExpireBacklog(c.now, c.ttl, c.master, c.replicas, r) || s.Backlog == nil {
			t.Fatalf("%+v: backlog freed", c)
		}
	}
	s.ShiftReplID(r)
	id := s.ReplID
	if !s.ExpireBacklog(10*time.Second+ttl+1, ttl, true, 0, r) || s.Backlog != nil || s.ReplID == id || s.SecondReplOffset != -1 {
		t.Fatalf("idle master kept its backlog or its ids: %+v", s)
	}
}

// TestInfoMatchesRedis compares INFO replication's history fields of a
// fresh ReplState with a fresh redis-server's: same names, order and
// values (the replid aside).
func TestInfoMatchesRedis(t *testing.T) {
	srv := startRedis(t)
	theirs := infoLines(t, srv)
	ours := strings.Split(strings.TrimSuffix(string(psync.NewReplState(&seq{}, psync.DefaultBacklogSize).AppendInfo(nil)), "\r\n"), "\r\n")
	if len(ours) != 8 || len(theirs) != 8 {
		t.Fatalf("ours %q\ntheirs %q", ours, theirs)
	}
	for i := range ours {
		if i == 0 {
			ours[i], theirs[i] = ours[i][:14], theirs[i][:14] // master_replid:
		}
		if ours[i] != theirs[i] {
			t.Errorf("line %d: ours %q, redis %q", i, ours[i], theirs[i])
		}
	}
	srv.cmd(t, "CONFIG", "SET", "repl-backlog-size", "100")
	s := psync.NewReplState(&seq{}, 0)
	s.SetBacklogSize(100)
	if got := infoValue(t, s.AppendInfo(nil), "repl_backlog_size"); got != infoField(t, srv, "repl_backlog_size") {
		t.Errorf("repl-backlog-size 100: ours %s, redis %s", got, infoField(t, srv, "repl_backlog_size"))
	}
}

// infoLines returns INFO replication from master_replid on.
func infoLines(t *testing.T, srv *redisServer) []string {
	reply := string(srv.do(t, []byte("INFO"), []byte("replication")))
	i := strings.Index(reply, "master_replid:")
	return strings.Split(strings.TrimSpace(reply[i:]), "\r\n")
}

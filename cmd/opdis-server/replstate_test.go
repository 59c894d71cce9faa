package main

import (
	"context"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// restartSame stops p with SIGTERM (a clean shutdown) and starts the same
// command again: same directory, same port.
func restartSame(t *testing.T, p *proc) *proc {
	t.Helper()
	p.stop()
	np := &proc{t: t, port: p.port, addr: p.addr, stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan struct{})}
	np.cmd = exec.Command(p.cmd.Path, p.cmd.Args[1:]...)
	np.cmd.Stdout, np.cmd.Stderr = np.stdout, np.stderr
	if err := np.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { np.err = np.cmd.Wait(); close(np.exited) }()
	t.Cleanup(np.stop)
	if !np.waitReady(10 * time.Second) {
		t.Fatalf("restart of %s failed: %v\n%s", p.addr, np.err, np.stdout)
	}
	return np
}

// The replication state survives a SIGTERM restart: a restarted replica
// resumes with +CONTINUE from the backlog, a restarted master lets its
// replica CONTINUE — no AOF continue, no full sync.
func TestReplStateAcrossRestart(t *testing.T) {
	m := startOpdisIn(t, t.TempDir(), "--appendonly", "yes")
	r := startOpdisIn(t, t.TempDir(), "--appendonly", "yes", "--replicaof", "127.0.0.1", strconv.Itoa(m.port))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("m log:\n%s\nr log:\n%s", m.stdout, r.stdout)
		}
	})
	writeMissed(t, m.addr, "pre", 200<<10)
	inStep(t, m, r)
	want := func(p *proc, when string, fields map[string]int64) {
		t.Helper()
		for f, v := range fields {
			if got := statInt(t, p.addr, "stats", f); got != v {
				t.Fatalf("%s: %s %d, want %d", when, f, got, v)
			}
		}
	}
	want(m, "first sync", map[string]int64{"sync_full": 1, "sync_partial_ok": 0})

	r = restartSame(t, r)
	writeMissed(t, m.addr, "gap1-", 4<<10)
	inStep(t, m, r)
	want(m, "after the replica's restart", map[string]int64{"sync_full": 1, "sync_partial_ok": 1, "sync_aof_partial_ok": 0})

	m = restartSame(t, m)
	inStep(t, m, r)
	want(m, "after the master's restart", map[string]int64{"sync_full": 0, "sync_partial_ok": 1, "sync_aof_partial_ok": 0})
	writeMissed(t, m.addr, "post-", 4<<10)
	inStep(t, m, r)
}

// A replica of a real redis-server master resumes by +CONTINUE after a
// cut and after a SIGTERM restart, and keeps applying the stream to the
// database the master last SELECTed (Redis does not SELECT again after a
// partial resync: the replica must remember it, as Redis's cached master
// does).
func TestRedisMasterStreamDBAcrossRestart(t *testing.T) {
	ctx := context.Background()
	m := startProc(t, "redis-server", []string{"--dir", t.TempDir(), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"}, nil)
	r := startOpdisIn(t, t.TempDir(), "--appendonly", "yes", "--replicaof", "127.0.0.1", strconv.Itoa(m.port))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("r log:\n%s", r.stdout)
		}
	})
	db1 := redis.NewClient(&redis.Options{Addr: m.addr, DB: 1})
	defer db1.Close()
	mc := redis.NewClient(&redis.Options{Addr: m.addr})
	defer mc.Close()
	same := replicaInStep(t, m, r)
	db1.Set(ctx, "a", "1", 0)
	eventually(t, 15*time.Second, same)
	full := infoField(t, m.addr, "stats", "sync_full")

	mc.Do(ctx, "CLIENT", "KILL", "TYPE", "replica")
	db1.Set(ctx, "b", "2", 0)
	eventually(t, 15*time.Second, same)

	r = restartSame(t, r)
	db1.Set(ctx, "c", "3", 0)
	eventually(t, 15*time.Second, same)
	if got := infoField(t, m.addr, "stats", "sync_full"); got != full {
		t.Fatalf("sync_full %s → %s: not partial resyncs", full, got)
	}
	if got := infoField(t, m.addr, "stats", "sync_partial_ok"); got != "2" {
		t.Fatalf("sync_partial_ok %s, want 2 (the cut, the restart)", got)
	}
}

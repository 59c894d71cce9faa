package main

import (
	"os/exec"
	"strconv"
	"testing"
	"time"
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

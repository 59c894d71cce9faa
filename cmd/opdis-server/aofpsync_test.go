package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// AOF continue over real TCP: a replica stopped while its master wrote 50
// times the backlog resumes from the master's AOF files by op id.

// startOpdisIn starts opdis-server on dir (kept across restarts).
func startOpdisIn(t *testing.T, dir string, args ...string) *proc {
	t.Helper()
	return startProc(t, binPath, []string{"--dir", dir, "--save", ""}, args)
}

// writeMissed writes about n bytes of entries (SETs of 200-byte values
// and list pushes) with a pipeline.
func writeMissed(t *testing.T, addr, prefix string, n int) {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	val := strings.Repeat("x", 200)
	for done := 0; done < n; {
		p := c.Pipeline()
		for i := 0; i < 500; i++ {
			k := prefix + strconv.Itoa(done/250+i)
			if i%5 == 4 {
				p.RPush(ctx, "l"+prefix, k)
			} else {
				p.Set(ctx, k, val, 0)
			}
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		done += 500 * 250
	}
}

func statInt(t *testing.T, addr, section, field string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(infoField(t, addr, section, field), 10, 64)
	if err != nil {
		t.Fatalf("%s INFO %s %s: %v", addr, section, field, err)
	}
	return v
}

// inStep waits until replica r has master m's dataset and stream offset.
func inStep(t *testing.T, m, r *proc) {
	t.Helper()
	eventually(t, 30*time.Second, func() string {
		if st := infoField(t, r.addr, "replication", "master_link_status"); st != "up" {
			return "replica link " + st
		}
		mo, ro := infoField(t, m.addr, "replication", "master_repl_offset"), infoField(t, r.addr, "replication", "master_repl_offset")
		if mo != ro {
			return fmt.Sprintf("offsets: master %s, replica %s", mo, ro)
		}
		if mn, rn := infoField(t, m.addr, "oplog", "next_opid"), infoField(t, r.addr, "oplog", "next_opid"); mn != rn {
			return fmt.Sprintf("next_opid: master %s, replica %s", mn, rn)
		}
		if d := cmp.Diff(dataset(t, m.addr), dataset(t, r.addr)); d != "" {
			return "datasets differ (-master +replica):\n" + d
		}
		return ""
	})
}

func TestAOFContinueOverTCP(t *testing.T) {
	const backlog = 16 << 10
	mdir, rdir := t.TempDir(), t.TempDir()
	mArgs := []string{"--appendonly", "yes", "--repl-backlog-size", strconv.Itoa(backlog), "--aof-max-size", "256kb"}
	m := startOpdisIn(t, mdir, mArgs...)
	rArgs := func(master *proc) []string {
		return []string{"--appendonly", "yes", "--replicaof", "127.0.0.1", strconv.Itoa(master.port)}
	}
	r := startOpdisIn(t, rdir, rArgs(m)...)
	writeMissed(t, m.addr, "pre", 100<<10)
	inStep(t, m, r)
	if got := statInt(t, m.addr, "stats", "sync_full"); got != 1 {
		t.Fatalf("sync_full %d after the first sync", got)
	}

	// The replica stops; the master writes 50× the backlog.
	r.stop()
	writeMissed(t, m.addr, "gap1-", 50*backlog)
	start := time.Now()
	r = startOpdisIn(t, rdir, rArgs(m)...)
	inStep(t, m, r)
	took := time.Since(start)
	if got := statInt(t, m.addr, "stats", "sync_aof_partial_ok"); got != 1 {
		t.Fatalf("sync_aof_partial_ok %d, want 1 (sync_full %d)", got, statInt(t, m.addr, "stats", "sync_full"))
	}
	if got := statInt(t, m.addr, "stats", "sync_full"); got != 1 {
		t.Fatalf("sync_full went to %d", got)
	}
	// (The replica's input is the stream, plus the few commands of this test.)
	t.Logf("AOF continue after %d KiB missed: %v from the replica's start, %d bytes received", 50*backlog>>10,
		took.Round(time.Millisecond), statInt(t, r.addr, "stats", "total_net_input_bytes"))

	// Both restart: the master first, then the replica.
	r.stop()
	writeMissed(t, m.addr, "gap2-", 50*backlog)
	m.stop()
	m = startOpdisIn(t, mdir, mArgs...)
	r = startOpdisIn(t, rdir, rArgs(m)...)
	inStep(t, m, r)
	if got := statInt(t, m.addr, "stats", "sync_aof_partial_ok"); got != 1 {
		t.Fatalf("after both restarted sync_aof_partial_ok %d, want 1", got)
	}
	if got := statInt(t, m.addr, "stats", "sync_full"); got != 0 {
		t.Fatalf("after both restarted sync_full %d", got)
	}
	// And the stream goes on.
	writeMissed(t, m.addr, "post-", 10<<10)
	inStep(t, m, r)
}

package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Figures for the notes, not run by default (OPDIS_FIGURES=1; sizes in MB
// from OPDIS_FIGURES_D and OPDIS_FIGURES_N): the time and bytes to resync
// a replica that missed N MB of writes on a dataset of D MB, by AOF psync
// and by full sync, with opdis and with real Redis (which full-syncs);
// and the latency of finding an op id in the master's binlog (OPGET of
// one random entry).
func TestAOFContinueFigures(t *testing.T) {
	if os.Getenv("OPDIS_FIGURES") == "" {
		t.Skip("set OPDIS_FIGURES=1 to measure")
	}
	mb := func(env string, def int) int {
		if v, err := strconv.Atoi(os.Getenv(env)); err == nil && v > 0 {
			return v
		}
		return def
	}
	dMB, nMB := mb("OPDIS_FIGURES_D", 100), mb("OPDIS_FIGURES_N", 10)
	startTimeout = 10 * time.Minute // a replica restart loads D MB
	opdisArgs := []string{"--appendonly", "yes", "--aof-max-size", "64mb", "--opget-master-min-slaves", "0", "--repl-diskless-sync", "no"}
	m := startOpdisIn(t, t.TempDir(), opdisArgs...)
	fill(t, m.addr, "d", dMB)

	rdir := t.TempDir()
	replica := func(dir string, master *proc, extra ...string) *proc {
		return startOpdisIn(t, dir, append([]string{"--appendonly", "yes", "--replicaof", "127.0.0.1", strconv.Itoa(master.port)}, extra...)...)
	}
	start := time.Now()
	r := replica(rdir, m)
	caughtUp(t, m, r)
	t.Logf("opdis full sync of %d MB: %v, replica received %d bytes", dMB, time.Since(start).Round(time.Millisecond), statInt(t, r.addr, "stats", "total_net_input_bytes"))

	r.stop()
	fill(t, m.addr, "n", nMB)
	start = time.Now()
	r = replica(rdir, m)
	caughtUp(t, m, r)
	if got := statInt(t, m.addr, "stats", "sync_aof_partial_ok"); got != 1 {
		t.Fatalf("no AOF continue (sync_aof_partial_ok %d)", got)
	}
	t.Logf("opdis AOF continue after %d MB missed on %d MB: %v (replica start to in step), replica received %d bytes",
		nMB, dMB, time.Since(start).Round(time.Millisecond), statInt(t, r.addr, "stats", "total_net_input_bytes"))

	start = time.Now()
	r2 := replica(t.TempDir(), m)
	caughtUp(t, m, r2)
	t.Logf("opdis full sync of the same state (%d+%d MB): %v, replica received %d bytes", dMB, nMB,
		time.Since(start).Round(time.Millisecond), statInt(t, r2.addr, "stats", "total_net_input_bytes"))

	// Op-id lookups: a random entry each time, through the AOF's index.
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: m.addr})
	defer c.Close()
	last := statInt(t, m.addr, "oplog", "current_opid")
	size := statInt(t, m.addr, "persistence", "aof_current_size")
	var lat []time.Duration
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		op := 1 + rnd.Int64N(last)
		t0 := time.Now()
		v, err := c.Do(ctx, "OPGET", op, "COUNT", 1).Slice()
		lat = append(lat, time.Since(t0))
		if err != nil || len(v) != 2 {
			t.Fatalf("OPGET %d: %v %v", op, v, err)
		}
	}
	slices.Sort(lat)
	t.Logf("OPGET of a random op id among %d (AOF %d MB in %s files): median %v, p99 %v, max %v (loopback round trip included)",
		last, size>>20, infoField(t, m.addr, "persistence", "aof_inc_files"), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])

	// Real Redis: the replica that missed N MB (beyond its 1 MB backlog)
	// resyncs fully.
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not installed")
	}
	rm := startRedis(t, "--repl-diskless-sync", "no")
	fill(t, rm.addr, "d", dMB)
	redisReplica := func(dir string) *proc {
		return startProc(t, "redis-server", []string{"--dir", dir, "--save", "", "--appendonly", "no", "--bind", "127.0.0.1",
			"--replicaof", "127.0.0.1", strconv.Itoa(rm.port)}, nil)
	}
	rr := redisReplica(t.TempDir())
	caughtUp(t, rm, rr)
	rr.stop()
	fill(t, rm.addr, "n", nMB)
	out0 := statInt(t, rm.addr, "stats", "total_net_repl_output_bytes")
	start = time.Now()
	rr = redisReplica(t.TempDir())
	caughtUp(t, rm, rr)
	t.Logf("redis-server 7.0 resync after %d MB missed on %d MB (full sync): %v, master sent %d bytes", nMB, dMB,
		time.Since(start).Round(time.Millisecond), statInt(t, rm.addr, "stats", "total_net_repl_output_bytes")-out0)
}

// fill writes about mb MB of 1000-byte random strings (which an RDB
// cannot compress).
func fill(t *testing.T, addr, prefix string, mb int) {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	rnd := rand.New(rand.NewPCG(uint64(len(prefix)), uint64(mb)))
	val := make([]byte, 1000)
	for i := 0; i < mb*1000; {
		p := c.Pipeline()
		for j := 0; j < 1000; j++ {
			for k := range val {
				val[k] = byte(33 + rnd.IntN(90))
			}
			p.Set(ctx, prefix+strconv.Itoa(i), string(val), 0)
			i++
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// caughtUp waits until r's link is up at m's offset with as many keys.
func caughtUp(t *testing.T, m, r *proc) {
	t.Helper()
	eventually(t, 10*time.Minute, func() string {
		if st := infoField(t, r.addr, "replication", "master_link_status"); st != "up" {
			return "link " + st
		}
		mo, ro := infoField(t, m.addr, "replication", "master_repl_offset"), infoField(t, r.addr, "replication", "master_repl_offset")
		mk, rk := infoField(t, m.addr, "keyspace", "db0"), infoField(t, r.addr, "keyspace", "db0")
		if mo != ro || mk != rk {
			return fmt.Sprintf("master %s %s, replica %s %s", mo, mk, ro, rk)
		}
		return ""
	})
}

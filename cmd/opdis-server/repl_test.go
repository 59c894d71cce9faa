package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// Replication over real TCP.

// infoField returns one field of INFO section from addr.
func infoField(t *testing.T, addr, section, field string) string {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	info, err := c.Info(context.Background(), section).Result()
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return v
		}
	}
	return ""
}

// eventually retries check until it returns "" or the time is up.
func eventually(t *testing.T, limit time.Duration, check func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		msg := check()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// An opdis replica of a real redis-server 7.0.15 master: full sync (disk
// and diskless), the stream of writes of every type, a partial resync
// after the link is cut, and WAIT on the master counting the replica.
func TestOpdisReplicaOfRedisMaster(t *testing.T) {
	for _, diskless := range []string{"no", "yes"} {
		t.Run("diskless-"+diskless, func(t *testing.T) {
			ctx := context.Background()
			m := startProc(t, "redis-server", []string{"--dir", t.TempDir(), "--save", "", "--appendonly", "no",
				"--bind", "127.0.0.1", "--repl-diskless-sync", diskless, "--repl-diskless-sync-delay", "0"}, nil)
			populate(t, m.addr)
			r := startProc(t, binPath, []string{"--dir", t.TempDir(), "--save", "", "--appendonly", "yes"}, nil)
			if got := dial(t, r.addr).do("REPLICAOF", "127.0.0.1", strconv.Itoa(m.port)); got != `"OK"` {
				t.Fatalf("REPLICAOF: %s", got)
			}
			same := replicaInStep(t, m, r)
			eventually(t, 15*time.Second, same)

			// Writes of every type after the sync arrive by the stream.
			mc := redis.NewClient(&redis.Options{Addr: m.addr})
			defer mc.Close()
			mc.Set(ctx, "s2", "v2", 0)
			mc.Incr(ctx, "counter")
			mc.RPush(ctx, "list", "tail")
			mc.SAdd(ctx, "set", "new")
			mc.ZIncrBy(ctx, "zset", 2, "a")
			mc.HSet(ctx, "hash", "f3", "v3")
			mc.Expire(ctx, "s2", time.Hour)
			mc.Del(ctx, "str")
			tx := mc.TxPipeline()
			tx.Incr(ctx, "counter")
			tx.LPush(ctx, "list", "head")
			tx.Exec(ctx)
			eventually(t, 10*time.Second, same)
			if n, err := mc.Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
				t.Fatalf("WAIT 1 on the master: %d %v", n, err)
			}
			// The replica refuses writes.
			if got := dial(t, r.addr).do("SET", "x", "y"); !strings.HasPrefix(got, "(error) READONLY") {
				t.Fatalf("write on the replica: %s", got)
			}

			// Cut the link; the replica reconnects with a partial resync.
			full := infoField(t, m.addr, "stats", "sync_full")
			mc.Do(ctx, "CLIENT", "KILL", "TYPE", "replica")
			mc.Set(ctx, "during", "the cut", 0)
			eventually(t, 15*time.Second, same)
			if got := infoField(t, m.addr, "stats", "sync_full"); got != full {
				t.Fatalf("sync_full went from %s to %s: not a partial resync", full, got)
			}
			if got := infoField(t, m.addr, "stats", "sync_partial_ok"); got == "0" || got == "" {
				t.Fatalf("sync_partial_ok = %q after the reconnect", got)
			}
			// The replica logs the writes with op ids of its own.
			if got := infoField(t, r.addr, "persistence", "aof_last_opid"); got == "" || got == "0" {
				t.Fatalf("the replica logged no entries: aof_last_opid %q", got)
			}
		})
	}
}

// An opdis master with an opdis replica and a chained replica of that
// replica: full sync, the stream of writes of every type, the same op ids
// and entry bytes down the chain, and a partial resync after the link is
// cut.
func TestOpdisReplicationChain(t *testing.T) {
	ctx := context.Background()
	m := startProc(t, binPath, []string{"--dir", t.TempDir(), "--save", "", "--appendonly", "yes", "--repl-diskless-sync-delay", "0"}, nil)
	populate(t, m.addr)
	r1 := startProc(t, binPath, []string{"--dir", t.TempDir(), "--save", "", "--appendonly", "yes",
		"--replicaof", "127.0.0.1", strconv.Itoa(m.port), "--repl-diskless-sync-delay", "0", "--loglevel", "verbose"}, nil)
	r2 := startProc(t, binPath, []string{"--dir", t.TempDir(), "--save", "", "--appendonly", "yes",
		"--replicaof", "127.0.0.1", strconv.Itoa(r1.port), "--loglevel", "verbose"}, nil)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("r1 log:\n%s\nr2 log:\n%s", r1.stdout, r2.stdout)
		}
	})
	same := func() string {
		want := dataset(t, m.addr)
		for _, r := range []*proc{r1, r2} {
			if st := infoField(t, r.addr, "replication", "master_link_status"); st != "up" {
				return r.addr + " link " + st
			}
			if d := cmp.Diff(want, dataset(t, r.addr)); d != "" {
				name := map[*proc]string{r1: "r1", r2: "r2"}[r]
				return name + " differs (-master +replica) [offsets master " + infoField(t, m.addr, "replication", "master_repl_offset") +
					" r1 " + infoField(t, r1.addr, "replication", "master_repl_offset") + " r2 " + infoField(t, r2.addr, "replication", "master_repl_offset") + "]:\n" + d
			}
		}
		return ""
	}
	// After the writes below, every node's log ends with the same op id.
	sameOps := func() string {
		if msg := same(); msg != "" {
			return msg
		}
		if a, b, c := infoField(t, m.addr, "persistence", "aof_last_opid"), infoField(t, r1.addr, "persistence", "aof_last_opid"),
			infoField(t, r2.addr, "persistence", "aof_last_opid"); a != b || b != c {
			return "last op ids " + a + " " + b + " " + c
		}
		return ""
	}
	eventually(t, 20*time.Second, same)
	mc := redis.NewClient(&redis.Options{Addr: m.addr})
	defer mc.Close()
	for i := 0; i < 50; i++ {
		s := strconv.Itoa(i)
		mc.Set(ctx, "s"+s, s, time.Hour)
		mc.Incr(ctx, "n")
		mc.RPush(ctx, "list", s)
		mc.SAdd(ctx, "set", s)
		mc.ZAdd(ctx, "zset", redis.Z{Score: float64(i), Member: s})
		mc.HSet(ctx, "hash", "f"+s, s)
		mc.SPop(ctx, "intset")
		tx := mc.TxPipeline()
		tx.IncrByFloat(ctx, "f", 0.5)
		tx.LPop(ctx, "biglist")
		tx.Exec(ctx)
	}
	eventually(t, 20*time.Second, sameOps)
	if n, err := mc.Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT 1: %d %v", n, err)
	}
	// Cut the master's replica link: r1 comes back with a partial resync.
	partial := infoField(t, m.addr, "stats", "sync_partial_ok")
	mc.Do(ctx, "CLIENT", "KILL", "TYPE", "replica")
	mc.Set(ctx, "during", "the cut", 0)
	eventually(t, 20*time.Second, sameOps)
	if got := infoField(t, m.addr, "stats", "sync_partial_ok"); got == partial {
		t.Fatalf("no partial resync after the cut (sync_partial_ok %s)", got)
	}
	if got := infoField(t, m.addr, "stats", "sync_full"); got != "1" {
		t.Fatalf("the master did %s full syncs, want 1", got)
	}
}

// replicaInStep is an eventually check: r's link is up and its dataset
// equals m's.
func replicaInStep(t *testing.T, m, r *proc) func() string {
	return func() string {
		if st := infoField(t, r.addr, "replication", "master_link_status"); st != "up" {
			return "link " + st
		}
		if d := cmp.Diff(dataset(t, m.addr), dataset(t, r.addr)); d != "" {
			return "datasets differ (-master +replica):\n" + d
		}
		return ""
	}
}

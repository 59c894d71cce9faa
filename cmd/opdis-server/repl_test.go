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
			same := func() string {
				if st := infoField(t, r.addr, "replication", "master_link_status"); st != "up" {
					return "link " + st
				}
				if d := cmp.Diff(dataset(t, m.addr), dataset(t, r.addr)); d != "" {
					return "datasets differ (-master +replica):\n" + d
				}
				return ""
			}
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

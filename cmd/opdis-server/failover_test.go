package main

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// FAILOVER over TCP with three opdis servers: m hands over to a while
// clients write; no acknowledged write is lost, nobody full-syncs again,
// the paused writes meet -READONLY once m is a replica, and b follows a
// with a partial resync.
func TestOpdisFailover(t *testing.T) {
	ctx := context.Background()
	start := func(args ...string) *proc {
		return startProc(t, binPath, append([]string{"--dir", t.TempDir(), "--save", "", "--appendonly", "yes",
			"--repl-diskless-sync-delay", "0"}, args...), nil)
	}
	m := start()
	populate(t, m.addr)
	a := start("--replicaof", "127.0.0.1", strconv.Itoa(m.port))
	b := start("--replicaof", "127.0.0.1", strconv.Itoa(m.port))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("m log:\n%s\na log:\n%s\nb log:\n%s", m.stdout, a.stdout, b.stdout)
		}
	})
	synced := func(master *proc, reps ...*proc) func() string {
		return func() string {
			want := dataset(t, master.addr)
			for _, r := range reps {
				if st := infoField(t, r.addr, "replication", "master_link_status"); st != "up" {
					return r.addr + " link " + st
				}
				if d := cmp.Diff(want, dataset(t, r.addr)); d != "" {
					return r.addr + " differs:\n" + d
				}
			}
			return ""
		}
	}
	eventually(t, 20*time.Second, synced(m, a, b))
	fullA, fullM := infoField(t, a.addr, "stats", "sync_full"), infoField(t, m.addr, "stats", "sync_full")
	partialA := infoField(t, a.addr, "stats", "sync_partial_ok")

	// Writers: each records the writes m acknowledged, until m refuses.
	var mu sync.Mutex
	acked := map[string]string{}
	var readonly int
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			c := redis.NewClient(&redis.Options{Addr: m.addr, ReadTimeout: 10 * time.Second})
			defer c.Close()
			for i := 0; ; i++ {
				k, v := "w"+strconv.Itoa(w)+":"+strconv.Itoa(i), strconv.Itoa(i)
				err := c.Set(ctx, k, v, 0).Err()
				mu.Lock()
				if err == nil {
					acked[k] = v
				} else if strings.HasPrefix(err.Error(), "READONLY") {
					readonly++
				}
				mu.Unlock()
				if err != nil {
					if !strings.HasPrefix(err.Error(), "READONLY") {
						t.Errorf("writer %d: %v", w, err)
					}
					return
				}
			}
		}(w)
	}
	time.Sleep(200 * time.Millisecond)
	began := time.Now()
	if got := dial(t, m.addr).do("FAILOVER", "TO", "127.0.0.1", strconv.Itoa(a.port)); got != `"OK"` {
		t.Fatalf("FAILOVER: %s", got)
	}
	eventually(t, 20*time.Second, func() string {
		if st := infoField(t, m.addr, "replication", "master_failover_state"); st != "no-failover" {
			return "m master_failover_state " + st
		}
		return ""
	})
	paused := time.Since(began)
	wg.Wait()
	if r1, r2 := infoField(t, m.addr, "replication", "role"), infoField(t, a.addr, "replication", "role"); r1 != "slave" || r2 != "master" {
		t.Fatalf("roles after FAILOVER: m %s, a %s", r1, r2)
	}
	if readonly != 4 {
		t.Fatalf("%d writers met -READONLY, want 4", readonly)
	}
	eventually(t, 20*time.Second, synced(a, m))
	ac := redis.NewClient(&redis.Options{Addr: a.addr})
	defer ac.Close()
	for k, v := range acked {
		if got, err := ac.Get(ctx, k).Result(); err != nil || got != v {
			t.Fatalf("acknowledged write %s=%s is %q on the new master (%v)", k, v, got, err)
		}
	}
	t.Logf("%d writes acknowledged before the failover, all on the new master; writes paused for about %v (polled every 50 ms)",
		len(acked), paused.Round(time.Millisecond))
	if f1, f2 := infoField(t, a.addr, "stats", "sync_full"), infoField(t, m.addr, "stats", "sync_full"); f1 != fullA || f2 != fullM {
		t.Fatalf("sync_full changed: a %s→%s, m %s→%s", fullA, f1, fullM, f2)
	}
	if p := infoField(t, a.addr, "stats", "sync_partial_ok"); p == partialA {
		t.Fatalf("a accepted no partial resync from m (sync_partial_ok %s)", p)
	}
	// b follows the new master by a partial resync.
	partialA = infoField(t, a.addr, "stats", "sync_partial_ok")
	if got := dial(t, b.addr).do("REPLICAOF", "127.0.0.1", strconv.Itoa(a.port)); got != `"OK"` {
		t.Fatalf("REPLICAOF: %s", got)
	}
	ac.Set(ctx, "after", "failover", 0)
	eventually(t, 20*time.Second, synced(a, m, b))
	if p := infoField(t, a.addr, "stats", "sync_partial_ok"); p == partialA {
		t.Fatalf("b did not partially resync with a (sync_partial_ok %s)", p)
	}
	if f := infoField(t, a.addr, "stats", "sync_full"); f != fullA {
		t.Fatalf("b's move cost a full sync on a (sync_full %s→%s)", fullA, f)
	}
}

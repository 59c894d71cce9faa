package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Three opdis servers (a master and two replicas) watched by three real
// redis-sentinel 7.0 processes: writes confirmed by WAIT 2 survive the
// master's death, Sentinel promotes a replica, the other follows it with
// a partial resync, and there is no second failover.
func TestSentinelFailover(t *testing.T) {
	if _, err := exec.LookPath("redis-sentinel"); err != nil {
		t.Skip("redis-sentinel is not installed")
	}
	ctx := context.Background()
	// Each opdis gets a config file so Sentinel's CONFIG REWRITE works.
	startNode := func(extra ...string) *proc {
		dir := t.TempDir()
		conf := filepath.Join(dir, "opdis.conf")
		lines := append([]string{"appendonly yes", "save \"\"", "dir " + dir}, extra...)
		if err := os.WriteFile(conf, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return startProc(t, binPath, []string{conf}, nil)
	}
	master := startNode()
	requireCommands(t, master.addr, "psync")
	replicas := []*proc{
		startNode("replicaof 127.0.0.1 " + strconv.Itoa(master.port)),
		startNode("replicaof 127.0.0.1 " + strconv.Itoa(master.port)),
	}
	eventually(t, 15*time.Second, func() string {
		if n := infoField(t, master.addr, "replication", "connected_slaves"); n != "2" {
			return "connected_slaves " + n
		}
		return ""
	})

	var sentinels []*proc
	for i := 0; i < 3; i++ {
		dir := t.TempDir()
		conf := filepath.Join(dir, "sentinel.conf")
		os.WriteFile(conf, []byte(fmt.Sprintf("sentinel monitor mymaster 127.0.0.1 %d 2\n"+
			"sentinel down-after-milliseconds mymaster 2000\nsentinel failover-timeout mymaster 10000\n"+
			"sentinel parallel-syncs mymaster 1\ndir %s\n", master.port, dir)), 0o644)
		sentinels = append(sentinels, startProc(t, "redis-sentinel", []string{conf, "--bind", "127.0.0.1"}, nil))
	}
	sc := redis.NewSentinelClient(&redis.Options{Addr: sentinels[0].addr})
	defer sc.Close()
	eventually(t, 30*time.Second, func() string {
		m, err := sc.Master(ctx, "mymaster").Result()
		if err != nil {
			return err.Error()
		}
		if m["num-slaves"] != "2" || m["num-other-sentinels"] != "2" {
			return fmt.Sprintf("sentinel sees %s replicas, %s other sentinels", m["num-slaves"], m["num-other-sentinels"])
		}
		return ""
	})

	// Writes confirmed by both replicas.
	mc := redis.NewClient(&redis.Options{Addr: master.addr})
	confirmed := map[string]string{}
	for i := 0; i < 200; i++ {
		k, v := "k"+strconv.Itoa(i), "v"+strconv.Itoa(i)
		if err := mc.Set(ctx, k, v, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if i%20 == 19 {
			if n, err := mc.Wait(ctx, 2, 5*time.Second).Result(); err != nil || n != 2 {
				t.Fatalf("WAIT 2: %d %v", n, err)
			}
			for j := i - 19; j <= i; j++ {
				confirmed["k"+strconv.Itoa(j)] = "v" + strconv.Itoa(j)
			}
		}
	}
	mc.Close()
	fullBefore := map[string]string{}
	for _, r := range replicas {
		fullBefore[r.addr] = infoField(t, r.addr, "stats", "sync_full")
	}
	master.cmd.Process.Kill()
	<-master.exited

	// Sentinel promotes one replica; the other follows it.
	var newMaster, other *proc
	eventually(t, 60*time.Second, func() string {
		addr, err := sc.GetMasterAddrByName(ctx, "mymaster").Result()
		if err != nil {
			return err.Error()
		}
		if addr[1] == strconv.Itoa(master.port) {
			return "no failover yet"
		}
		for i, r := range replicas {
			if strconv.Itoa(r.port) == addr[1] {
				newMaster, other = r, replicas[1-i]
			}
		}
		if newMaster == nil {
			return "the new master is not one of the replicas: " + addr[1]
		}
		if role := infoField(t, newMaster.addr, "replication", "role"); role != "master" {
			return "promoted node's role is " + role
		}
		if p := infoField(t, other.addr, "replication", "master_port"); p != strconv.Itoa(newMaster.port) {
			return "the other replica follows port " + p
		}
		if st := infoField(t, other.addr, "replication", "master_link_status"); st != "up" {
			return "the other replica's link is " + st
		}
		return ""
	})
	nc := redis.NewClient(&redis.Options{Addr: newMaster.addr})
	defer nc.Close()
	for k, v := range confirmed {
		if got, err := nc.Get(ctx, k).Result(); err != nil || got != v {
			t.Fatalf("confirmed write %s=%s lost after failover: %q %v", k, v, got, err)
		}
	}
	if got := infoField(t, newMaster.addr, "stats", "sync_partial_ok"); got == "0" || got == "" {
		t.Errorf("the new master served no partial resync (sync_partial_ok %q)", got)
	}
	if got := infoField(t, newMaster.addr, "stats", "sync_full"); got != "0" {
		t.Errorf("the new master served %s full syncs", got)
	}
	// No second failover: the master stays put for a while.
	time.Sleep(3 * time.Second)
	if addr, _ := sc.GetMasterAddrByName(ctx, "mymaster").Result(); len(addr) < 2 || addr[1] != strconv.Itoa(newMaster.port) {
		var logs strings.Builder
		for i, p := range append(sentinels, replicas...) {
			fmt.Fprintf(&logs, "--- process %d (port %d):\n%s\n", i, p.port, p.stdout.String())
		}
		t.Fatalf("a second failover happened: master now %v\n%s", addr, logs.String())
	}
	if m, _ := sc.Master(ctx, "mymaster").Result(); m["config-epoch"] != "1" {
		t.Errorf("config-epoch %s, want 1 (one failover)", m["config-epoch"])
	}
}

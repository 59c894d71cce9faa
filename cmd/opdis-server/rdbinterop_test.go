package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// RDB interop with a real redis-server 7.0.15: a snapshot opdis wrote loads
// into Redis with the same dataset, and a Redis dump.rdb (every type, in
// every encoding Redis 7.0 writes) loads into opdis.

// populate writes a dataset of every type through go-redis: small values
// (listpack/intset encodings in Redis) and large ones (quicklist,
// hashtable, skiplist), long compressible strings (LZF), integers,
// expiries, and a second database.
func populate(t *testing.T, addr string) {
	t.Helper()
	ctx := context.Background()
	for db := 0; db < 2; db++ {
		c := redis.NewClient(&redis.Options{Addr: addr, DB: db})
		defer c.Close()
		p := c.Pipeline()
		p.Set(ctx, "str", "hello", 0)
		p.Set(ctx, "int", "12345", 0)
		p.Set(ctx, "neg", "-9223372036854775808", 0)
		p.Set(ctx, "long", strings.Repeat("compressible ", 100), 0)
		p.Set(ctx, "bin", "\x00\xff\r\n binary", 0)
		p.Set(ctx, "ttl", "expires", time.Hour)
		p.RPush(ctx, "list", "a", "b", "1", "2")
		p.SAdd(ctx, "intset", 1, 2, 3, -7)
		p.SAdd(ctx, "set", "x", "y", "z", "1")
		p.ZAdd(ctx, "zset", redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: -2, Member: "b"}, redis.Z{Score: 3e10, Member: "c"})
		p.HSet(ctx, "hash", "f1", "v1", "f2", "2")
		p.HSet(ctx, "hashttl", "f", "v")
		p.PExpire(ctx, "hashttl", 90*time.Minute)
		for i := 0; i < 700; i++ {
			s := strconv.Itoa(i)
			p.RPush(ctx, "biglist", "element-"+s+strings.Repeat("x", i%50))
			p.SAdd(ctx, "bigintset", i*3)
			p.SAdd(ctx, "bigset", "member-"+s)
			p.ZAdd(ctx, "bigzset", redis.Z{Score: float64(i) / 7, Member: "m" + s})
			p.HSet(ctx, "bighash", "field-"+s, s)
		}
		p.HSet(ctx, "longhash", "f", strings.Repeat("v", 100)) // value over 64 bytes: hashtable
		p.ZAdd(ctx, "longzset", redis.Z{Score: 1, Member: strings.Repeat("m", 100)})
		if db == 1 {
			p.Set(ctx, "only-in-1", "yes", 0)
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatalf("populate %s db %d: %v", addr, db, err)
		}
	}
}

// dataset reads every key of databases 0..1: type, value, and whether it
// has a TTL (rounded to the minute, so both servers agree).
func dataset(t *testing.T, addr string) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for db := 0; db < 2; db++ {
		c := redis.NewClient(&redis.Options{Addr: addr, DB: db})
		defer c.Close()
		keys, err := c.Keys(ctx, "*").Result()
		if err != nil {
			t.Fatalf("KEYS on %s: %v", addr, err)
		}
		for _, k := range keys {
			typ := c.Type(ctx, k).Val()
			var val any
			switch typ {
			case "string":
				val = c.Get(ctx, k).Val()
			case "list":
				val = c.LRange(ctx, k, 0, -1).Val()
			case "set":
				m := c.SMembers(ctx, k).Val()
				sort.Strings(m)
				val = m
			case "zset":
				val = c.ZRangeWithScores(ctx, k, 0, -1).Val()
			case "hash":
				val = c.HGetAll(ctx, k).Val()
			}
			ttl := c.PTTL(ctx, k).Val()
			out[fmt.Sprintf("%d/%s", db, k)] = fmt.Sprintf("%s %v ttl=%v", typ, val, ttl.Round(time.Minute))
		}
	}
	return out
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpdisSnapshotLoadsIntoRedis(t *testing.T) {
	if _, err := os.Stat("/usr/bin/redis-check-rdb"); err != nil {
		t.Skip("redis-check-rdb not installed")
	}
	dir := t.TempDir()
	p := startProc(t, binPath, []string{"--dir", dir, "--save", "", "--appendonly", "no"}, nil)
	populate(t, p.addr)
	want := dataset(t, p.addr)
	if r := dial(t, p.addr).do("SAVE"); r != `"OK"` {
		t.Fatalf("SAVE: %s", r)
	}
	if out, err := runCmd("redis-check-rdb", filepath.Join(dir, "dump.rdb")); err != nil || !strings.Contains(out, "RDB looks OK") {
		t.Fatalf("redis-check-rdb: %v\n%s", err, out)
	}
	rdir := t.TempDir()
	copyFile(t, filepath.Join(dir, "dump.rdb"), filepath.Join(rdir, "dump.rdb"))
	r := startProc(t, "redis-server", []string{"--dir", rdir, "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"}, nil)
	if diff := cmp.Diff(want, dataset(t, r.addr)); diff != "" {
		t.Fatalf("redis-server loaded a different dataset (-opdis +redis):\n%s", diff)
	}
}

func TestRedisDumpLoadsIntoOpdis(t *testing.T) {
	rdir := t.TempDir()
	r := startProc(t, "redis-server", []string{"--dir", rdir, "--save", "", "--appendonly", "no", "--bind", "127.0.0.1", "--rdbcompression", "yes"}, nil)
	populate(t, r.addr)
	want := dataset(t, r.addr)
	if out := dial(t, r.addr).do("SAVE"); out != `"OK"` {
		t.Fatalf("redis SAVE: %s", out)
	}
	for _, aof := range []string{"no", "yes"} {
		t.Run("appendonly-"+aof, func(t *testing.T) {
			dir := t.TempDir()
			copyFile(t, filepath.Join(rdir, "dump.rdb"), filepath.Join(dir, "dump.rdb"))
			lead := []string{"--dir", dir, "--save", "", "--appendonly", aof}
			p := startProc(t, binPath, lead, nil)
			if diff := cmp.Diff(want, dataset(t, p.addr)); diff != "" {
				t.Fatalf("opdis loaded a different dataset (-redis +opdis):\n%s", diff)
			}
			if aof == "no" {
				return
			}
			// Migrated into the binlog: a restart without dump.rdb keeps it.
			c := dial(t, p.addr)
			c.do("SET", "after", "migration")
			c.send(cmd("SHUTDOWN", "NOSAVE"))
			<-p.exited
			os.Remove(filepath.Join(dir, "dump.rdb"))
			q := startProc(t, binPath, lead, nil)
			got := dataset(t, q.addr)
			delete(got, "0/after")
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("after restart (-redis +opdis):\n%s", diff)
			}
		})
	}
}

func runCmd(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// Two opdis groups (a master and a replica each, different server-ids)
// kept in step by the opdis-sync binary in both directions, over TCP.

var serverBin, syncBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "opdis-sync-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	serverBin, syncBin = filepath.Join(dir, "opdis-server"), filepath.Join(dir, "opdis-sync")
	for _, b := range [][2]string{{serverBin, "../opdis-server"}, {syncBin, "."}} {
		build := exec.Command("go", "build", "-o", b[0], b[1])
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building", b[1], err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type logBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type proc struct {
	cmd    *exec.Cmd
	addr   string
	port   int
	out    *logBuf
	exited chan struct{}
}

func (p *proc) signal(sig syscall.Signal) {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.exited
	}
}

func start(t *testing.T, path string, args ...string) *proc {
	t.Helper()
	p := &proc{out: &logBuf{}, exited: make(chan struct{})}
	p.cmd = exec.Command(path, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() { p.signal(syscall.SIGTERM) })
	return p
}

// startServer starts opdis-server on a free loopback port.
func startServer(t *testing.T, args ...string) *proc {
	t.Helper()
	for attempt := 0; attempt < 5; attempt++ {
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		p := start(t, serverBin, append([]string{"--dir", t.TempDir(), "--save", "", "--appendonly", "yes", "--port", strconv.Itoa(port)}, args...)...)
		p.port, p.addr = port, "127.0.0.1:"+strconv.Itoa(port)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if nc, err := net.DialTimeout("tcp", p.addr, 200*time.Millisecond); err == nil {
				nc.Write([]byte("PING\r\n"))
				nc.SetReadDeadline(time.Now().Add(time.Second))
				line, _ := bufio.NewReader(nc).ReadString('\n')
				nc.Close()
				if line == "+PONG\r\n" {
					return p
				}
			}
		}
		p.signal(syscall.SIGKILL)
		if !strings.Contains(p.out.String(), "in use") {
			t.Fatalf("opdis-server did not start:\n%s", p.out)
		}
	}
	t.Fatal("no free port")
	return nil
}

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

func info(t *testing.T, addr, section, field string) string {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	s, err := c.Info(context.Background(), section).Result()
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			return v
		}
	}
	return ""
}

// dataset renders every key of db 0.
func dataset(t *testing.T, addr string) map[string]string {
	t.Helper()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatalf("KEYS on %s: %v", addr, err)
	}
	out := map[string]string{}
	for _, k := range keys {
		switch c.Type(ctx, k).Val() {
		case "string":
			out[k] = c.Get(ctx, k).Val()
		case "list":
			out[k] = strings.Join(c.LRange(ctx, k, 0, -1).Val(), ",")
		default:
			out[k] = "?"
		}
	}
	return out
}

func TestTwoWaySync(t *testing.T) {
	ctx := context.Background()
	a1 := startServer(t, "--server-id", "1001")
	a2 := startServer(t, "--server-id", "1001", "--replicaof", "127.0.0.1", strconv.Itoa(a1.port))
	b1 := startServer(t, "--server-id", "2002")
	b2 := startServer(t, "--server-id", "2002", "--replicaof", "127.0.0.1", strconv.Itoa(b1.port))
	ac := redis.NewClient(&redis.Options{Addr: a1.addr})
	bc := redis.NewClient(&redis.Options{Addr: b1.addr})
	defer ac.Close()
	defer bc.Close()

	// Writes before the tool starts are copied too.
	const n = 600
	write := func(from, to int) {
		for i := from; i < to; i++ {
			s := strconv.Itoa(i)
			ac.RPush(ctx, "from-a", s)
			ac.Incr(ctx, "both") // a counter both groups add to
			bc.RPush(ctx, "from-b", s)
			bc.Incr(ctx, "both")
			if i%50 == 0 {
				ac.Set(ctx, "a-"+s, s, 0)
				bc.Set(ctx, "b-"+s, s, 0)
			}
		}
	}
	write(0, 100)
	args := []string{"-from", a1.addr, "-to", b1.addr, "-both", "-poll", "20ms", "-count", "50"}
	tool := start(t, syncBin, args...)
	write(100, 300)
	// The tool dies in the middle of copying (no clean shutdown) and
	// comes back: it loses and repeats nothing.
	eventually(t, 20*time.Second, func() string {
		if v := bc.LLen(ctx, "from-a").Val(); v < 150 {
			return fmt.Sprintf("only %d of A's pushes reached B", v)
		}
		return ""
	})
	tool.signal(syscall.SIGKILL)
	write(300, 450)
	tool = start(t, syncBin, args...)
	write(450, n)

	want := make([]string, n)
	for i := range want {
		want[i] = strconv.Itoa(i)
	}
	all := []*proc{a1, a2, b1, b2}
	eventually(t, 60*time.Second, func() string {
		for _, p := range all {
			r := redis.NewClient(&redis.Options{Addr: p.addr})
			defer r.Close()
			for _, key := range []string{"from-a", "from-b"} {
				if got := r.LRange(ctx, key, 0, -1).Val(); !cmp.Equal(got, want) {
					return fmt.Sprintf("%s on %s: %d elements (want %d)", key, p.addr, len(got), n)
				}
			}
			if got := r.Get(ctx, "both").Val(); got != strconv.Itoa(2*n) {
				return fmt.Sprintf("both on %s = %s, want %d", p.addr, got, 2*n)
			}
		}
		return ""
	})
	ds := dataset(t, a1.addr)
	for _, p := range all[1:] {
		if d := cmp.Diff(ds, dataset(t, p.addr)); d != "" {
			t.Fatalf("%s differs from %s:\n%s", p.addr, a1.addr, d)
		}
	}
	// Nothing looped: each master logged its own writes once and the
	// other group's once.
	perSide := n*2 + n/50
	for _, p := range []*proc{a1, b1} {
		if got := info(t, p.addr, "oplog", "current_opid"); got != strconv.Itoa(2*perSide) {
			t.Fatalf("%s current_opid %s, want %d", p.addr, got, 2*perSide)
		}
	}
	// B resumes A from the op id of A's last own write it applied.
	var applied int
	if _, err := fmt.Sscanf(info(t, b1.addr, "oplog", "opapply_source_0"), "server_id=1001,applied_opid=%d", &applied); err != nil || applied < perSide || applied > 2*perSide {
		t.Fatalf("B's applied pair for A: %q", info(t, b1.addr, "oplog", "opapply_source_0"))
	}
	if got := info(t, a1.addr, "oplog", "opdel_source_0"); !strings.HasPrefix(got, "source_name=opdis-sync@"+b1.addr+",") {
		t.Fatalf("A's OPDEL source: %q", got)
	}
	tool.signal(syscall.SIGTERM)
	t.Logf("the tool's log after its restart:\n%s", tool.out)
	if out := tool.out.String(); !strings.Contains(out, "entries copied") {
		t.Fatalf("the tool's log:\n%s", out)
	}
}

// Issue 6: A's log ends with B's writes (the B→A link applied them) after
// A's last own write. The A→B link reads past them (MATCHID filters them
// out) but registers with OPDEL the op id after the last entry B applied,
// where a new session starts: a purge on A keeps them, and the link,
// killed and restarted, resumes there. Registering how far it had read
// let A purge the resume point, and the restarted link found it gone.
func TestRegistrationKeepsTheResumePoint(t *testing.T) {
	ctx := context.Background()
	opts := []string{"--opget-master-min-slaves", "0", "--aof-max-size", "1"} // a file per entry
	a := startServer(t, append([]string{"--server-id", "1001"}, opts...)...)
	b := startServer(t, append([]string{"--server-id", "2002"}, opts...)...)
	ac := redis.NewClient(&redis.Options{Addr: a.addr})
	bc := redis.NewClient(&redis.Options{Addr: b.addr})
	defer ac.Close()
	defer bc.Close()
	args := []string{"-from", a.addr, "-to", b.addr, "-both", "-poll", "20ms"}
	tool := start(t, syncBin, args...)
	ac.Set(ctx, "a", "1", 0)
	// aof-max-size splits in the cron: under load B's entries could land
	// in op id 1's file, which the purge must then keep. Split now.
	if err := ac.Do(ctx, "AOFFLUSH").Err(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, func() string {
		if bc.Get(ctx, "a").Val() != "1" {
			return "A's write did not reach B"
		}
		return ""
	})
	for i := 0; i < 20; i++ {
		bc.RPush(ctx, "from-b", strconv.Itoa(i))
	}
	eventually(t, 20*time.Second, func() string {
		if v := ac.LLen(ctx, "from-b").Val(); v != 20 {
			return fmt.Sprintf("%d of B's pushes reached A", v)
		}
		return ""
	})
	time.Sleep(500 * time.Millisecond) // the A→B link polls past B's writes on A
	var applied int64
	if _, err := fmt.Sscanf(info(t, b.addr, "oplog", "opapply_source_0"), "server_id=1001,applied_opid=%d", &applied); err != nil {
		t.Fatalf("B's applied pair for A: %q", info(t, b.addr, "oplog", "opapply_source_0"))
	}
	reg := info(t, a.addr, "oplog", "opdel_source_0")
	if want := fmt.Sprintf("source_name=opdis-sync@%s,to_del_opid=%d,", b.addr, applied+1); !strings.HasPrefix(reg, want) {
		t.Fatalf("A's OPDEL source %q, want %q… (B applied A's %d; A's current op id %s)", reg, want, applied, info(t, a.addr, "oplog", "current_opid"))
	}

	// A snapshot lets A purge, and a purge to its last op id goes as far
	// as the registration allows.
	if err := ac.BgSave(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, func() string {
		if info(t, a.addr, "persistence", "rdb_bgsave_in_progress") != "0" {
			return "BGSAVE on A did not finish"
		}
		return ""
	})
	if err := ac.Do(ctx, "PURGEAOFTO", info(t, a.addr, "oplog", "current_opid")).Err(); err != nil {
		t.Fatal(err)
	}
	if got := info(t, a.addr, "oplog", "min_valid_opid"); got != strconv.FormatInt(applied+1, 10) {
		t.Fatalf("A's oldest op id after the purge is %s, want %d (the registration; a file per entry)", got, applied+1)
	}
	tool.signal(syscall.SIGKILL)
	tool = start(t, syncBin, args...)
	ac.Set(ctx, "a", "2", 0)
	eventually(t, 20*time.Second, func() string {
		if bc.Get(ctx, "a").Val() != "2" {
			return "A's write after the restart did not reach B"
		}
		return ""
	})
	tool.signal(syscall.SIGTERM)
	if out := tool.out.String(); strings.Contains(out, "GAP") || !strings.Contains(out, "0 gaps") {
		t.Fatalf("the restarted tool's log:\n%s", out)
	}
}

package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"opdis/wire"
)

// Crash tests of the real binary: kill -9 while clients write, restart on
// the same data directory, and check what survived.

// ack is one acknowledged write: writer w's i-th SET, acknowledged at t.
type ack struct {
	i int
	t time.Time
}

// hammer runs writers that SET w<n>:<i> = i in sequence, each waiting for
// its reply, until stop is closed or the connection breaks. It returns
// each writer's acknowledged writes in order.
func hammer(addr string, writers int, stop <-chan struct{}) [][]ack {
	acks := make([][]ack, writers)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				return
			}
			defer nc.Close()
			rd := bufio.NewReader(nc)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key, val := "w"+strconv.Itoa(w)+":"+strconv.Itoa(i), strconv.Itoa(i)
				if _, err := nc.Write(wire.AppendCommand(nil, []byte("SET"), []byte(key), []byte(val))); err != nil {
					return
				}
				nc.SetReadDeadline(time.Now().Add(5 * time.Second))
				line, err := rd.ReadString('\n')
				if err != nil || line != "+OK\r\n" {
					return
				}
				acks[w] = append(acks[w], ack{i, time.Now()})
			}
		}(w)
	}
	wg.Wait()
	return acks
}

// crashRun writes for a while, kills the server with SIGKILL, restarts it
// on the same directory and returns the acks, the kill time and a client
// of the restarted server.
func crashRun(t *testing.T, dir string, args ...string) ([][]ack, time.Time, *client) {
	t.Helper()
	lead := []string{"--dir", dir, "--save", "", "--appendonly", "yes", "--aof-max-size", "64kb"}
	p := startProc(t, binPath, lead, args)
	stop := make(chan struct{})
	done := make(chan [][]ack)
	go func() { done <- hammer(p.addr, 4, stop) }()
	time.Sleep(1500 * time.Millisecond)
	p.cmd.Process.Kill() // SIGKILL: no chance to flush anything
	killed := time.Now()
	<-p.exited
	close(stop)
	acks := <-done
	q := startProc(t, binPath, lead, args)
	return acks, killed, dial(t, q.addr)
}

// With appendfsync always, every acknowledged write survives kill -9.
func TestKill9AlwaysLosesNothingAcknowledged(t *testing.T) {
	dir := t.TempDir()
	acks, _, c := crashRun(t, dir, "--appendfsync", "always")
	total := 0
	for w, as := range acks {
		total += len(as)
		for _, a := range as {
			key := "w" + strconv.Itoa(w) + ":" + strconv.Itoa(a.i)
			if got := c.do("GET", key); got != strconv.Quote(strconv.Itoa(a.i)) {
				t.Fatalf("acknowledged %s lost after kill -9: GET = %s", key, got)
			}
		}
	}
	if total < 100 {
		t.Fatalf("only %d writes acknowledged: the test proved little", total)
	}
	t.Logf("%d acknowledged writes, all present after kill -9 (files: %v)", total, dirNames(t, dir))
}

// With appendfsync everysec a kill -9 loses at most about the last second
// (Redis documents up to two), and what survives has no holes.
func TestKill9EverysecLosesAtMostLastSecond(t *testing.T) {
	dir := t.TempDir()
	acks, killed, c := crashRun(t, dir, "--appendfsync", "everysec")
	total, lost := 0, 0
	for w, as := range acks {
		total += len(as)
		missing := false
		for _, a := range as {
			key := "w" + strconv.Itoa(w) + ":" + strconv.Itoa(a.i)
			got := c.do("GET", key)
			switch {
			case got == "(nil)":
				missing = true
				lost++
				if killed.Sub(a.t) > 2*time.Second {
					t.Fatalf("%s, acknowledged %v before the kill, was lost", key, killed.Sub(a.t))
				}
			case missing:
				t.Fatalf("%s survived but an earlier write of the same client did not", key)
			case got != strconv.Quote(strconv.Itoa(a.i)):
				t.Fatalf("%s = %s", key, got)
			}
		}
	}
	if total < 100 {
		t.Fatalf("only %d writes acknowledged", total)
	}
	t.Logf("%d acknowledged writes, %d lost in the last second", total, lost)
}

// A server restarted after a clean shutdown has the same data, from the
// snapshot and the AOF after it; SHUTDOWN with appendonly no and save
// points writes dump.rdb, which the next start loads.
func TestRestartKeepsData(t *testing.T) {
	for _, mode := range []string{"yes", "no"} {
		t.Run("appendonly-"+mode, func(t *testing.T) {
			dir := t.TempDir()
			lead := []string{"--dir", dir, "--save", "3600 1", "--appendonly", mode}
			p := startProc(t, binPath, lead, nil)
			c := dial(t, p.addr)
			c.do("RPUSH", "l", "a", "b", "c")
			c.do("HSET", "h", "f", "v")
			c.do("SADD", "s", "1", "2", "x")
			c.do("ZADD", "z", "1.5", "m")
			c.do("SET", "ttl", "v", "EX", "1000")
			c.do("SELECT", "3")
			c.do("SET", "k", "in db 3")
			if mode == "yes" {
				c.do("BGSAVE")
				c.do("INCR", "n") // after the snapshot: from the AOF
			}
			c.send(cmd("SHUTDOWN"))
			<-p.exited
			q := startProc(t, binPath, lead, nil)
			d := dial(t, q.addr)
			for _, tc := range [][2]string{
				{`["a", "b", "c"]`, "LRANGE l 0 -1"},
				{`["f", "v"]`, "HGETALL h"},
				{`["1", "2", "x"]`, "SORT s ALPHA"},
				{`["m", "1.5"]`, "ZRANGE z 0 -1 WITHSCORES"},
			} {
				if got := d.do(strings.Fields(tc[1])...); got != tc[0] && !(strings.HasPrefix(tc[1], "SORT") && strings.Contains(got, "unknown")) {
					t.Errorf("%s = %s, want %s", tc[1], got, tc[0])
				}
			}
			ttl := d.do("TTL", "ttl")
			if secs, err := strconv.Atoi(strings.TrimPrefix(ttl, "(integer) ")); err != nil || secs < 990 || secs > 1000 {
				t.Errorf("TTL after restart = %s", ttl)
			}
			d.do("SELECT", "3")
			if got := d.do("GET", "k"); got != `"in db 3"` {
				t.Errorf("db 3 GET k = %s", got)
			}
			if mode == "yes" {
				if got := d.do("GET", "n"); got != `"1"` {
					t.Errorf("GET n = %s", got)
				}
			}
		})
	}
}

// Corruption in the middle of the AOF stops the start with an error that
// names the file and offset, and deletes nothing.
func TestCorruptAOFRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	lead := []string{"--dir", dir, "--save", "", "--appendonly", "yes"}
	p := startProc(t, binPath, lead, nil)
	c := dial(t, p.addr)
	for i := 0; i < 50; i++ {
		c.do("SET", "k"+strconv.Itoa(i), "value")
	}
	c.do("AOFFLUSH")
	c.do("SET", "after", "flush")
	c.send(cmd("SHUTDOWN", "NOSAVE"))
	<-p.exited
	// Damage the first AOF file with entries in it, in the middle.
	var victim string
	for _, name := range dirNames(t, dir) {
		if strings.HasSuffix(name, ".aof") {
			if st, _ := os.Stat(filepath.Join(dir, name)); st.Size() > 1000 {
				victim = name
				break
			}
		}
	}
	path := filepath.Join(dir, victim)
	data, _ := os.ReadFile(path)
	data[len(data)/2] = '*'
	data[len(data)/2+1] = 'Z'
	os.WriteFile(path, data, 0o644)
	before := dirNames(t, dir)
	port := strconv.Itoa(freePort(t))
	out, err := runServer(append(lead, "--port", port))
	if err == nil {
		t.Fatalf("started on a corrupt AOF:\n%s", out)
	}
	if !strings.Contains(out, victim) || !strings.Contains(out, "offset") {
		t.Fatalf("error does not name the file and offset:\n%s", out)
	}
	if after := dirNames(t, dir); strings.Join(before, " ") != strings.Join(after, " ") {
		t.Fatalf("files changed: %v -> %v", before, after)
	}
	if got, _ := os.ReadFile(path); string(got) != string(data) {
		t.Fatal("the corrupt file was modified")
	}
}

func runServer(args []string) (string, error) {
	cmd := exec.Command(binPath, args...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

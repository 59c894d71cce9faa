package main

import (
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"
)

// TestOutputLimitDropsStalledSubscriber: a subscriber that reads nothing
// while 32 MB are published to it is disconnected at its class's
// client-output-buffer-limit, by opdis as by redis-server; under the
// limit it stays.
func TestOutputLimitDropsStalledSubscriber(t *testing.T) {
	onOpdisAndRedis(t, func(t *testing.T, p *proc) {
		pub := dial(t, p.addr)
		for _, tc := range []struct {
			limit string
			kept  bool
		}{
			{"pubsub 32mb 8mb 60", true}, // Redis's default, and 4 MB published
			{"pubsub 1mb 0 0", false},
		} {
			if r := pub.do("CONFIG", "SET", "client-output-buffer-limit", tc.limit); r != `"OK"` {
				t.Fatalf("CONFIG SET: %s", r)
			}
			sub := dial(t, p.addr)
			sub.nc.(*net.TCPConn).SetReadBuffer(4096)
			if r := sub.do("SUBSCRIBE", "ch"); !strings.Contains(r, "subscribe") {
				t.Fatalf("SUBSCRIBE: %s", r)
			}
			msg := strings.Repeat("m", 64<<10)
			total := 64
			if !tc.kept {
				total = 512
			}
			for i := 0; i < total; i += 16 {
				pub.send(strings.Repeat(cmd("PUBLISH", "ch", msg), 16))
				for j := 0; j < 16; j++ {
					pub.reply()
				}
			}
			want := "[\"ch\", (integer) 0]"
			if tc.kept {
				want = "[\"ch\", (integer) 1]"
			}
			deadline := time.Now().Add(5 * time.Second)
			for got := pub.do("PUBSUB", "NUMSUB", "ch"); got != want; got = pub.do("PUBSUB", "NUMSUB", "ch") {
				if time.Now().After(deadline) {
					t.Fatalf("%s: PUBSUB NUMSUB ch = %s, want %s", tc.limit, got, want)
				}
				time.Sleep(10 * time.Millisecond)
			}
			sub.nc.Close()
		}
	})
}

// TestClientKillStalledClient: CLIENT KILL drops a client whose socket is
// full (it pipelined large replies and reads none) at once, its unsent
// output discarded, by opdis as by redis-server.
func TestClientKillStalledClient(t *testing.T) {
	onOpdisAndRedis(t, func(t *testing.T, p *proc) {
		admin := dial(t, p.addr)
		if r := admin.do("SET", "big", strings.Repeat("v", 1<<20)); r != `"OK"` {
			t.Fatal(r)
		}
		stalled := dial(t, p.addr)
		stalled.nc.(*net.TCPConn).SetReadBuffer(4096)
		id := strings.TrimPrefix(stalled.do("CLIENT", "ID"), "(integer) ")
		stalled.send(strings.Repeat(cmd("GET", "big"), 32))
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(admin.do("CLIENT", "LIST", "ID", id), "cmd=get") {
			if time.Now().After(deadline) {
				t.Fatal("the stalled client's GETs did not run")
			}
			time.Sleep(10 * time.Millisecond)
		}
		fds := openFDs(t, p)
		if r := admin.do("CLIENT", "KILL", "ID", id); r != "(integer) 1" {
			t.Fatalf("CLIENT KILL: %s", r)
		}
		for r := admin.do("CLIENT", "LIST", "ID", id); r != `""`; r = admin.do("CLIENT", "LIST", "ID", id) {
			if time.Now().After(deadline) {
				t.Fatalf("killed, still listed: %s", r)
			}
			time.Sleep(10 * time.Millisecond)
		}
		// The server closes its socket at once: what the kernel still
		// sends from it afterwards is not the server's to hold.
		for openFDs(t, p) >= fds {
			if time.Now().After(deadline) {
				t.Fatalf("the killed client's socket is still open in the server (%d descriptors)", openFDs(t, p))
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// openFDs counts the server process's open file descriptors.
func openFDs(t *testing.T, p *proc) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", p.cmd.Process.Pid))
	if err != nil {
		t.Skip("no /proc:", err)
	}
	return len(ents)
}

// onOpdisAndRedis runs the same test on an opdis server and on a real
// redis-server, each started for it.
func onOpdisAndRedis(t *testing.T, test func(t *testing.T, p *proc)) {
	t.Run("opdis", func(t *testing.T) { test(t, startOpdis(t, "")) })
	t.Run("redis", func(t *testing.T) { test(t, startRedis(t)) })
}

package node

import (
	"strings"
	"testing"
	"time"
)

// outLimitNode is a node with client-output-buffer-limit set to limits,
// a subscriber of "ch" that has read its subscription reply, a publisher,
// and the log lines.
func outLimitNode(t *testing.T, limits string) (tn *tnode, sub, pub int64, logs *[]string) {
	tn = newTestNode(t)
	logs = new([]string)
	tn.OnLog = func(_ LogLevel, msg string) { *logs = append(*logs, msg) }
	sub, pub = tn.connect(), tn.connect()
	tn.want(pub, `"OK"`, "CONFIG", "SET", "client-output-buffer-limit", limits)
	tn.do(sub, "SUBSCRIBE", "ch")
	return tn, sub, pub, logs
}

// publishKB publishes count messages of 1 KiB on "ch".
func publishKB(tn *tnode, pub int64, count int) {
	msg := strings.Repeat("m", 1024)
	for i := 0; i < count; i++ {
		tn.do(pub, "PUBLISH", "ch", msg)
	}
}

// dropped reports whether the server is told to close id, and checks
// that nothing of its pending output is sent.
func dropped(t *testing.T, tn *tnode, id int64) bool {
	t.Helper()
	out, closeConn := tn.TakeOutput(id, nil)
	if closeConn && len(out) > 0 {
		t.Fatalf("a dropped client still gets %d bytes", len(out))
	}
	return closeConn
}

func TestOutputLimitPubsubHard(t *testing.T) {
	tn, sub, pub, logs := outLimitNode(t, "pubsub 64kb 0 0")
	publishKB(tn, pub, 70) // 16 KiB free, then 54 KiB counted: under 64
	if dropped(t, tn, sub) {
		t.Fatal("dropped under the hard limit")
	}
	publishKB(tn, pub, 81)                                // 16 + 64 KiB and a little: over
	tn.want(pub, "(integer) 1", "PUBLISH", "ch", "after") // counted until freed, as Redis's PUBLISH
	if !dropped(t, tn, sub) {
		t.Fatal("a subscriber over the hard limit was kept")
	}
	if len(*logs) != 1 || !strings.Contains((*logs)[0], "flags=P") || !strings.HasSuffix((*logs)[0], "scheduled to be closed ASAP for overcoming of output buffer limits.") {
		t.Fatalf("log %q", *logs)
	}
	tn.want(pub, "(integer) 0", "PUBLISH", "ch", "gone")
}

func TestOutputLimitPubsubSoft(t *testing.T) {
	tn, sub, pub, _ := outLimitNode(t, "pubsub 0 32kb 2")
	publishKB(tn, pub, 60) // over the soft limit: the clock starts
	tn.advance(1500 * time.Millisecond)
	publishKB(tn, pub, 1)
	if dropped(t, tn, sub) {
		t.Fatal("dropped before the soft limit's seconds")
	}
	// Drained, the client is under the limit again: the clock restarts.
	publishKB(tn, pub, 60)
	tn.advance(1500 * time.Millisecond)
	publishKB(tn, pub, 1)
	if dropped(t, tn, sub) {
		t.Fatal("the soft limit's clock did not restart after the client caught up")
	}
	publishKB(tn, pub, 60)
	tn.advance(2500 * time.Millisecond)
	publishKB(tn, pub, 1)
	if !dropped(t, tn, sub) {
		t.Fatal("over the soft limit for longer than its seconds, and kept")
	}
}

// A normal client that pipelines large replies and reads none of them.
func TestOutputLimitNormal(t *testing.T) {
	tn := newTestNode(t)
	id, other := tn.connect(), tn.connect()
	tn.want(other, `"OK"`, "SET", "big", strings.Repeat("v", 40<<10))
	tn.TakeOutput(other, nil)
	get := "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n"
	tn.Feed(id, []byte(strings.Repeat(get, 4)))
	if dropped(t, tn, id) {
		t.Fatal("dropped with the default limits (normal: none)")
	}
	tn.want(other, `"OK"`, "CONFIG", "SET", "client-output-buffer-limit", "normal 100kb 0 0")
	tn.Feed(id, []byte(strings.Repeat(get, 2))) // 80 KiB: 64 counted
	if dropped(t, tn, id) {
		t.Fatal("dropped under the limit")
	}
	tn.Feed(id, []byte(strings.Repeat(get, 4)))
	if !dropped(t, tn, id) {
		t.Fatal("a client 160 KiB behind with a 100 KiB limit was kept")
	}
}

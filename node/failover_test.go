package node

import (
	"strings"
	"testing"
	"time"

	"opdis/wire"
)

// foCluster is a master m with replicas a and b, each announcing its name
// (the address the test dialer resolves), after some writes.
func foCluster(t *testing.T) (*tcluster, *cnode, *cnode, *cnode) {
	tc := newCluster(t)
	m := tc.add("m", "replica-announce-ip", "m")
	a := tc.add("a", "replica-announce-ip", "a")
	b := tc.add("b", "replica-announce-ip", "b")
	tc.replicaof(a, m)
	tc.replicaof(b, m)
	tc.settle(2 * time.Second)
	writeN(m, m.connect(), "k", 200, 40)
	tc.settle(2 * time.Second)
	return tc, m, a, b
}

func statInt(t *testing.T, cn *cnode, field string) string {
	t.Helper()
	return cn.stat("stats", field)
}

func TestFailoverErrors(t *testing.T) {
	tc := newCluster(t)
	m := tc.add("m", "replica-announce-ip", "m")
	a := tc.add("a", "replica-announce-ip", "a")
	id := m.connect()
	m.want(id, `(error) ERR FAILOVER requires connected replicas.`, "FAILOVER", "TO", "a", "6379")
	m.want(id, `(error) ERR No failover in progress.`, "FAILOVER", "ABORT")
	tc.replicaof(a, m)
	tc.settle(2 * time.Second)
	aid := a.connect()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"FAILOVER", "TO", "a", "port"}, "(error) " + errNotInt},
		{[]string{"FAILOVER", "TO", "ANY", "ONE", "FORCE", "TIMEOUT", "100"}, "(error) " + errNotInt},
		{[]string{"FAILOVER", "FORCE", "TIMEOUT", "100"}, "(error) ERR FAILOVER with force option requires both a timeout and target HOST and IP."},
		{[]string{"FAILOVER", "TO", "a", "6379", "FORCE"}, "(error) ERR FAILOVER with force option requires both a timeout and target HOST and IP."},
		{[]string{"FAILOVER", "TIMEOUT", "0"}, "(error) ERR FAILOVER timeout must be greater than 0"},
		{[]string{"FAILOVER", "TIMEOUT", "x"}, "(error) " + errNotInt},
		{[]string{"FAILOVER", "FORCE", "FORCE"}, "(error) ERR syntax error"},
		{[]string{"FAILOVER", "BOGUS"}, "(error) ERR syntax error"},
		{[]string{"FAILOVER", "TO", "invalidhost", "6379"}, "(error) ERR FAILOVER target HOST and PORT is not a replica."},
		{[]string{"FAILOVER", "TO", "a", "6380"}, "(error) ERR FAILOVER target HOST and PORT is not a replica."},
	} {
		m.want(id, c.want, c.args...)
	}
	a.want(aid, `(error) ERR FAILOVER is not valid when server is a replica.`, "FAILOVER")
	a.want(aid, `(error) ERR No failover in progress.`, "FAILOVER", "ABORT")

	// In progress (a has not got the last write): a second FAILOVER and
	// REPLICAOF are refused, reads run, a write waits; ABORT ends it and
	// the write runs.
	m.want(id, `"OK"`, "SET", "x", "1")
	m.want(id, `"OK"`, "FAILOVER", "TO", "a", "6379", "TIMEOUT", "60000")
	if got := m.stat("replication", "master_failover_state"); got != "waiting-for-sync" {
		t.Fatalf("master_failover_state %q", got)
	}
	m.want(id, `(error) ERR FAILOVER already in progress.`, "FAILOVER")
	m.want(id, `(error) ERR REPLICAOF not allowed while failing over.`, "REPLICAOF", "NO", "ONE")
	m.want(id, `"1"`, "GET", "x")
	w := m.connect()
	if got := m.send(w, string(wire.AppendCommand(nil, []byte("SET"), []byte("x"), []byte("2")))); len(got) != 0 {
		t.Fatalf("a write during the pause answered %v", got)
	}
	m.want(id, `"1"`, "GET", "x")
	m.want(id, `"OK"`, "FAILOVER", "ABORT")
	if got := m.stat("replication", "master_failover_state"); got != "no-failover" {
		t.Fatalf("master_failover_state %q after ABORT", got)
	}
	if got := m.replies(w); len(got) != 1 || got[0].String() != `"OK"` {
		t.Fatalf("the paused write answered %v after ABORT", got)
	}
	m.want(id, `"2"`, "GET", "x")

	// A target that never catches up: the timeout aborts, m stays master.
	m.want(id, `"OK"`, "SET", "x", "3")
	m.want(id, `"OK"`, "FAILOVER", "TO", "a", "6379", "TIMEOUT", "500")
	tc.stop(a)
	tc.settle(time.Second)
	if got := m.stat("replication", "master_failover_state"); got != "no-failover" {
		t.Fatalf("master_failover_state %q after the timeout", got)
	}
	if got := m.stat("replication", "role"); got != "master" {
		t.Fatalf("role %q after an aborted failover", got)
	}
	m.want(id, `"OK"`, "SET", "x", "4")
}

// FAILOVER TO a during writes: m pauses them, a catches up, m becomes a's
// replica by PSYNC FAILOVER with no full sync anywhere, the paused
// writes then get -READONLY, every acknowledged write is on a, and b
// follows a by a partial resync.
func TestFailoverToReplica(t *testing.T) {
	tc, m, a, b := foCluster(t)
	fullA, fullM := a.stat("stats", "sync_full"), m.stat("stats", "sync_full")
	partialA := a.stat("stats", "sync_partial_ok")
	id := m.connect()
	writeN(m, id, "w", 50, 30) // not yet replicated
	m.want(id, `"OK"`, "FAILOVER", "TO", "a", "6379")
	w := m.connect()
	if got := m.send(w, string(wire.AppendCommand(nil, []byte("SET"), []byte("late"), []byte("1")))); len(got) != 0 {
		t.Fatalf("a write during the pause answered %v", got)
	}
	tc.settle(3 * time.Second)
	if got := m.stat("replication", "master_failover_state"); got != "no-failover" {
		t.Fatalf("master_failover_state %q", got)
	}
	handedOver(t, m, a, "FAILOVER")
	got := m.replies(w)
	if len(got) != 1 || !strings.HasPrefix(got[0].String(), "(error) READONLY") {
		t.Fatalf("the paused write answered %v, want -READONLY", got)
	}
	if f1, f2 := a.stat("stats", "sync_full"), m.stat("stats", "sync_full"); f1 != fullA || f2 != fullM {
		t.Fatalf("sync_full changed: a %s→%s, m %s→%s", fullA, f1, fullM, f2)
	}
	if p := a.stat("stats", "sync_partial_ok"); p == partialA {
		t.Fatalf("a accepted no partial resync (sync_partial_ok %s)", p)
	}
	converged(t, a, m, 0)
	tc.replicaof(b, a)
	tc.settle(2 * time.Second)
	converged(t, a, b, 0)
	if f := a.stat("stats", "sync_full"); f != fullA {
		t.Fatalf("b's move to a cost a full sync (sync_full %s→%s)", fullA, f)
	}
	// The new master takes writes and both replicas follow.
	aid := a.connect()
	writeN(a, aid, "after", 40, 20)
	tc.settle(2 * time.Second)
	converged(t, a, m, 0)
	converged(t, a, b, 0)
}

// FAILOVER with no TO picks a replica that acknowledged everything.
func TestFailoverToAnyReplica(t *testing.T) {
	tc, m, a, b := foCluster(t)
	tc.stop(b) // only a can catch up
	id := m.connect()
	m.want(id, `"OK"`, "SET", "case", "1")
	m.want(id, `"OK"`, "FAILOVER")
	tc.settle(3 * time.Second)
	handedOver(t, m, a, "FAILOVER")
	converged(t, a, m, 0)
}

// FORCE fails over at the deadline to a target that never acknowledged.
func TestFailoverForce(t *testing.T) {
	tc, m, a, _ := foCluster(t)
	id := m.connect()
	tc.refuse["m"] = true // a cannot reconnect to m: it never acks the next write
	for _, l := range append([]*clink(nil), tc.links...) {
		if l.rep == a {
			tc.cut(l)
		}
	}
	m.want(id, `"OK"`, "SET", "case", "2")
	// a is no replica of m now: FAILOVER TO a is refused.
	m.want(id, `(error) ERR FAILOVER target HOST and PORT is not a replica.`, "FAILOVER", "TO", "a", "6379", "TIMEOUT", "100", "FORCE")
	delete(tc.refuse, "m")
	tc.settle(2 * time.Second)
	m.want(id, `"OK"`, "SET", "case", "3") // a has not got this yet
	m.want(id, `"OK"`, "FAILOVER", "TO", "a", "6379", "TIMEOUT", "100", "FORCE")
	tc.clock.ns += int64(200 * time.Millisecond)
	m.Tick() // the deadline passed before a acked: FORCE goes on
	if got := m.stat("replication", "master_failover_state"); got != "failover-in-progress" {
		t.Fatalf("master_failover_state %q after the deadline", got)
	}
	tc.settle(2 * time.Second)
	handedOver(t, m, a, "FAILOVER FORCE")
	converged(t, a, m, 0)
}

// A target that refuses the PSYNC FAILOVER (it was promoted meanwhile):
// the failover aborts, m is a master again (under a new replid) and the
// paused write runs there.
func TestFailoverTargetRejects(t *testing.T) {
	tc, m, a, b := foCluster(t)
	id := m.connect()
	m.want(id, `"OK"`, "FAILOVER", "TO", "a", "6379")
	w := m.connect()
	m.Feed(w, wire.AppendCommand(nil, []byte("SET"), []byte("late"), []byte("1")))
	for i := 0; i < 20 && m.fo.state != foInProgress; i++ {
		tc.clock.ns += int64(100 * time.Millisecond)
		m.Tick()
	}
	if m.fo.state != foInProgress {
		t.Fatalf("failover state %s, want in progress", m.fo.state)
	}
	a.want(a.connect(), `"OK"`, "REPLICAOF", "NO", "ONE")
	tc.settle(2 * time.Second)
	if got := m.stat("replication", "master_failover_state"); got != "no-failover" {
		t.Fatalf("master_failover_state %q", got)
	}
	if got := m.stat("replication", "role"); got != "master" {
		t.Fatalf("m's role %s after the rejected failover", got)
	}
	if got := m.replies(w); len(got) != 1 || got[0].String() != `"OK"` {
		t.Fatalf("the paused write answered %v", got)
	}
	m.want(id, `"1"`, "GET", "late")
	tc.settle(2 * time.Second)
	converged(t, m, b, 0) // b partially resyncs with m's new replid
}

// A transaction begun on the master and ended by EXEC during the pause
// is refused whole once the node is a replica (Redis 7.0's
// is_write_command covers EXEC with writes queued).
func TestFailoverPausedExec(t *testing.T) {
	tc, m, a, _ := foCluster(t)
	x := m.connect()
	m.want(x, `"OK"`, "MULTI")
	m.want(x, `"QUEUED"`, "SET", "tx", "1")
	id := m.connect()
	m.want(id, `"OK"`, "FAILOVER", "TO", "a", "6379")
	if got := m.send(x, string(wire.AppendCommand(nil, []byte("EXEC")))); len(got) != 0 {
		t.Fatalf("EXEC with a write queued answered %v during the pause", got)
	}
	tc.settle(3 * time.Second)
	got := m.replies(x)
	if len(got) != 1 || got[0].String() != "(error) EXECABORT Transaction discarded because of: READONLY You can't write against a read only replica." {
		t.Fatalf("EXEC after the failover: %v", got)
	}
	if got := a.do(a.connect(), "EXISTS", "tx").String(); got != "(integer) 0" {
		t.Fatalf("the refused transaction reached the new master: EXISTS %s", got)
	}
}

// handedOver checks that the failover named what made a the master and
// old master m its replica.
func handedOver(t *testing.T, m, a *cnode, what string) {
	t.Helper()
	if r1, r2 := m.stat("replication", "role"), a.stat("replication", "role"); r1 != "slave" || r2 != "master" {
		t.Fatalf("roles after %s: m %s, a %s", what, r1, r2)
	}
}

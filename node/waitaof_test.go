package node

import (
	"testing"
	"time"

	"opdis/wire"
)

func TestWaitAOFErrors(t *testing.T) {
	tn := newTestNode(t) // no AOF
	id := tn.connect()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"WAITAOF", "2", "0", "0"}, "(error) ERR value is out of range, value must between 0 and 1"},
		{[]string{"WAITAOF", "-1", "0", "0"}, "(error) ERR value is out of range, value must between 0 and 1"},
		{[]string{"WAITAOF", "x", "0", "0"}, "(error) " + errNotInt},
		{[]string{"WAITAOF", "0", "-1", "0"}, "(error) ERR value is out of range, must be positive"},
		{[]string{"WAITAOF", "0", "0", "-1"}, "(error) ERR timeout is negative"},
		{[]string{"WAITAOF", "0", "0", "x"}, "(error) ERR timeout is not an integer or out of range"},
		{[]string{"WAITAOF", "1", "0", "0"}, "(error) ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled."},
		{[]string{"WAITAOF", "0", "0"}, "(error) ERR wrong number of arguments for 'waitaof' command"},
		{[]string{"WAITAOF", "0", "0", "0"}, "[(integer) 0, (integer) 0]"},
		{[]string{"WAITAOF", "0", "1", "10"}, "[(integer) 0, (integer) 0]"}, // no replicas: answers at once inside… the timeout below
	} {
		if c.args[2] == "1" {
			// Blocks until the timeout with no replica.
			tn.Feed(id, wire.AppendCommand(nil, bytesArgs(c.args)...))
			tn.advance(20 * time.Millisecond)
			got := tn.replies(id)
			if len(got) != 1 || got[0].String() != c.want {
				t.Errorf("%q = %v, want %s", c.args, got, c.want)
			}
			continue
		}
		tn.want(id, c.want, c.args...)
	}
}

func bytesArgs(args []string) [][]byte {
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	return bs
}

// WAITAOF on a master with an AOF and two replicas, one with an AOF (it
// reports FACK) and one without: the local fsync and the first replica's
// count, within a second (appendfsync everysec); the second never does.
func TestWaitAOF(t *testing.T) {
	tc := newCluster(t)
	m := tc.add("m")
	r := tc.add("r")
	q := tc.add("q", "appendonly", "no")
	tc.replicaof(r, m)
	tc.replicaof(q, m)
	tc.settle(2 * time.Second)
	r.want(r.connect(), "(error) ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are just local and are not propagated.", "WAITAOF", "0", "0", "0")

	id := m.connect()
	m.want(id, `"OK"`, "SET", "k", "v")
	m.Feed(id, wire.AppendCommand(nil, bytesArgs([]string{"WAITAOF", "1", "1", "0"})...))
	if got := m.replies(id); len(got) != 0 {
		t.Fatalf("WAITAOF 1 1 answered %v before any fsync", got)
	}
	tc.settle(2 * time.Second)
	if got := m.replies(id); len(got) != 1 || got[0].String() != "[(integer) 1, (integer) 1]" {
		t.Fatalf("WAITAOF 1 1 = %v, want [1, 1]", got)
	}
	// Only r has an AOF: 2 replicas never fsync; the timeout answers.
	m.want(id, `"OK"`, "SET", "k", "w")
	m.Feed(id, wire.AppendCommand(nil, bytesArgs([]string{"WAITAOF", "0", "2", "3000"})...))
	tc.settle(4 * time.Second)
	if got := m.replies(id); len(got) != 1 || got[0].String() != "[(integer) 1, (integer) 1]" {
		t.Fatalf("WAITAOF 0 2 3000 = %v, want [1, 1] at the timeout", got)
	}
	// Everything is fsynced already: no wait.
	m.want(id, "[(integer) 1, (integer) 1]", "WAITAOF", "1", "1", "0")
	// WAIT still counts both.
	m.want(id, "(integer) 2", "WAIT", "2", "0")
}

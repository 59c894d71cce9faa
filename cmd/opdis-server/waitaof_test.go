package main

import (
	"strconv"
	"testing"
)

// WAITAOF over TCP: an opdis master and an opdis replica, both with an
// AOF under appendfsync everysec; the replica reports FACK.
func TestWaitAOFOverTCP(t *testing.T) {
	m := startOpdisIn(t, t.TempDir(), "--appendonly", "yes")
	r := startOpdisIn(t, t.TempDir(), "--appendonly", "yes", "--replicaof", "127.0.0.1", strconv.Itoa(m.port))
	inStep(t, m, r)
	c := dial(t, m.addr)
	if got := c.do("SET", "k", "v"); got != `"OK"` {
		t.Fatal(got)
	}
	if got := c.do("WAITAOF", "1", "1", "5000"); got != "[(integer) 1, (integer) 1]" {
		t.Fatalf("WAITAOF 1 1 5000 = %s", got)
	}
	if got := c.do("WAITAOF", "0", "2", "300"); got != "[(integer) 1, (integer) 1]" {
		t.Fatalf("WAITAOF 0 2 300 = %s", got)
	}
	if got := dial(t, r.addr).do("WAITAOF", "0", "0", "0"); got != "(error) ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are just local and are not propagated." {
		t.Fatalf("WAITAOF on the replica: %s", got)
	}
}

package node

import (
	"testing"
	"time"

	"opdis/aofbinlog"
)

// A replica restarted cleanly resumes by +CONTINUE from its master's
// backlog (not an AOF continue, not a full sync); a master restarted
// cleanly lets its replica CONTINUE; a state file that does not match the
// data loaded is ignored (AOF continue, as before).
func TestReplStateSurvivesRestart(t *testing.T) {
	tc := newCluster(t)
	m := tc.add("m")
	r := tc.add("r")
	tc.replicaof(r, m)
	tc.settle(2 * time.Second)
	id := m.connect()
	writeN(m, id, "a", 100, 30)
	tc.settle(2 * time.Second)
	converged(t, m, r, 1)

	// 1. The replica restarts; the master wrote a little meanwhile.
	tc.stop(r)
	writeN(m, id, "b", 20, 30)
	tc.restart(r, "replicaof", "m 6379")
	tc.settle(2 * time.Second)
	for field, want := range map[string]string{"sync_partial_ok": "1", "sync_aof_partial_ok": "0", "sync_full": "1"} {
		if got := m.stat("stats", field); got != want {
			t.Fatalf("after the replica's restart %s %s, want %s", field, got, want)
		}
	}
	converged(t, m, r, 1)
	if _, err := r.fs.Stat(replStateFile); !aofbinlog.IsNotExist(err) {
		t.Fatalf("%s outlived the start it was written for (%v)", replStateFile, err)
	}

	// 2. The master restarts: the replica CONTINUEs from the recreated
	// (empty) backlog at the restored offset.
	off := m.repl.ids.MasterReplOffset
	tc.stop(m)
	tc.restart(m)
	if got := m.repl.ids.MasterReplOffset; got != off {
		t.Fatalf("the restarted master's offset is %d, want %d", got, off)
	}
	tc.settle(3 * time.Second)
	for field, want := range map[string]string{"sync_partial_ok": "1", "sync_aof_partial_ok": "0", "sync_full": "0"} {
		if got := m.stat("stats", field); got != want {
			t.Fatalf("after the master's restart %s %s, want %s", field, got, want)
		}
	}
	id = m.connect()
	writeN(m, id, "c", 20, 30)
	tc.settle(2 * time.Second)
	converged(t, m, r, 1)

	// 3. A state file that does not describe the data is not used.
	tc.stop(r)
	writeN(m, id, "d", 10, 30)
	s := savedRepl{replID: m.repl.ids.ReplID, offset: m.repl.ids.MasterReplOffset, nextOpID: m.NextOpID(), lastEpoch: m.op.lastEpoch}
	if err := aofbinlog.WriteFileAtomic(r.fs, replStateFile, s.encode()); err != nil {
		t.Fatal(err)
	}
	tc.restart(r)
	tc.settle(2 * time.Second)
	if got := m.stat("stats", "sync_aof_partial_ok"); got != "1" {
		t.Fatalf("with a mismatched state file sync_aof_partial_ok %s, want 1 (partial_ok %s, full %s)", got, m.stat("stats", "sync_partial_ok"), m.stat("stats", "sync_full"))
	}
	converged(t, m, r, 1)
}

func TestSavedReplDecode(t *testing.T) {
	s := savedRepl{replID: "0123456789012345678901234567890123456789", offset: 7, nextOpID: 9, lastEpoch: 3, epoch: 5, masterOpdis: true, streamDB: 2}
	got, err := decodeSavedRepl(s.encode())
	if err != nil || got != s {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	for _, bad := range []string{"", "replid x\n", "replid 0123456789012345678901234567890123456789\noffset 1\n", "offset x"} {
		if _, err := decodeSavedRepl([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

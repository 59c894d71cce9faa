package node

import (
	"testing"
	"time"
)

// OnPsync sees each decision with what the replica asked: the first sync
// is a full one, a replica that missed far more than the backlog resumes
// with AOFCONTINUE from its next op id and last epoch.
func TestOnPsyncEvents(t *testing.T) {
	tc := newCluster(t)
	m := tc.add("m", "repl-backlog-size", backlog16k, "aof-max-size", "64kb")
	var evs []PsyncEvent
	m.OnPsync(func(ev PsyncEvent) { evs = append(evs, ev) })
	r := tc.add("r", "repl-backlog-size", backlog16k, "aof-max-size", "64kb")
	tc.replicaof(r, m)
	writeN(m, m.connect(), "pre", 300, 100)
	tc.settle(2 * time.Second)
	if len(evs) != 1 || evs[0].Kind != "fullresync" || !evs[0].Request.Opdis {
		t.Fatalf("first sync: events %+v, want one opdis fullresync", evs)
	}

	tc.cutAll(r)
	missed(m, "gap-")
	next, epoch := r.NextOpID(), r.op.lastEpoch
	tc.settle(2 * time.Second)
	if len(evs) != 2 {
		t.Fatalf("after the outage: %d events, want 2", len(evs))
	}
	ev := evs[1]
	if ev.Kind != "aofcontinue" || ev.Request.NextOpID != next || ev.Request.LastEpoch != epoch {
		t.Fatalf("resume: %+v, want aofcontinue from next_opid %d epoch %d", ev, next, epoch)
	}
	if !ev.AOFPsyncState || !ev.AOFOpen || ev.NextOpID != m.NextOpID() || ev.LastEpoch != m.op.lastEpoch {
		t.Fatalf("master state in %+v", ev)
	}
}

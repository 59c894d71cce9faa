package sim

import (
	"testing"
	"time"

	"opdis/sim/cluster"
	"opdis/wire"
)

// Seed 34382: a master that lost its last entry (appendfsync everysec,
// a power loss here, a failed fsync in the seed) reuses its op id for a
// new write. Its direct replica n2 finds the histories diverged and full
// syncs; n3, chained behind n2, holds the lost entry at the same op id
// and stays linked until n2's full sync drops it. The liveness phase
// must wait for n3's own full sync before C2 compares datasets: equal op
// ids and a link that is up do not make a replica converged.
func TestConvergedWaitsForAChainedReplicaBehindAFullSync(t *testing.T) {
	r, step := quietRunner(t, false, "nodes=3", "fsync=everysec")
	set := func(i int, value string) {
		t.Helper()
		ok, sent := false, false
		step("SET "+value, 2*time.Second, func() bool {
			if !sent {
				sent = true
				r.adminCall(i, func(v wire.Value, err error) {
					ok = err == nil && v.Kind != wire.Error
					sent = ok // a broken connection or a refusal: send again
				}, "SET", "{s1g1}a", value)
			}
			return ok
		})
	}
	n1, n2, n3 := r.c.Node(0), r.c.Node(1), r.c.Node(2)
	step("the first sync", 5*time.Second, r.converged)
	r.chain(2, 1) // n3 follows n2
	step("n3's sync with n2", 5*time.Second, r.converged)

	set(0, "lost")
	step("the replicas applying the write", 2*time.Second, func() bool {
		return n3.Node().NextOpID() == 2 && n2.Node().NextOpID() == 2
	})
	n1.Crash(cluster.PowerLoss) // before everysec fsynced the entry
	if err := n1.Restart(); err != nil {
		t.Fatal(err)
	}
	if got := n1.Node().NextOpID(); got != 1 {
		t.Fatalf("n1 restarted at next op id %d, want 1 (the entry lost)", got)
	}
	set(0, "kept") // op id 1 again, another epoch

	r.l.RunUntilDone(r.l.Now()+10*time.Second, r.converged)
	var res Result
	r.checkConvergence(&res)
	r.checkPrefix(&res)
	if res.Failed() {
		t.Fatalf("@%v: %v", r.l.Now(), res.Failures)
	}
	syncs := 0
	for _, e := range r.c.Events() {
		if e.Node == n3.Name && e.At > 0 && e.What == "full sync loaded up to op id 1" {
			syncs++
		}
	}
	if syncs == 0 {
		t.Fatalf("n3 never full-synced the master's new history: %v", r.c.Events())
	}
}

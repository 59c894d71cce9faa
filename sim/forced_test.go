package sim

import (
	"strings"
	"testing"
	"time"
)

// A master cut off from its replicas keeps taking writes until the
// controller notices and promotes a replica: those writes are its
// divergent tail. When the partition heals it is repointed, and the epoch
// rule must make it full-sync (issue 6); C1 (under the WAIT rule), C2, C3
// and C6 hold.
func TestForcedFailoverDivergentTailFullSyncs(t *testing.T) {
	tails := 0
	for seed := uint64(1); seed <= 12; seed++ {
		o := Draw(seed)
		if err := o.Apply([]string{"nodes=3", "replicas=true", "duration=5s", "ops=1500", "failover=0", "forced-failover=0",
			"kill=0", "power-loss=0", "midop-crash=0", "partition=0", "disk-fault=0", "chain=0", "repl-sync-delay=0"}); err != nil {
			t.Fatal(err)
		}
		sched := []Fault{{At: 2 * time.Second, Kind: ForcedFailover, Peer: -1, Mode: 2, Arg: 300, Dur: time.Second}}
		res := RunChecked(o, sched, true)
		if res.Failed() {
			t.Fatalf("seed %d: %v", seed, res.Failures)
		}
		if res.Stats.ForcedFailovers != 1 {
			t.Fatalf("seed %d: %d forced failovers, want 1", seed, res.Stats.ForcedFailovers)
		}
		if res.Stats.DivergentTails == 0 {
			continue
		}
		tails++
		synced := false
		for _, e := range res.Cluster.Events() {
			if e.Node == "n1" && e.At > sched[0].At && strings.HasPrefix(e.What, "full sync loaded") {
				synced = true
			}
		}
		if !synced {
			t.Errorf("seed %d: the deposed master n1 had a divergent tail and never full-synced: %v", seed, res.Cluster.Events())
		}
	}
	if tails == 0 {
		t.Fatal("no run left the deposed master a divergent tail")
	}
	t.Logf("%d of 12 runs left a divergent tail; each ended in a full sync", tails)
}

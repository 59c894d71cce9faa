package sim

import (
	"strings"
	"testing"
	"time"

	"opdis/model"
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

// Seed 27672: the master came back from a power loss without entries it
// had while its only replica was down, so its dataset was recorded as a
// restore (onUp), pinning writes no replica had confirmed. The master
// died again and the controller promoted the replica, back up but still
// at the op id it had before it went down: the restored writes were gone
// (C1). A node behind the latest restore is not promoted. (The schedule:
// the replica is killed, so it comes back with what it had; the master's
// first power loss ends the clients' WAITAOF waits so they write again,
// its second loses some of those writes. Without the fix 11 of the 40
// runs fail C1.)
func TestForcedFailoverWaitsForTheRestore(t *testing.T) {
	restores := 0
	for seed := uint64(1); seed <= 40; seed++ {
		o := Draw(seed)
		if err := o.Apply([]string{"nodes=2", "replicas=true", "fsync=everysec", "duration=5s", "ops=3000", "clients=8",
			"failover=0", "forced-failover=0", "kill=0", "power-loss=0", "midop-crash=0", "partition=0", "clog=0",
			"reset=0", "disk-fault=0", "clock-fault=0", "snapshot=0", "aofflush=0", "purge=0", "chain=0",
			"repl-outage=0", "psync-race=0", "repl-sync-delay=0"}); err != nil {
			t.Fatal(err)
		}
		sched := []Fault{
			{At: time.Second, Kind: Kill, Node: 1, Peer: -1, Dur: 2 * time.Second},                                   // the replica, until 3s, losing nothing
			{At: 1300 * time.Millisecond, Kind: PowerLoss, Node: 0, Peer: -1, Mode: 1, Dur: 100 * time.Millisecond},  // the master: the clients write again
			{At: 1800 * time.Millisecond, Kind: PowerLoss, Node: 0, Peer: -1, Mode: 1, Dur: 100 * time.Millisecond},  // nobody to promote: a restore
			{At: 2500 * time.Millisecond, Kind: PowerLoss, Node: 0, Peer: -1, Mode: 1, Dur: 1500 * time.Millisecond}, // down until 4s
			{At: 3200 * time.Millisecond, Kind: ForcedFailover, Peer: -1, Mode: 2, Arg: 100, Dur: time.Second},       // promote at 3.3s
		}
		res := RunChecked(o, sched, false)
		if res.Failed() {
			t.Errorf("seed %d: %v", seed, res.Failures)
		}
		for _, op := range res.History {
			if op.Input.(model.Input).Kind == model.Restore {
				restores++
				break
			}
		}
	}
	if restores == 0 {
		t.Fatal("no run recorded a restore")
	}
	t.Logf("%d of 40 runs recorded a restore", restores)
}

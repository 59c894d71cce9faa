package sim

import (
	"strings"
	"testing"
	"time"
)

// With the AOF psync options on — the least backlog, replicas away for
// seconds, races on every AOF continue — replicas resume from the AOF,
// every full sync is one C4 accepts, and C1–C6 hold.
func TestAOFPsyncCommon(t *testing.T) {
	total := Stats{}
	for seed := uint64(1); seed <= 6; seed++ {
		o := Draw(seed)
		if err := o.Apply([]string{"nodes=3", "replicas=true", "repl-backlog=16kb", "aof-max-size=256",
			"repl-outage=0.4", "psync-race=0.7", "aof-psync-off=false"}); err != nil {
			t.Fatal(err)
		}
		res := RunChecked(o, nil, seed == 1)
		if res.Failed() {
			t.Fatalf("%s: %v", o.Repro(), res.Failures)
		}
		total.Add(res.Stats)
	}
	p := total.Psync
	if p.AOFContinue == 0 || p.AOFContinue < p.Continue {
		t.Fatalf("AOF continues are not common: %v", p)
	}
	t.Logf("%v", p)
}

// C4 names a needless full sync: with aof-psync-state off a replica past
// the backlog gets FULLRESYNC, which is excused, and counted as such.
func TestC4ExcusesAOFPsyncOff(t *testing.T) {
	o := Draw(3)
	if err := o.Apply([]string{"nodes=3", "replicas=true", "repl-backlog=16kb", "repl-outage=0.5", "aof-psync-off=true"}); err != nil {
		t.Fatal(err)
	}
	res := RunChecked(o, nil, false)
	if res.Failed() {
		t.Fatalf("%s: %v", o.Repro(), res.Failures)
	}
	p := res.Stats.Psync
	if p.AOFContinue != 0 || p.Excused[excAOFPsyncOff] == 0 {
		t.Fatalf("%s: %v", o.Repro(), p)
	}
	if !strings.Contains(p.String(), "excused aof-psync off") {
		t.Fatalf("the excuse is not named: %v", p)
	}
}

// Two groups synced both ways by consumers through kills, power losses,
// partitions and purges (tiny AOF files, aof-keep-size and PURGEAOFTO):
// both converge to one dataset, nothing loops, the consumers resumed after
// broken sessions, and no purge took what a consumer had still to copy.
func TestGroups2Converge(t *testing.T) {
	total := Stats{}
	for seed := uint64(1); seed <= 6; seed++ {
		o := Draw(seed)
		if err := o.Apply([]string{"nodes=" + string(rune('2'+seed%4)), "replicas=false", "groups2=true",
			"fsync=always", "aof-max-size=256", "aof-keep-size=256", "purge=0.5"}); err != nil {
			t.Fatal(err)
		}
		res := RunChecked(o, nil, seed == 1)
		if res.Failed() {
			t.Fatalf("%s: %v", o.Repro(), res.Failures)
		}
		total.Add(res.Stats)
	}
	g := total.Groups2
	if g.Copied == 0 || g.Failures == 0 || g.LogsRead != 6 || g.Gaps != 0 || total.Purged == 0 {
		t.Fatalf("the consumers did not work through failures: %+v", g)
	}
	t.Logf("%+v", g)
}

// A consumer that starts after its source purged entries it had to copy
// finds a gap: the groups cannot converge, and the run says so by name
// (Gaps, Excused) instead of failing the dataset comparison.
func TestGroups2GapBeforeTheFirstRegistration(t *testing.T) {
	consumersLate = 3 * time.Second
	defer func() { consumersLate = 0 }()
	o := Draw(1)
	if err := o.Apply([]string{"nodes=2", "replicas=false", "groups2=true", "fsync=always", "aof-max-size=64",
		"aof-keep-size=256", "purge=0.5", "auto-snapshot=512", "kill=0", "power-loss=0", "midop-crash=0", "disk-fault=0"}); err != nil {
		t.Fatal(err)
	}
	res := RunChecked(o, nil, true)
	if res.Failed() {
		t.Fatalf("%s: %v", o.Repro(), res.Failures)
	}
	if g := res.Stats.Groups2; g.Gaps == 0 || g.Excused != 1 || g.Counted != 0 {
		t.Fatalf("%s: no gap found and excused: %+v (purged %d files)", o.Repro(), g, res.Stats.Purged)
	}
	t.Logf("%+v", res.Stats.Groups2)
}

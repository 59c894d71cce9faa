//go:build simbugs

package sim

import (
	"testing"
)

// TestChecksCatchBugs proves the checks can fail: with each deliberate
// fault site of the node switched on (node/bugs_simbugs.go, firing
// rarely), a sweep of 200 seeds must report failures. It logs how many
// seeds each check caught, the harness's sensitivity. Run with
// -tags simbugs.
func TestChecksCatchBugs(t *testing.T) {
	for _, bug := range []struct {
		site      string
		rate      string
		overrides []string
	}{
		// Replies leave before the fsync: only appendfsync always promises
		// otherwise, and only a power loss soon after shows it.
		{"ack-before-fsync", "0.1", []string{"fsync=always"}},
		// An entry never reaches the AOF: a restart loads a dataset the
		// node never had.
		{"lose-aof-entry", "0.01", nil},
		// SET replies OK and stores nothing: a later read tells.
		{"lost-write", "0.002", nil},
	} {
		t.Run(bug.site, func(t *testing.T) {
			first, caught := 0, map[string]int{}
			for seed := uint64(1); seed <= 200; seed++ {
				o := Draw(seed)
				if err := o.Apply(append(bug.overrides, "bug="+bug.site, "bug-rate="+bug.rate)); err != nil {
					t.Fatal(err)
				}
				res := Run(o, Config{})
				seen := map[string]bool{}
				for _, f := range res.Failures {
					if !seen[f.Check] {
						seen[f.Check] = true
						caught[f.Check]++
					}
				}
				if res.Failed() && first == 0 {
					first = int(seed)
					t.Logf("first caught by seed %d: %s\n  %s", seed, o.Repro(), res.Failures[0])
				}
			}
			t.Logf("seeds (of 200) failing each check: %v", caught)
			if first == 0 {
				t.Errorf("%s: 200 seeds and no check failed", bug.site)
			}
		})
	}
}

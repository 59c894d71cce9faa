package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// rapidRun draws a small run whose fault schedule is rapid's, not the
// seed's: shrinking then removes faults and moves the rest toward time
// zero, node 1, the first mode, until a failing schedule is minimal.
// The workload still comes from a seed, but from a handful of them.
func rapidRun(t *rapid.T, extra ...string) (Options, []Fault) {
	o := Draw(rapid.Uint64Range(1, 4).Draw(t, "seed"))
	o.Duration = 3 * time.Second
	o.Ops = 300
	if err := o.Apply(append([]string{
		"nodes=" + fmt.Sprint(rapid.IntRange(1, 3).Draw(t, "nodes")),
		"fsync=" + rapid.SampledFrom([]string{"always", "everysec", "no"}).Draw(t, "fsync"),
		"aof-max-size=" + rapid.SampledFrom([]string{"64", "1kb", "64kb"}).Draw(t, "aof-max-size"),
	}, extra...)); err != nil {
		t.Fatal(err)
	}
	// A slice generator, so shrinking can delete any one fault, not only
	// the last ones.
	fault := rapid.Custom(func(t *rapid.T) Fault {
		return Fault{
			At:   time.Duration(rapid.Int64Range(0, int64(o.Duration)-1).Draw(t, "at")),
			Kind: Kind(rapid.IntRange(0, int(numKinds)-1).Draw(t, "kind")),
			Node: rapid.IntRange(0, o.Nodes-1).Draw(t, "node"),
			Peer: rapid.IntRange(-1, o.ClientsPerNode-1).Draw(t, "peer"),
			Mode: rapid.IntRange(0, 7).Draw(t, "mode"),
			Arg:  rapid.Int64Range(1, 30).Draw(t, "arg"),
			Dur:  time.Duration(rapid.Int64Range(0, int64(time.Second)).Draw(t, "dur")),
		}
	})
	sched := rapid.SliceOfN(fault, 0, 12).Draw(t, "schedule")
	return o, sched
}

func describe(o Options, sched []Fault, res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "options: %s\nschedule (%d faults):\n", o, len(sched))
	for _, f := range sched {
		fmt.Fprintf(&b, "  %s\n", f)
	}
	for _, f := range res.Failures {
		fmt.Fprintf(&b, "%s\n", f)
	}
	return b.String()
}

// fail fails a rapid case. The message names only the first failed
// check: rapid accepts a shrink only if the message stays the same, so
// the details (which change with the schedule) go to the log, which rapid
// prints for the minimal case.
func fail(t *rapid.T, o Options, sched []Fault, res *Result) {
	t.Log(describe(o, sched, res))
	t.Fatalf("check %s failed", res.Failures[0].Check)
}

// TestRapidFaultSchedules: every check holds under any fault schedule.
// A failure shrinks to a minimal schedule, and rapid keeps it under
// testdata/rapid/TestRapidFaultSchedules, replayed by every later run.
func TestRapidFaultSchedules(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		o, sched := rapidRun(t)
		if res := RunChecked(o, sched, false); res.Failed() {
			fail(t, o, sched, res)
		}
	})
}

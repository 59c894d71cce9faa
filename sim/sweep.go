package sim

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"opdis/sim/trace"
)

// RunChecked runs o with every check, and with twice also C6: a second
// run (no porcupine) must give the same trace hash. On a mismatch both
// runs are repeated to name the first event where they part.
func RunChecked(o Options, sched []Fault, twice bool) *Result {
	res := Run(o, Config{Schedule: sched, CheckTimeout: CheckTimeout})
	if !twice {
		return res
	}
	again := trace.New(trace.Options{})
	Run(o, Config{Schedule: sched, Trace: again, NoCheck: true})
	if again.Sum() != res.TraceSum {
		err := trace.CheckDeterminism(func(tr *trace.Trace) { Run(o, Config{Schedule: sched, Trace: tr, NoCheck: true}) })
		if err == nil {
			err = fmt.Errorf("trace sums %016x and %016x differ, but not when the runs were repeated", res.TraceSum, again.Sum())
		}
		res.Failures = append(res.Failures, Failure{"C6", err.Error()})
	}
	return res
}

// CheckTimeout bounds porcupine in RunChecked and sweeps.
const CheckTimeout = 60 * time.Second // porcupine on one seed's history takes milliseconds

// SweepConfig describes a sweep of seeds.
type SweepConfig struct {
	From, To  uint64   // seeds From..To inclusive
	Overrides []string // applied to every seed's drawn options ("name=value")
	Workers   int      // parallel runs; 0: GOMAXPROCS
	Twice     bool     // C6: run every seed twice
	// OnResult, if set, sees each result as it comes (from one goroutine
	// at a time, in completion order), with the seeds done and failed so
	// far.
	OnResult func(res *Result, done, failed int)
}

// SweepResult sums up a sweep.
type SweepResult struct {
	Seeds    int
	Failed   []*Result // in seed order
	Stats    Stats
	SimTime  float64 // simulated seconds, all seeds
	Events   uint64
	Coverage map[string]int // seeds in which a rare path was reached
}

// Sweep runs every seed of sc. Passing results are dropped as they come
// (only their statistics are kept); failing ones are returned whole.
func Sweep(sc SweepConfig) (*SweepResult, error) {
	if sc.To < sc.From {
		return nil, fmt.Errorf("sim: empty seed range %d..%d", sc.From, sc.To)
	}
	probe := Draw(sc.From)
	if err := probe.Apply(sc.Overrides); err != nil {
		return nil, err
	}
	workers := sc.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	seeds := make(chan uint64)
	results := make(chan *Result)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range seeds {
				o := Draw(seed)
				o.Apply(sc.Overrides) // checked on the probe
				results <- RunChecked(o, nil, sc.Twice)
			}
		}()
	}
	go func() {
		for s := sc.From; ; s++ {
			seeds <- s
			if s == sc.To {
				break
			}
		}
		close(seeds)
		wg.Wait()
		close(results)
	}()
	sr := &SweepResult{Coverage: map[string]int{}}
	for res := range results {
		sr.Seeds++
		sr.Stats.Add(res.Stats)
		sr.SimTime += res.SimTime.Seconds()
		sr.Events += res.Events
		sr.cover(res.Stats)
		if res.Failed() {
			sr.Failed = append(sr.Failed, res)
		} else {
			res.Cluster, res.History = nil, nil // keep a long sweep's memory flat
		}
		if sc.OnResult != nil {
			sc.OnResult(res, sr.Seeds, len(sr.Failed))
		}
	}
	slices.SortFunc(sr.Failed, func(a, b *Result) int {
		if a.Options.Seed < b.Options.Seed {
			return -1
		}
		return 1
	})
	return sr, nil
}

// CoverageNames are the rare paths a sweep counts seeds for, in the
// order reports list them.
var CoverageNames = []string{"kill", "power loss", "crash inside a disk call", "fatal AOF error",
	"torn tail repaired", "disk fault", "logged entries lost to a crash", "snapshot", "AOF file purged",
	"unknown outcome", "group retired", "heal restart", "AOFCONTINUE", "graceful failover", "forced failover",
	"full resync", "WAIT unconfirmed"}

// cover counts the seeds that reached each rare path: a sweep in which
// one stays at zero is not testing what it claims to.
func (sr *SweepResult) cover(s Stats) {
	for i, n := range []int{s.Kills, s.PowerLosses, s.MidOpCrashes, s.Fatal, s.TornRepairs, s.DiskFaults,
		int(s.LostEntries), s.Snapshots, s.Purged, s.Unknown, s.Retired, s.HealRestarts,
		s.Psync.AOFContinue, s.Failovers, s.ForcedFailovers, s.SyncFull, s.Unconfirmed} {
		if n > 0 {
			sr.Coverage[CoverageNames[i]]++
		}
	}
}

package sim

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSweep is the sweep every `go test` runs: SIM_SWEEP_SEEDS seeds (default
// 200) from SIM_SWEEP_FROM (default 1), each run twice (C6), every check on.
// `make sim` runs a long one through cmd/opdis-sim.
func TestSweep(t *testing.T) {
	n := envInt(t, "SIM_SWEEP_SEEDS", 200)
	from := envInt(t, "SIM_SWEEP_FROM", 1)
	if testing.Short() {
		n = min(n, 20)
	}
	start := time.Now()
	sr, err := Sweep(SweepConfig{From: uint64(from), To: uint64(from + n - 1), Twice: true})
	if err != nil {
		t.Fatal(err)
	}
	wall := time.Since(start)
	t.Logf("%d seeds in %v: %.0f seeds/min, %.0f simulated s per wall s, %d events", sr.Seeds, wall.Round(time.Millisecond),
		float64(sr.Seeds)/wall.Minutes(), sr.SimTime/wall.Seconds(), sr.Events)
	var cov []string
	for _, name := range CoverageNames {
		cov = append(cov, name+" "+strconv.Itoa(sr.Coverage[name]))
	}
	t.Logf("seeds reaching: %s", strings.Join(cov, ", "))
	for _, res := range sr.Failed {
		t.Errorf("FAIL seed=%d %s\n  repro: %s", res.Options.Seed, res.Failures[0], res.Options.Repro())
	}
	if sr.Seeds != n {
		t.Fatalf("ran %d seeds, want %d", sr.Seeds, n)
	}
	// The sweep must reach what it claims to test: with 200 seeds every
	// fault path comes up many times (a smaller sweep is only a smoke test).
	if n >= 200 {
		for _, name := range CoverageNames {
			if sr.Coverage[name] == 0 {
				t.Errorf("no seed reached %q", name)
			}
		}
	}
}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}

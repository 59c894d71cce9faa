// Command opdis-sim runs the deterministic simulator (package sim): one
// seed, bit for bit, or a sweep of seeds on every core.
//
//	opdis-sim -seed 42                 replay one seed, print what it did
//	opdis-sim -seeds 1..10000          sweep, with a progress bar
//	opdis-sim -seeds 1..500 -fsync always -nodes 3 -duration 30s
//	opdis-sim -seedfile testdata/seeds/found.seeds
//
// Every option sim.Draw derives from the seed can be overridden by a flag
// of the same name (opdis-sim -h lists them). A failing seed prints one
// line — seed, check, the command that replays it — and its artifacts
// (options, event trace, porcupine visualization, node data dirs) go to
// -artifacts/seed-N. The exit status is 1 if any seed failed.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"opdis/sim"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("opdis-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 0, "run this one seed (verbose)")
	seeds := fs.String("seeds", "", "sweep the seeds `A..B` (inclusive)")
	seedFile := fs.String("seedfile", "", "replay the seeds listed in `FILE` (testdata/seeds format)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "seeds run in parallel")
	twice := fs.Bool("twice", true, "run every seed twice and compare the event hashes (C6)")
	artifacts := fs.String("artifacts", "sim-artifacts", "write a failing seed's artifacts under `DIR`/seed-N (empty: none)")
	quiet := fs.Bool("q", false, "no progress report")
	var overrides []string
	for _, o := range sim.OptionNames() {
		name := o[0]
		fs.Func(name, o[1], func(v string) error {
			overrides = append(overrides, name+"="+v)
			return nil
		})
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: opdis-sim (-seed N | -seeds A..B | -seedfile FILE) [options]\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "opdis-sim: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	modes := 0
	for _, m := range []string{"seed", "seeds", "seedfile"} {
		if set[m] {
			modes++
		}
	}
	if modes != 1 {
		fmt.Fprintf(stderr, "opdis-sim: give exactly one of -seed, -seeds, -seedfile\n")
		fs.Usage()
		return 2
	}
	// Check the overrides once, before anything runs.
	probe := sim.Draw(1)
	if err := probe.Apply(overrides); err != nil {
		fmt.Fprintf(stderr, "opdis-sim: %v\n", err)
		return 2
	}
	r := &reporter{out: stdout, errOut: stderr, artifacts: *artifacts}

	switch {
	case set["seed"]:
		return r.one(*seed, overrides, *twice)
	case set["seedfile"]:
		entries, err := sim.ReadSeedFile(*seedFile)
		if err != nil {
			fmt.Fprintf(stderr, "opdis-sim: %v\n", err)
			return 2
		}
		status := 0
		for _, e := range entries {
			fmt.Fprintf(stdout, "# %s\n", e.Note)
			if r.one(e.Seed, append(append([]string(nil), e.Overrides...), overrides...), *twice) != 0 {
				status = 1
			}
		}
		return status
	}
	from, to, err := parseRange(*seeds)
	if err != nil {
		fmt.Fprintf(stderr, "opdis-sim: -seeds: %v\n", err)
		return 2
	}
	return r.sweep(from, to, overrides, *workers, *twice, !*quiet, isTerminal(stderr))
}

// isTerminal reports whether w is a terminal (the progress bar redraws
// itself there; elsewhere progress is a line every tenth of the sweep).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func parseRange(s string) (uint64, uint64, error) {
	a, b, ok := strings.Cut(s, "..")
	if !ok {
		return 0, 0, errors.New("want A..B")
	}
	from, err1 := strconv.ParseUint(a, 10, 64)
	to, err2 := strconv.ParseUint(b, 10, 64)
	if err1 != nil || err2 != nil || to < from {
		return 0, 0, fmt.Errorf("%q is not a range A..B with A <= B", s)
	}
	return from, to, nil
}

type reporter struct {
	out, errOut io.Writer
	artifacts   string
}

// one runs a seed in full view: options, schedule, outcome, figures.
func (r *reporter) one(seed uint64, overrides []string, twice bool) int {
	o := sim.Draw(seed)
	if err := o.Apply(overrides); err != nil {
		fmt.Fprintf(r.errOut, "opdis-sim: %v\n", err)
		return 2
	}
	fmt.Fprintf(r.out, "options: %s\n", o)
	start := time.Now()
	res := sim.RunChecked(o, nil, twice)
	wall := time.Since(start)
	fmt.Fprintf(r.out, "faults:  %d scheduled\n", len(res.Schedule))
	fmt.Fprintf(r.out, "run:     simulated %v in %v (%.0fx real time), %d events, trace sum %016x\n",
		res.SimTime, wall.Round(time.Millisecond), res.SimTime.Seconds()/wall.Seconds(), res.Events, res.TraceSum)
	fmt.Fprintf(r.out, "stats:   %+v\n", res.Stats)
	if !res.Failed() {
		fmt.Fprintf(r.out, "ok seed=%d\n", seed)
		return 0
	}
	r.fail(res)
	return 1
}

// fail prints a failed run's line and writes its artifacts.
func (r *reporter) fail(res *sim.Result) {
	o := res.Options
	f := res.Failures[0]
	fmt.Fprintf(r.out, "FAIL seed=%d check=%s %s | repro: %s | options: %s\n", o.Seed, f.Check, oneLine(f.Msg), o.Repro(), o)
	for _, f := range res.Failures[1:] {
		fmt.Fprintf(r.out, "  also %s: %s\n", f.Check, oneLine(f.Msg))
	}
	if r.artifacts == "" {
		return
	}
	dir := filepath.Join(r.artifacts, "seed-"+strconv.FormatUint(o.Seed, 10))
	if _, err := sim.WriteArtifacts(dir, o, res.Schedule); err != nil {
		fmt.Fprintf(r.errOut, "opdis-sim: %v\n", err)
		return
	}
	fmt.Fprintf(r.out, "  artifacts: %s\n", dir)
}

func (r *reporter) sweep(from, to uint64, overrides []string, workers int, twice, report, tty bool) int {
	total := int(to - from + 1)
	start := time.Now()
	var lastDraw time.Time
	sr, err := sim.Sweep(sim.SweepConfig{
		From: from, To: to, Overrides: overrides, Workers: workers, Twice: twice,
		OnResult: func(res *sim.Result, done, failed int) {
			if res.Failed() {
				if report && tty {
					fmt.Fprint(r.errOut, "\r\033[K")
				}
				r.fail(res)
			}
			switch {
			case !report:
			case tty && (time.Since(lastDraw) > 100*time.Millisecond || done == total):
				lastDraw = time.Now()
				fmt.Fprintf(r.errOut, "\r%s", progress(done, total, failed, time.Since(start)))
			case !tty && (done*10/total != (done-1)*10/total || done == total):
				fmt.Fprintln(r.errOut, progress(done, total, failed, time.Since(start)))
			}
		},
	})
	if report && tty {
		fmt.Fprintln(r.errOut)
	}
	if err != nil {
		fmt.Fprintf(r.errOut, "opdis-sim: %v\n", err)
		return 2
	}
	wall := time.Since(start)
	fmt.Fprintf(r.out, "%d seeds, %d failed, in %v: %.0f seeds/min, %.0f simulated s per wall s (%d workers), %.0f events/s\n",
		sr.Seeds, len(sr.Failed), wall.Round(time.Millisecond), float64(sr.Seeds)/wall.Minutes(),
		sr.SimTime/wall.Seconds(), workers, float64(sr.Events)/wall.Seconds())
	fmt.Fprintf(r.out, "totals: %+v\n", sr.Stats)
	fmt.Fprintf(r.out, "seeds reaching: %s\n", coverage(sr))
	if len(sr.Failed) > 0 {
		return 1
	}
	return 0
}

// oneLine folds a multi-line message onto one line of bounded length (the
// artifacts' README.txt has it whole).
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 400 {
		s = string(r[:400]) + "…"
	}
	return s
}

func progress(done, total, failed int, el time.Duration) string {
	const width = 30
	n := done * width / max(total, 1)
	rate := float64(done) / el.Minutes()
	return fmt.Sprintf("[%s%s] %d/%d seeds, %d failed, %.0f seeds/min",
		strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, failed, rate)
}

func coverage(sr *sim.SweepResult) string {
	var parts []string
	for _, name := range sim.CoverageNames {
		parts = append(parts, fmt.Sprintf("%s %d", name, sr.Coverage[name]))
	}
	return strings.Join(parts, ", ")
}

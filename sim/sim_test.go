package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"opdis/sim/trace"
)

// C6's machinery names the first event where two runs of "the same"
// options part: here the second run gets one more fault.
func TestDeterminismCheckNamesTheEvent(t *testing.T) {
	o := Draw(11)
	o.Duration, o.Ops = 2*time.Second, 200
	runs := 0
	err := trace.CheckDeterminism(func(tr *trace.Trace) {
		runs++
		sched := []Fault{}
		if runs%2 == 0 {
			sched = []Fault{{At: time.Second, Kind: Kill, Peer: -1, Dur: time.Millisecond}}
		}
		Run(o, Config{Schedule: sched, Trace: tr, NoCheck: true})
	})
	if err == nil || !strings.Contains(err.Error(), "fault.kill") || !strings.Contains(err.Error(), "runs diverge at event #") {
		t.Fatalf("got %v", err)
	}
	// And a run is a function of its options: twice the same, C6 passes.
	if res := RunChecked(o, nil, true); res.Failed() {
		t.Fatalf("%v", res.Failures)
	}
}

func TestOptions(t *testing.T) {
	a, b := Draw(99), Draw(99)
	if a.String() != b.String() {
		t.Fatal("Draw is not a function of the seed")
	}
	if err := a.Apply([]string{"nodes=3", "fsync=always", "aof-max-size=2kb", "duration=5s", "kill=0.5"}); err != nil {
		t.Fatal(err)
	}
	if a.Nodes != 3 || a.Fsync != "always" || a.AOFMaxSize != 2048 || a.Duration != 5*time.Second || a.Kill != 0.5 {
		t.Fatalf("overrides not applied: %s", a)
	}
	if !strings.Contains(a.String(), "-aof-max-size=2kb") {
		t.Fatalf("String: %s", a)
	}
	if got, want := a.Repro(), "go run ./cmd/opdis-sim -seed=99 -nodes=3 -fsync=always -aof-max-size=2kb -duration=5s -kill=0.5"; got != want {
		t.Fatalf("Repro = %s, want %s", got, want)
	}
	for _, bad := range []string{"nodes=6", "nodes=x", "fsync=sometimes", "aof-max-size=0", "duration=-1s", "kill=-1", "nope=1", "nodes"} {
		o := Draw(1)
		if err := o.Apply([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	// Swarm: the seed varies everything.
	seen := map[string]bool{}
	for s := uint64(1); s <= 50; s++ {
		o := Draw(s)
		seen["nodes"+string(rune('0'+o.Nodes))] = true
		seen[o.Fsync] = true
	}
	for _, k := range []string{"nodes1", "nodes5", "always", "everysec", "no"} {
		if !seen[k] {
			t.Errorf("50 seeds never drew %s", k)
		}
	}
}

func TestSeedFiles(t *testing.T) {
	files, _ := filepath.Glob("../testdata/seeds/*.seeds")
	if len(files) == 0 {
		t.Fatal("no seed files in testdata/seeds")
	}
	for _, file := range files {
		entries, err := ReadSeedFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			o := Draw(e.Seed)
			o.Apply(e.Overrides)
			if res := RunChecked(o, nil, true); res.Failed() {
				t.Errorf("%s:%d seed %d fails again (%s):\n  %s\n  repro: %s", e.File, e.Line, e.Seed, e.Note, res.Failures[0], o.Repro())
			}
		}
	}
}

func TestReadSeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.seeds")
	os.WriteFile(path, []byte("# about 5\n# more\n-seed=5 -fsync=always\n\n# lost note\n\n-seed=6\n"), 0o644)
	es, err := ReadSeedFile(path)
	if err != nil || len(es) != 2 || es[0].Seed != 5 || es[0].Note != "about 5\nmore" || es[0].Overrides[0] != "fsync=always" ||
		es[1].Note != "" || es[1].Line != 7 {
		t.Fatalf("%+v %v", es, err)
	}
	for _, bad := range []string{"seed=5\n", "-seed=x\n", "-fsync=always\n", "-seed=1 -nodes=9\n", "-seed=1 fsync\n"} {
		os.WriteFile(path, []byte(bad), 0o644)
		if _, err := ReadSeedFile(path); err == nil || !strings.Contains(err.Error(), "x.seeds:1:") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestArtifacts(t *testing.T) {
	dir := t.TempDir()
	o := Draw(4)
	if err := o.Apply([]string{"nodes=2", "power-loss=3", "duration=3s", "ops=300"}); err != nil {
		t.Fatal(err)
	}
	res, err := WriteArtifacts(dir, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	if s := read("README.txt"); !strings.Contains(s, o.Repro()) || !strings.Contains(s, "passed") {
		t.Errorf("README.txt:\n%s", s)
	}
	if s := read("events.txt"); !strings.Contains(s, "power loss") || !strings.Contains(s, "loaded up to op id") {
		t.Errorf("events.txt:\n%s", s)
	}
	if s := read("trace.txt"); strings.Count(s, "\n") < 1000 || !strings.Contains(s, "net.data") {
		t.Errorf("trace.txt has %d lines", strings.Count(s, "\n"))
	}
	if s := read("history.html"); !strings.Contains(s, "<html") || len(s) < 10000 {
		t.Errorf("history.html: %d bytes", len(s))
	}
	if s := read("history.jsonl"); strings.Count(s, "\n") != len(res.History) {
		t.Errorf("history.jsonl: %d lines for %d operations", strings.Count(s, "\n"), len(res.History))
	}
	for _, n := range []string{"n1", "n2"} {
		if s := read("nodes/" + n + "/aof-inc.index"); !strings.Contains(s, "appendonly-inc-") {
			t.Errorf("%s index: %q", n, s)
		}
		if s := read("nodes/" + n + ".log"); !strings.Contains(s, "AOF loaded") {
			t.Errorf("%s log: %q", n, s)
		}
	}
	if res.Stats.PowerLosses == 0 {
		t.Errorf("no power loss happened: %+v", res.Stats)
	}
}

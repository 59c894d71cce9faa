package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestOneSeed(t *testing.T) {
	code, out, _ := runCLI(t, "-seed", "3", "-duration", "2s", "-ops", "200")
	if code != 0 || !strings.Contains(out, "ok seed=3") || !strings.Contains(out, "options: -seed=3 ") ||
		!strings.Contains(out, "-duration=2s") || !strings.Contains(out, "x real time") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	// Bit for bit: the same trace sum twice.
	_, again, _ := runCLI(t, "-seed", "3", "-duration", "2s", "-ops", "200")
	sum := func(s string) string { _, after, _ := strings.Cut(s, "trace sum "); return strings.Fields(after)[0] }
	if sum(out) != sum(again) {
		t.Fatalf("trace sums differ: %s and %s", sum(out), sum(again))
	}
}

func TestSweep(t *testing.T) {
	code, out, errOut := runCLI(t, "-seeds", "1..6", "-duration", "2s", "-ops", "200", "-workers", "2")
	if code != 0 || !strings.Contains(out, "6 seeds, 0 failed") || !strings.Contains(out, "seeds/min") ||
		!strings.Contains(out, "seeds reaching: kill") || !strings.Contains(errOut, "6/6 seeds") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errOut)
	}
}

// A run that cannot pass (no time to answer after the heal) prints its
// one line and writes its artifacts.
func TestFailureLineAndArtifacts(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI(t, "-seeds", "5..5", "-q", "-liveness", "1ms", "-duration", "1s", "-artifacts", dir)
	if code != 1 || !strings.Contains(out, "FAIL seed=5 check=liveness") ||
		!strings.Contains(out, "repro: go run ./cmd/opdis-sim -seed=5 -liveness=1ms -duration=1s") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, f := range []string{"README.txt", "trace.txt", "history.html", "events.txt", "nodes"} {
		if _, err := os.Stat(filepath.Join(dir, "seed-5", f)); err != nil {
			t.Error(err)
		}
	}
}

func TestSeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.seeds")
	os.WriteFile(path, []byte("# a note\n-seed=2 -duration=1s\n"), 0o644)
	code, out, _ := runCLI(t, "-seedfile", path)
	if code != 0 || !strings.Contains(out, "# a note") || !strings.Contains(out, "ok seed=2") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"-seed", "1", "-seeds", "1..2"},
		{"-seeds", "5..1"},
		{"-seeds", "x"},
		{"-seed", "1", "-nodes", "9"},
		{"-seed", "1", "-fsync", "sometimes"},
		{"-seed", "1", "extra"},
		{"-seedfile", "/nonexistent"},
	} {
		if code, _, errOut := runCLI(t, args...); code != 2 || errOut == "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
	}
}

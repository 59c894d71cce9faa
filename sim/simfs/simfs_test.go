package simfs_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"

	"opdis/aofbinlog"
	"opdis/aofbinlog/fstest"
	"opdis/sim/simfs"
)

func TestContract(t *testing.T) {
	fstest.Run(t, func(t *testing.T) aofbinlog.FS { return simfs.New() })
}

func content(t *testing.T, fs *simfs.FS, name string) string {
	t.Helper()
	b, err := fs.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCrashDropsUnsynced(t *testing.T) {
	fs := simfs.New()
	f, _ := fs.Create("a")
	f.Write([]byte("durable"))
	f.Sync()
	fs.SyncDir()
	f.Write([]byte("-lost"))
	g, _ := fs.Create("b") // never made durable by SyncDir
	g.Write([]byte("b"))
	g.Sync()
	fs.CrashClean()
	if got := content(t, fs, "a"); got != "durable" {
		t.Fatalf("a = %q", got)
	}
	if names, _ := fs.List(); !slices.Equal(names, []string{"a"}) {
		t.Fatalf("List = %q: an un-synced create survived", names)
	}
	if _, err := f.Write([]byte("x")); !errors.Is(err, simfs.ErrStale) {
		t.Fatalf("write through a pre-crash handle: %v", err)
	}
}

func TestCrashTornPrefix(t *testing.T) {
	// Over many seeds, a crash keeps a prefix of the un-synced bytes: all
	// of it, none of it, and something in between all happen.
	seen := map[int]bool{}
	for seed := uint64(0); seed < 200; seed++ {
		fs := simfs.New()
		f, _ := fs.Create("a")
		f.Write([]byte("0123"))
		f.Sync()
		fs.SyncDir()
		f.Write([]byte("456789"))
		fs.Crash(rand.New(rand.NewPCG(seed, 1)))
		got := content(t, fs, "a")
		if len(got) < 4 || got != "0123456789"[:len(got)] {
			t.Fatalf("seed %d: %q is not synced bytes plus a prefix", seed, got)
		}
		seen[len(got)] = true
	}
	if !seen[4] || !seen[10] || len(seen) < 5 {
		t.Fatalf("lengths seen: %v", seen)
	}
}

func TestCrashTruncateNotDurable(t *testing.T) {
	fs := simfs.New()
	f, _ := fs.Create("a")
	f.Write([]byte("abcdef"))
	f.Sync()
	fs.SyncDir()
	f.Truncate(2)
	f.Write([]byte("XY"))
	fs.CrashClean()
	if got := content(t, fs, "a"); got != "abcdef" {
		t.Fatalf("a = %q, want the synced content back", got)
	}
	f, _ = fs.OpenAppend("a")
	f.Truncate(2)
	f.Sync()
	fs.CrashClean()
	if got := content(t, fs, "a"); got != "ab" {
		t.Fatalf("a = %q after a synced truncate", got)
	}
}

func TestCrashDirOpsPrefix(t *testing.T) {
	// create x; rename tmp over idx; remove old: a crash keeps a prefix.
	outcomes := map[string]bool{}
	for seed := uint64(0); seed < 100; seed++ {
		fs := simfs.New()
		fs.WriteFile("idx", []byte("old"))
		fs.WriteFile("old", []byte("o"))
		fs.WriteFile("tmp", []byte("new"))
		fs.Remove("tmp") // make tmp's create durable, then re-create pending ops
		fs.WriteFile("tmp", []byte("new"))
		f, _ := fs.Create("x")
		f.Sync()
		fs.Rename("tmp", "idx")
		fs.Remove("old")
		fs.Crash(rand.New(rand.NewPCG(seed, 2)))
		names, _ := fs.List()
		key := content(t, fs, "idx") + " " + joined(names)
		outcomes[key] = true
	}
	want := map[string]bool{
		"old idx old tmp":   true, // nothing kept
		"old idx old tmp x": true, // create kept
		"new idx old x":     true, // create and rename kept
		"new idx x":         true, // all kept
	}
	for k := range outcomes {
		if !want[k] {
			t.Errorf("impossible outcome %q", k)
		}
	}
	if len(outcomes) != len(want) {
		t.Errorf("outcomes %v, want all of %v", outcomes, want)
	}
}

func joined(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestFaults(t *testing.T) {
	fs := simfs.New()
	f, _ := fs.Create("a")
	fs.Inject(simfs.Fault{Op: simfs.OpWrite, Count: 1, Err: syscall.ENOSPC, Short: true})
	n, err := f.Write([]byte("abcd"))
	if n != 2 || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("short write = %d, %v", n, err)
	}
	if n, err := f.Write([]byte("ef")); n != 2 || err != nil {
		t.Fatalf("the fault should be used up: %d, %v", n, err)
	}
	fs.Inject(simfs.Fault{Op: simfs.OpSync, Name: "b", Count: 1, Err: syscall.EIO})
	if err := f.Sync(); err != nil {
		t.Fatalf("fault on another file fired: %v", err)
	}
	g, _ := fs.Create("b")
	if err := g.Sync(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("sync b: %v", err)
	}
	fs.Hook = func(op simfs.Op, name string) error {
		if op == simfs.OpRename {
			return syscall.EIO
		}
		return nil
	}
	if err := fs.Rename("a", "c"); !errors.Is(err, syscall.EIO) {
		t.Fatalf("hooked rename: %v", err)
	}
	if got := content(t, fs, "a"); got != "abef" {
		t.Fatalf("a = %q", got)
	}
	if got := fs.Stats().Faults; got != 2 {
		t.Fatalf("Stats.Faults = %d, want the 2 injected faults that fired (not the hook's)", got)
	}
}

func TestCloneIndependent(t *testing.T) {
	fs := simfs.New()
	f, _ := fs.Create("a")
	f.Write([]byte("x"))
	c := fs.Clone()
	f.Write([]byte("y"))
	if got := content(t, c, "a"); got != "x" {
		t.Fatalf("clone sees %q", got)
	}
	c.CrashClean()
	if names, _ := c.List(); len(names) != 0 {
		t.Fatalf("clone kept the un-synced create: %q", names)
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"opdis/aofbinlog"
)

// restoreOK runs restore and checks that it succeeded and left the source
// as it was.
func restoreOK(t *testing.T, src, dst, to string) {
	t.Helper()
	before := dirState(t, src)
	out, errOut, code := runTool(t, "restore", "--to", to, "--from", src, "--into", dst)
	if code != 0 {
		t.Fatalf("restore --to %s: exit %d\n%s%s", to, code, out, errOut)
	}
	checkUnchanged(t, src, before)
}

func TestRestoreFromOpID1(t *testing.T) {
	src := t.TempDir()
	b, _ := sample(t, src)

	for _, tc := range []struct {
		to   string
		last int64
	}{
		{"opid:17", 17},
		{"opid:10", 10},                          // the last entry of a file
		{"opid:0", 0},                            // nothing
		{"opid:40", 40},                          // everything
		{fmtTime(b.entry(22).h.TimestampMs), 22}, // a time: entries at or before it
		{fmtTime(b.entry(22).h.TimestampMs + 249), 22},
		{"2023-11-14T22:13:25Z", 21}, // whole seconds: 22:13:25.000 is op id 21's time
		{"2030-01-01T00:00:00+02:00", 40},
	} {
		dst := filepath.Join(t.TempDir(), "new")
		restoreOK(t, src, dst, tc.to)
		got, idx := loadDir(t, dst)
		if want := b.rawRange(1, tc.last); !bytes.Equal(got, want) {
			t.Errorf("restore --to %s: load yields %d bytes, want entries 1 to %d (%d bytes)", tc.to, len(got), tc.last, len(want))
		}
		if idx != nil {
			t.Errorf("restore --to %s: a log without snapshot got rdb.index %+v", tc.to, idx)
		}
		if out, _, code := runTool(t, "verify", dst); code != 0 || !strings.Contains(out, "OK (0 warnings)") {
			t.Errorf("restore --to %s: verify of the result:\n%s", tc.to, out)
		}
	}
}

func TestRestoreWithSnapshot(t *testing.T) {
	src := t.TempDir()
	b := newLog(t, src)
	b.sets(0, 8)
	b.split()
	b.sets(0, 12)
	snap := b.snapshot("dump-12.rdb") // mid-file: covers 1..12, the log continues at 13
	b.sets(1, 20)
	b.split()
	b.sets(2, 30)
	b.close()
	idx0, err := aofbinlog.ReadRDBIndex(b.fs)
	if err != nil {
		t.Fatal(err)
	}

	// Targets at or after the snapshot start from it.
	for _, tc := range []struct {
		to   string
		last int64
	}{
		{"opid:12", 12}, // exactly the snapshot: no entry after it
		{"opid:25", 25},
		{"opid:30", 30},
		{fmtTime(b.entry(12).h.TimestampMs), 12},
		{fmtTime(b.entry(17).h.TimestampMs), 17},
	} {
		dst := filepath.Join(t.TempDir(), "new")
		restoreOK(t, src, dst, tc.to)
		got, idx := loadDir(t, dst)
		if want := b.rawRange(13, tc.last); !bytes.Equal(got, want) {
			t.Errorf("restore --to %s: load yields %d bytes, want entries 13 to %d (%d bytes)", tc.to, len(got), tc.last, len(want))
		}
		if idx == nil || idx.RDB != idx0.RDB || idx.AOF != idx0.AOF || idx.Offset != idx0.Offset || idx.NextOpID != 13 ||
			idx.LastEpoch != idx0.LastEpoch || len(idx.Applied) != 1 || idx.Applied[0] != idx0.Applied[0] {
			t.Errorf("restore --to %s: rdb.index %+v, want %+v", tc.to, idx, idx0)
		}
		if data, err := os.ReadFile(filepath.Join(dst, "dump-12.rdb")); err != nil || !bytes.Equal(data, snap) {
			t.Errorf("restore --to %s: snapshot not copied: %v", tc.to, err)
		}
		if out, _, code := runTool(t, "verify", dst); code != 0 || !strings.Contains(out, "OK (0 warnings)") {
			t.Errorf("restore --to %s: verify of the result:\n%s", tc.to, out)
		}
	}

	// Before the snapshot: rebuilt from op id 1, no snapshot copied.
	for _, to := range []string{"opid:5", fmtTime(b.entry(11).h.TimestampMs)} {
		dst := filepath.Join(t.TempDir(), "new")
		restoreOK(t, src, dst, to)
		got, idx := loadDir(t, dst)
		last := int64(5)
		if to != "opid:5" {
			last = 11
		}
		if want := b.rawRange(1, last); !bytes.Equal(got, want) || idx != nil {
			t.Errorf("restore --to %s: %d bytes (want %d), rdb.index %+v", to, len(got), len(want), idx)
		}
		if _, err := os.Stat(filepath.Join(dst, "dump-12.rdb")); err == nil {
			t.Errorf("restore --to %s copied a snapshot newer than the target", to)
		}
	}
}

// TestRestoreRefusals: a snapshot newer than the target when the log no
// longer holds op id 1, targets past the end, used output directories.
func TestRestoreRefusals(t *testing.T) {
	src := t.TempDir()
	b := newLog(t, src)
	b.sets(0, 8)
	b.split()
	b.sets(0, 12)
	b.split()
	b.snapshot("dump.rdb") // at offset 0 of the third file
	b.sets(0, 20)
	if _, err := b.l.Purge(b.l.Files()[0].Name, 0); err != nil {
		t.Fatal(err)
	}
	b.close()
	before := dirState(t, src)

	fail := func(want string, a ...string) {
		t.Helper()
		dst := filepath.Join(t.TempDir(), "new")
		_, errOut, code := runTool(t, append(a, "--from", src, "--into", dst)...)
		if code != 1 || !strings.Contains(errOut, want) {
			t.Errorf("%v: exit %d, stderr %q, want exit 1 and %q", a, code, errOut, want)
		}
		if _, err := os.Stat(dst); err == nil {
			t.Errorf("%v: failed run left %s", a, dst)
		}
	}
	fail("the earliest restorable point is opid:12 ("+fmtTime(b.entry(12).h.TimestampMs)+")", "restore", "--to", "opid:5")
	fail("the earliest restorable point is opid:12", "restore", "--to", fmtTime(b.entry(11).h.TimestampMs))
	fail("the earliest restorable point is opid:12", "export-redis", "--to", "opid:11")
	fail("past the end of the log (last op id 20)", "restore", "--to", "opid:21")

	// The snapshot's own point and later work.
	dst := filepath.Join(t.TempDir(), "new")
	restoreOK(t, src, dst, "opid:12")
	if got, idx := loadDir(t, dst); len(got) != 0 || idx == nil || idx.NextOpID != 13 {
		t.Errorf("restore to the snapshot: %d bytes of entries, rdb.index %+v", len(got), idx)
	}

	// A used output directory is refused and left alone.
	used := t.TempDir()
	os.WriteFile(filepath.Join(used, "keep"), []byte("x"), 0o644)
	if _, errOut, code := runTool(t, "restore", "--to", "opid:15", "--from", src, "--into", used); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("restore into a used dir: exit %d %q", code, errOut)
	}
	if data, _ := os.ReadFile(filepath.Join(used, "keep")); string(data) != "x" {
		t.Errorf("the used dir was changed")
	}
	// An existing empty directory is fine.
	empty := t.TempDir()
	restoreOK(t, src, empty, "opid:15")
	if got, _ := loadDir(t, empty); !bytes.Equal(got, b.rawRange(13, 15)) {
		t.Errorf("restore into an empty dir: wrong entries")
	}
	if _, _, code := runTool(t, "restore", "--to", "opid:15", "--from", src, "--into", src); code != 1 {
		t.Errorf("restore into the source: exit %d", code)
	}
	checkUnchanged(t, src, before)

	// Usage errors.
	for _, a := range [][]string{
		{"restore", "--from", src, "--into", dst},
		{"restore", "--to", "yesterday", "--from", src, "--into", dst},
		{"restore", "--to", "opid:-1", "--from", src, "--into", dst},
		{"restore", "--to", "opid:3", "--from", src, "--into", dst, "extra"},
	} {
		if _, _, code := runTool(t, a...); code != 2 {
			t.Errorf("%v: exit %d, want 2", a, code)
		}
	}
}

// TestRestoreSnapshotEntryPurged: a time target when the entry the
// snapshot ends with is no longer in the log; the first entry after the
// snapshot decides.
func TestRestoreSnapshotEntryPurged(t *testing.T) {
	src := t.TempDir()
	b := newLog(t, src)
	b.sets(0, 8)
	b.split()
	b.snapshot("dump.rdb")
	b.sets(0, 16)
	b.l.Purge(b.l.Files()[0].Name, 0)
	b.close()
	dst := filepath.Join(t.TempDir(), "new")
	restoreOK(t, src, dst, fmtTime(b.entry(10).h.TimestampMs))
	if got, idx := loadDir(t, dst); !bytes.Equal(got, b.rawRange(9, 10)) || idx == nil {
		t.Errorf("restore: %d bytes, rdb.index %+v", len(got), idx)
	}
	_, errOut, code := runTool(t, "restore", "--to", fmtTime(b.entry(9).h.TimestampMs-1), "--from", src, "--into", filepath.Join(t.TempDir(), "x"))
	if code != 1 || !strings.Contains(errOut, "the earliest restorable point is opid:8") {
		t.Errorf("restore before the snapshot: exit %d %q", code, errOut)
	}
}

// TestRestoreOddSources: a torn tail in the live file is not copied; an
// empty file listed between two others is kept in the restored index.
func TestRestoreOddSources(t *testing.T) {
	src := t.TempDir()
	b, files := sample(t, src)
	f, err := os.OpenFile(filepath.Join(src, files[2]), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(b.entry(3).raw[:40])
	f.Close()
	p := filepath.Join(src, aofbinlog.IndexName)
	index, _ := os.ReadFile(p)
	lines := strings.SplitAfter(string(index), "\n")
	empty := "appendonly-inc-1700000001-1.aof"
	os.WriteFile(filepath.Join(src, empty), nil, 0o644)
	os.WriteFile(p, []byte(lines[0]+lines[1]+empty+" 0 0 0\n"+lines[2]), 0o644)
	if out, _, code := runTool(t, "verify", src); code != 0 || !strings.Contains(out, "OK (1 warnings)") {
		t.Fatalf("verify of the source:\n%s", out)
	}

	for _, tc := range []struct {
		to    string
		last  int64
		files int
	}{{"opid:40", 40, 4}, {"opid:25", 25, 2}, {"opid:10", 10, 1}, {"opid:26", 26, 4}} {
		dst := filepath.Join(t.TempDir(), "new")
		restoreOK(t, src, dst, tc.to)
		if got, _ := loadDir(t, dst); !bytes.Equal(got, b.rawRange(1, tc.last)) {
			t.Errorf("restore --to %s: wrong entries", tc.to)
		}
		out, _, code := runTool(t, "verify", dst)
		if code != 0 || !strings.Contains(out, "OK (0 warnings)") || !strings.Contains(out, "files: "+strconv.Itoa(tc.files)+" listed") {
			t.Errorf("restore --to %s: verify of the result:\n%s", tc.to, out)
		}
	}
}

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

// offsetOf returns the file and offset find reports for op.
func offsetOf(t *testing.T, dir string, op int64) (string, int64) {
	t.Helper()
	out, errOut, code := runTool(t, "find", strconv.FormatInt(op, 10), dir)
	if code != 0 {
		t.Fatalf("find %d: %s", op, errOut)
	}
	f := strings.Fields(strings.SplitN(out, "\n", 2)[0])
	off, _ := strconv.ParseInt(f[1], 10, 64)
	return f[0], off
}

// verifyErrors runs verify, expecting exit 1, and returns its ERROR lines.
func verifyErrors(t *testing.T, dir string) []string {
	t.Helper()
	out, errOut, code := runTool(t, "verify", dir)
	if code != 1 {
		t.Fatalf("verify: exit %d, want 1\n%s%s", code, out, errOut)
	}
	var errs []string
	for _, ln := range strings.Split(out, "\n") {
		if strings.HasPrefix(ln, "ERROR ") {
			errs = append(errs, ln)
		}
	}
	if !strings.Contains(out, strconv.Itoa(len(errs))+" problems") {
		t.Errorf("summary does not count %d problems:\n%s", len(errs), out)
	}
	return errs
}

// hasLine reports whether one of lines starts with prefix and contains
// every one of parts.
func hasLine(lines []string, prefix string, parts ...string) bool {
	for _, ln := range lines {
		if !strings.HasPrefix(ln, prefix) {
			continue
		}
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(ln, p)
		}
		if ok {
			return true
		}
	}
	return false
}

func TestVerifyDefects(t *testing.T) {
	t.Run("missing file", func(t *testing.T) {
		dir := t.TempDir()
		_, files := sample(t, dir)
		if err := os.Remove(filepath.Join(dir, files[1])); err != nil {
			t.Fatal(err)
		}
		errs := verifyErrors(t, dir)
		if !hasLine(errs, "ERROR aof-inc.index: line 2: "+files[1]+" is listed but does not exist") {
			t.Errorf("missing file not reported:\n%s", strings.Join(errs, "\n"))
		}
		// The file's absence is one problem, not also an op-id gap.
		if hasLine(errs, "ERROR "+files[2], "missing") {
			t.Errorf("the missing file was reported again as a gap:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("corrupt middle entry", func(t *testing.T) {
		dir := t.TempDir()
		b, _ := sample(t, dir)
		file, off := offsetOf(t, dir, 15)
		p := filepath.Join(dir, file)
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Damage the bulk length of the opinfo header: "$48" -> "$4x".
		hdr := off + int64(len("*2\r\n$6\r\nopinfo\r\n$4"))
		data[hdr] = 'x'
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		errs := verifyErrors(t, dir)
		want := "ERROR " + file + " offset " + strconv.FormatInt(off, 10) + ": corrupt entry"
		if !hasLine(errs, want, "skipped, to offset "+strconv.FormatInt(off+int64(len(b.entry(15).raw)), 10)) {
			t.Errorf("want %q (skipping to entry 16):\n%s", want, strings.Join(errs, "\n"))
		}
		if !hasLine(errs, "ERROR "+dir+": the node's load fails", file, "offset "+strconv.FormatInt(off, 10)) {
			t.Errorf("the load's own error is not reported:\n%s", strings.Join(errs, "\n"))
		}
		if len(errs) != 2 {
			t.Errorf("want 2 problems (the entry, the load), got:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("op id gap", func(t *testing.T) {
		dir := t.TempDir()
		b := newLog(t, dir)
		b.sets(0, 10)
		b.split()
		b.sets(0, 20)
		b.next = 22 // op id 21 never written
		b.sets(0, 30)
		b.close()
		file, off := offsetOf(t, dir, 22)
		errs := verifyErrors(t, dir)
		want := "ERROR " + file + " offset " + strconv.FormatInt(off, 10) + ": op id 22 follows op id 20"
		if !hasLine(errs, want, "op ids 21 to 21 are missing") || len(errs) != 1 {
			t.Errorf("want only %q:\n%s", want, strings.Join(errs, "\n"))
		}
	})

	t.Run("op id gap across files", func(t *testing.T) {
		dir := t.TempDir()
		b := newLog(t, dir)
		b.sets(0, 10)
		second := b.split()
		b.next = 15
		b.sets(0, 20)
		b.close()
		errs := verifyErrors(t, dir)
		if !hasLine(errs, "ERROR "+second+" offset 0: op id 15 follows op id 10", "op ids 11 to 14 are missing") {
			t.Errorf("gap between files not reported:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("rdb.index mid-entry", func(t *testing.T) {
		dir := t.TempDir()
		b, files := sample(t, dir)
		b.snapshotFileAt("dump.rdb", 12)
		file, off := offsetOf(t, dir, 12)
		idx := aofbinlog.RDBIndex{RDB: "dump.rdb", AOF: file, Offset: off + 7, NextOpID: 12}
		if err := aofbinlog.WriteRDBIndex(b.fs, idx); err != nil {
			t.Fatal(err)
		}
		errs := verifyErrors(t, dir)
		want := "ERROR rdb.index: offset " + strconv.FormatInt(off+7, 10) + " in " + files[1] + " is not an entry boundary: it is inside the entry at offset " + strconv.FormatInt(off, 10) + " (op id 12"
		if !hasLine(errs, want) || len(errs) != 1 {
			t.Errorf("want only %q:\n%s", want, strings.Join(errs, "\n"))
		}
	})

	t.Run("rdb.index next_opid and snapshot", func(t *testing.T) {
		dir := t.TempDir()
		b, files := sample(t, dir)
		file, off := offsetOf(t, dir, 12)
		idx := aofbinlog.RDBIndex{RDB: "gone.rdb", AOF: file, Offset: off, NextOpID: 13}
		if err := aofbinlog.WriteRDBIndex(b.fs, idx); err != nil {
			t.Fatal(err)
		}
		errs := verifyErrors(t, dir)
		if !hasLine(errs, "ERROR rdb.index: the entry at its position ("+files[1]+" offset "+strconv.FormatInt(off, 10)+") has op id 12, next_opid is 13") ||
			!hasLine(errs, "ERROR rdb.index: snapshot gone.rdb: ") || len(errs) != 2 {
			t.Errorf("want the next_opid and missing snapshot problems:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("snapshot checksum", func(t *testing.T) {
		dir := t.TempDir()
		b, _ := sample(t, dir)
		data := b.snapshotFileAt("dump.rdb", 12)
		file, off := offsetOf(t, dir, 12)
		if err := aofbinlog.WriteRDBIndex(b.fs, aofbinlog.RDBIndex{RDB: "dump.rdb", AOF: file, Offset: off, NextOpID: 12}); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if code := run([]string{"verify", dir}, &out, &out); code != 0 {
			t.Fatalf("a sound snapshot: exit %d\n%s", code, out.String())
		}
		bad := append([]byte(nil), data...)
		bad[len(bad)-12] ^= 0x20 // inside the last value: only the checksum notices
		os.WriteFile(filepath.Join(dir, "dump.rdb"), bad, 0o644)
		errs := verifyErrors(t, dir)
		if len(errs) != 1 || !strings.Contains(errs[0], "snapshot dump.rdb") || !strings.Contains(errs[0], "checksum") {
			t.Errorf("want the checksum problem:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("index line disagrees", func(t *testing.T) {
		dir := t.TempDir()
		_, files := sample(t, dir)
		p := filepath.Join(dir, aofbinlog.IndexName)
		data, _ := os.ReadFile(p)
		bad := strings.Replace(string(data), files[1]+" 11 ", files[1]+" 12 ", 1)
		if bad == string(data) {
			t.Fatalf("index has no line for %s: %q", files[1], data)
		}
		os.WriteFile(p, []byte(bad), 0o644)
		errs := verifyErrors(t, dir)
		if !hasLine(errs, "ERROR aof-inc.index: line 2: "+files[1]+" first op id 12, the file starts with 11") {
			t.Errorf("index line mismatch not reported:\n%s", strings.Join(errs, "\n"))
		}
	})

	t.Run("torn tail is a warning", func(t *testing.T) {
		dir := t.TempDir()
		b, files := sample(t, dir)
		p := filepath.Join(dir, files[2])
		size := fileSize(t, p)
		f, _ := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		f.Write(b.entry(5).raw[:30])
		f.Close()
		out, _, code := runTool(t, "verify", dir)
		if code != 0 || !strings.Contains(out, "WARN  "+files[2]+" offset "+strconv.FormatInt(size, 10)+": incomplete entry at the end of the file (30 bytes") ||
			!strings.Contains(out, "OK (1 warnings)") {
			t.Errorf("verify with a torn tail: exit %d\n%s", code, out)
		}
		if fileSize(t, p) != size+30 {
			t.Errorf("verify changed the file")
		}
	})
}

func fileSize(t *testing.T, p string) int64 {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Size()
}

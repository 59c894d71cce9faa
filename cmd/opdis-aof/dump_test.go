package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"opdis/aofbinlog"
	"opdis/node/osenv"
)

// sample builds a three-file log: op ids 1-10, 11-25, 26-40, with an
// entry in db 3, an expiry DEL, a SET + PEXPIREAT entry, a transaction
// that SELECTs db 2, and binary arguments.
func sample(t testing.TB, dir string) (*logBuilder, []string) {
	b := newLog(t, dir)
	var files []string
	live, _ := b.l.LiveFile()
	files = append(files, live)
	b.sets(0, 3)
	b.cmd(3, "set", "in3", "x") // 4
	b.sets(0, 5)
	b.expired(0, "k1")                                                                // 6
	b.sets(0, 7)                                                                      // 7
	b.cmd2(0, []string{"set", "t", "v"}, []string{"PEXPIREAT", "t", "1700003600000"}) // 8
	b.sets(0, 10)
	files = append(files, b.split())
	b.tx(0, []string{"SELECT", "2"}, []string{"set", "a", "b"}, []string{"incr", "c"}) // 11
	b.sets(1, 19)
	b.cmd(1, "set", "bin\x00\xff", "line\nbreak \"q\"") // 20
	b.sets(1, 25)
	files = append(files, b.split())
	b.sets(0, 40)
	b.close()
	return b, files
}

func TestDumpFindVerify(t *testing.T) {
	dir := t.TempDir()
	b, files := sample(t, dir)
	before := dirState(t, dir)

	out, errOut, code := runTool(t, "dump", dir)
	if code != 0 {
		t.Fatalf("dump: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 40 {
		t.Fatalf("dump printed %d lines, want 40:\n%s", len(lines), out)
	}
	for i, ln := range lines {
		if want := strconv.Itoa(i+1) + " "; !strings.HasPrefix(ln, want) {
			t.Errorf("line %d: %q does not start with op id %d", i+1, ln, i+1)
		}
	}
	for _, want := range []string{
		`1 2023-11-14T22:13:20.000Z db=0 sid=42 epoch=7 "set" "k1" "v1"`,
		`4 2023-11-14T22:13:20.750Z db=3 sid=42 epoch=7 "set" "in3" "x"`,
		`6 2023-11-14T22:13:21.250Z db=0 sid=42 epoch=7 flags=expire "DEL" "k1"`,
		`8 2023-11-14T22:13:21.750Z db=0 sid=42 epoch=7 "set" "t" "v" ; "PEXPIREAT" "t" "1700003600000"`,
		`11 2023-11-14T22:13:22.500Z db=0 sid=42 epoch=7 "MULTI" ; "SELECT" "2" ; "set" "a" "b" ; "incr" "c" ; "EXEC"`,
		`20 2023-11-14T22:13:24.750Z db=1 sid=42 epoch=7 "set" "bin\x00\xff" "line\nbreak \"q\""`,
	} {
		op, _ := strconv.Atoi(strings.Fields(want)[0])
		if lines[op-1] != want {
			t.Errorf("dump line %d:\n got %s\nwant %s", op, lines[op-1], want)
		}
	}

	// --from/--to use the lookup and bound the range; flags may follow DIR.
	out, _, code = runTool(t, "dump", dir, "--from", "12", "--to", "14")
	if code != 0 || strings.Count(out, "\n") != 3 || !strings.HasPrefix(out, "12 ") || !strings.Contains(out, "\n14 ") {
		t.Errorf("dump --from 12 --to 14: exit %d\n%s", code, out)
	}
	// --db 2 matches the transaction that SELECTs 2; --db 3 the one entry.
	out, _, _ = runTool(t, "dump", "--db", "2", dir)
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "11 ") {
		t.Errorf("dump --db 2:\n%s", out)
	}
	out, _, _ = runTool(t, "dump", "--db", "3", dir)
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "4 ") {
		t.Errorf("dump --db 3:\n%s", out)
	}
	// --raw writes the entries' exact bytes, across a file boundary.
	out, _, code = runTool(t, "dump", "--raw", "--from", "8", "--to", "27", dir)
	if code != 0 || out != string(b.rawRange(8, 27)) {
		t.Errorf("dump --raw 8..27: exit %d, %d bytes, want the %d bytes written", code, len(out), len(b.rawRange(8, 27)))
	}
	// --from past the end says what the log holds.
	if _, errOut, code := runTool(t, "dump", "--from", "99", dir); code != 1 || !strings.Contains(errOut, "1 to 40") {
		t.Errorf("dump --from 99: exit %d: %s", code, errOut)
	}

	// find: every op id, at the offset where its bytes are.
	for op := int64(1); op <= 40; op++ {
		out, errOut, code := runTool(t, "find", strconv.FormatInt(op, 10), dir)
		if code != 0 {
			t.Fatalf("find %d: exit %d: %s", op, code, errOut)
		}
		f := strings.Fields(strings.SplitN(out, "\n", 2)[0])
		if len(f) != 2 {
			t.Fatalf("find %d: %q", op, out)
		}
		off, _ := strconv.ParseInt(f[1], 10, 64)
		data, err := os.ReadFile(filepath.Join(dir, f[0]))
		if err != nil {
			t.Fatal(err)
		}
		raw := b.entry(op).raw
		if off+int64(len(raw)) > int64(len(data)) || !bytes.Equal(data[off:off+int64(len(raw))], raw) {
			t.Errorf("find %d: %s offset %d does not hold the entry", op, f[0], off)
		}
		wantFile := files[0]
		if op > 25 {
			wantFile = files[2]
		} else if op > 10 {
			wantFile = files[1]
		}
		if f[0] != wantFile {
			t.Errorf("find %d: file %s, want %s", op, f[0], wantFile)
		}
		if second := strings.SplitN(out, "\n", 2)[1]; second != lines[op-1]+"\n" {
			t.Errorf("find %d printed entry %q, dump has %q", op, second, lines[op-1])
		}
	}
	if _, errOut, code := runTool(t, "find", "41", dir); code != 1 || !strings.Contains(errOut, "op ids 1 to 40") {
		t.Errorf("find 41: exit %d, %q", code, errOut)
	}
	if _, _, code := runTool(t, "find", "zero", dir); code != 2 {
		t.Errorf("find zero: exit %d, want 2", code)
	}

	out, errOut, code = runTool(t, "verify", dir)
	if code != 0 || !strings.Contains(out, "entries: 40, op ids 1 to 40, time 2023-11-14T22:13:20.000Z to 2023-11-14T22:13:29.750Z") ||
		!strings.Contains(out, "files: 3 listed, 3 read") || !strings.Contains(out, "OK (0 warnings)") {
		t.Errorf("verify: exit %d\n%s%s", code, out, errOut)
	}
	checkUnchanged(t, dir, before)
}

// TestFindUsesIndex checks that find answers from the index: with a file
// before the target made unreadable garbage (same size), the lookup never
// reads it; a scan from the start would fail.
func TestFindUsesIndex(t *testing.T) {
	dir := t.TempDir()
	_, files := sample(t, dir)
	p := filepath.Join(dir, files[0])
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, bytes.Repeat([]byte{'#'}, int(st.Size())), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runTool(t, "find", "33", dir)
	if code != 0 || !strings.HasPrefix(out, files[2]+" ") {
		t.Errorf("find 33 with file 1 destroyed: exit %d\n%s%s", code, out, errOut)
	}
	// verify, which reads everything, does notice.
	out, _, code = runTool(t, "verify", dir)
	if code != 1 || !strings.Contains(out, "ERROR "+files[0]+" offset 0: ") {
		t.Errorf("verify with file 1 destroyed: exit %d\n%s", code, out)
	}
}

func TestProgress(t *testing.T) {
	dir := t.TempDir()
	sample(t, dir)
	_, errOut, code := runTool(t, "dump", "--progress", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	fs, _ := osenv.NewFS(dir)
	l, err := aofbinlog.Open(fs, aofbinlog.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	total := l.TotalSize()
	l.Close()
	want := "dump: " + mib(total) + " / " + mib(total) + " bytes (100%), 40 entries, "
	if !strings.Contains(errOut, want) || !strings.HasSuffix(errOut, " entries/s\n") {
		t.Errorf("progress output %q, want a line with %q", errOut, want)
	}
	if _, errOut, _ := runTool(t, "dump", dir); errOut != "" {
		t.Errorf("without --progress (stderr not a terminal) got %q", errOut)
	}
}

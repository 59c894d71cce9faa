package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"opdis/aofbinlog"
	"opdis/node/osenv"
	"opdis/wire"
	"opdis/wire/rdb"
)

// logBuilder writes an opdis AOF directory the way the node does, through
// aofbinlog, and remembers every entry it wrote.
type logBuilder struct {
	t     testing.TB
	dir   string
	fs    *osenv.FS
	l     *aofbinlog.Log
	next  int64 // op id of the next entry
	ms    int64 // time of the next entry
	now   int64 // unix seconds for the next split's file name
	epoch int64
	ents  []builtEntry
}

type builtEntry struct {
	h   wire.Header
	raw []byte
}

const baseMs = 1_700_000_000_000 // 2023-11-14T22:13:20Z

func newLog(t testing.TB, dir string) *logBuilder {
	t.Helper()
	fs, err := osenv.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := aofbinlog.Open(fs, aofbinlog.Options{Fsync: aofbinlog.FsyncNo, CheckEntries: true})
	if err != nil {
		t.Fatal(err)
	}
	b := &logBuilder{t: t, dir: dir, fs: fs, l: l, next: 1, ms: baseMs, now: baseMs / 1000, epoch: 7}
	b.split()
	return b
}

func (b *logBuilder) split() string {
	b.t.Helper()
	name, err := b.l.Split(b.now)
	if err != nil {
		b.t.Fatal(err)
	}
	b.now++
	return name
}

// header is the next entry's header: version 2, 250 ms after the last.
func (b *logBuilder) header(db int, cmdNum, flag uint8) wire.Header {
	h := wire.Header{Version: 2, CmdNum: cmdNum, CmdFlag: flag, DB: uint16(db), Timestamp: int32(b.ms / 1000),
		ServerID: 42, OpID: b.next, SrcOpID: -1, Epoch: b.epoch, TimestampMs: b.ms}
	b.next++
	b.ms += 250
	return h
}

func (b *logBuilder) write(h wire.Header, cmds ...[][]byte) int64 {
	b.t.Helper()
	raw := wire.AppendEntry(nil, h, cmds...)
	if err := b.l.Append(raw, h); err != nil {
		b.t.Fatal(err)
	}
	b.ents = append(b.ents, builtEntry{h: h, raw: raw})
	return h.OpID
}

func args(s ...string) [][]byte {
	out := make([][]byte, len(s))
	for i, a := range s {
		out[i] = []byte(a)
	}
	return out
}

// cmd appends one entry with one command.
func (b *logBuilder) cmd(db int, a ...string) int64 {
	return b.write(b.header(db, wire.CmdNumOne, 0), args(a...))
}

// cmd2 appends one entry with two commands (SET + PEXPIREAT).
func (b *logBuilder) cmd2(db int, a1, a2 []string) int64 {
	return b.write(b.header(db, wire.CmdNumTwo, 0), args(a1...), args(a2...))
}

// lone appends a lone header carrying the next op id, which the next
// entry repeats (ApsaraCache's replica revert rule).
func (b *logBuilder) lone(db int) {
	b.write(b.header(db, wire.CmdNumOne, 0))
	b.next--
}

// expired appends an expiry DEL.
func (b *logBuilder) expired(db int, key string) int64 {
	return b.write(b.header(db, wire.CmdNumOne, wire.FlagDelByExpire), args("DEL", key))
}

// tx appends a transaction: MULTI, the commands, EXEC.
func (b *logBuilder) tx(db int, cmds ...[]string) int64 {
	all := [][][]byte{args("MULTI")}
	for _, c := range cmds {
		all = append(all, args(c...))
	}
	all = append(all, args("EXEC"))
	return b.write(b.header(db, wire.CmdNumTransaction, 0), all...)
}

// sets appends SET k<op> v<op> entries up to op id last.
func (b *logBuilder) sets(db int, last int64) {
	for b.next <= last {
		op := b.next
		b.cmd(db, "set", "k"+itoa(op), "v"+itoa(op))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// snapshot writes a fake snapshot file (opaque bytes that start like an
// RDB) and an rdb.index at the live file's current end.
func (b *logBuilder) snapshot(name string) []byte {
	b.t.Helper()
	data := b.snapshotFile(name)
	b.writeRDBIndex(name)
	return data
}

// writeRDBIndex records snapshot name at the live file's current end.
func (b *logBuilder) writeRDBIndex(name string) {
	b.t.Helper()
	live, size := b.l.LiveFile()
	if err := b.l.Sync(); err != nil {
		b.t.Fatal(err)
	}
	idx := aofbinlog.RDBIndex{RDB: name, AOF: live, Offset: size, NextOpID: b.next, LastEpoch: b.epoch,
		Applied: []aofbinlog.Applied{{ServerID: 5, OpID: 99}}}
	if err := b.l.WriteRDBIndex(idx); err != nil {
		b.t.Fatal(err)
	}
}

// snapshotFile writes only the snapshot file: an RDB holding one key that
// names the op id it stands for, and opdis's next-opid aux field.
func (b *logBuilder) snapshotFile(name string) []byte {
	b.t.Helper()
	return b.snapshotFileAt(name, b.next)
}

// snapshotFileAt writes a snapshot that stands for the op ids before next.
func (b *logBuilder) snapshotFileAt(name string, next int64) []byte {
	b.t.Helper()
	var buf bytes.Buffer
	enc := rdb.NewEncoder(&buf)
	enc.Aux("opdis-next-opid", itoa(next))
	enc.SelectDB(0, 1, 0)
	enc.Key([]byte("snapshot"), rdb.Value{Type: rdb.TypeString, Str: []byte("up to op id " + itoa(next-1))}, -1)
	if err := enc.Finish(); err != nil {
		b.t.Fatal(err)
	}
	data := buf.Bytes()
	if err := os.WriteFile(filepath.Join(b.dir, name), data, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return data
}

func (b *logBuilder) close() {
	b.t.Helper()
	if err := b.l.Close(); err != nil {
		b.t.Fatal(err)
	}
}

// entry returns the entry with op id op.
func (b *logBuilder) entry(op int64) builtEntry {
	for _, e := range b.ents {
		if e.h.OpID == op {
			return e
		}
	}
	b.t.Fatalf("no entry %d", op)
	return builtEntry{}
}

// rawRange is the bytes of entries from..to, as written.
func (b *logBuilder) rawRange(from, to int64) []byte {
	var out []byte
	for _, e := range b.ents {
		if e.h.OpID >= from && e.h.OpID <= to {
			out = append(out, e.raw...)
		}
	}
	return out
}

// runTool runs the command in-process.
func runTool(t testing.TB, a ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(a, &o, &e)
	return o.String(), e.String(), code
}

// loadDir opens dir as the node will and returns the raw bytes of the
// entries its load yields, and its rdb.index.
func loadDir(t testing.TB, dir string) ([]byte, *aofbinlog.RDBIndex) {
	t.Helper()
	fs, err := osenv.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := aofbinlog.Open(fs, aofbinlog.Options{ReadOnly: true, Verify: true})
	if err != nil {
		t.Fatalf("open restored %s: %v", dir, err)
	}
	defer l.Close()
	ld, err := l.Load(aofbinlog.Stop{})
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for {
		rec, err := ld.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec.Raw...)
	}
	var idx *aofbinlog.RDBIndex
	if i, ok := l.RDBIndex(); ok {
		idx = &i
	}
	return out, idx
}

// fileState is a file's bytes and modification time.
type fileState struct {
	data  string
	mtime time.Time
}

// dirState is the state of every file in dir.
func dirState(t testing.TB, dir string) map[string]fileState {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]fileState)
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fileState{data: string(data), mtime: st.ModTime()}
	}
	return out
}

func checkUnchanged(t testing.TB, dir string, before map[string]fileState) {
	t.Helper()
	after := dirState(t, dir)
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			t.Errorf("source file %s was removed", name)
		case a.data != b.data:
			t.Errorf("source file %s changed", name)
		case !a.mtime.Equal(b.mtime):
			t.Errorf("source file %s mtime changed: %v -> %v", name, b.mtime, a.mtime)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			t.Errorf("source dir has a new file %s", name)
		}
	}
}

package aofbinlog_test

import (
	"errors"
	"io"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"opdis/aofbinlog"
	"opdis/sim/simfs"
	"opdis/wire"
)

func TestAppendSplitLookupReopen(t *testing.T) {
	fs := newFS()
	opts := aofbinlog.Options{Fsync: aofbinlog.FsyncAlways, MarkEvery: 300}
	l := open(t, fs, opts)
	if e, h := ent(1); !errors.Is(l.Append(e, h), aofbinlog.ErrNoLiveFile) {
		t.Fatal("Append with no file should fail with ErrNoLiveFile")
	}
	split(t, l, 100)
	appendN(t, l, 1, 50)
	split(t, l, 101)
	split(t, l, 101) // no-op: the live file is empty
	appendN(t, l, 51, 120)
	split(t, l, 101) // same second: suffixed
	appendN(t, l, 121, 130)
	check := func(l *aofbinlog.Log) {
		t.Helper()
		for op := int64(1); op <= 130; op++ {
			pos, found, err := l.Lookup(op)
			if err != nil || !found {
				t.Fatalf("Lookup(%d) = %v %v %v", op, pos, found, err)
			}
			h, ok, err := l.HeaderOf(op)
			if err != nil || !ok || h.OpID != op || h.Epoch != 7 {
				t.Fatalf("HeaderOf(%d) = %+v %v %v", op, h, ok, err)
			}
		}
		if pos, found, _ := l.Lookup(131); found || pos.File != "appendonly-inc-101-1.aof" {
			t.Fatalf("Lookup past the end = %v %v", pos, found)
		}
		if got := readFrom(t, l, 40); !slices.Equal(got, seq(40, 130)) {
			t.Fatalf("reader from 40: %v", got)
		}
		if l.LastOpID() != 130 || l.MinOpID() != 1 {
			t.Fatalf("last %d min %d", l.LastOpID(), l.MinOpID())
		}
	}
	check(l)
	want := "appendonly-inc-100.aof 1 1000 50\nappendonly-inc-101.aof 51 51000 120\nappendonly-inc-101-1.aof\n"
	if got, _ := fs.ReadFile(aofbinlog.IndexName); string(got) != want {
		t.Fatalf("index:\n%s\nwant:\n%s", got, want)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l = open(t, fs, opts)
	check(l)
	appendN(t, l, 131, 131)
	if e, h := ent(5); !errors.Is(l.Append(e, h), aofbinlog.ErrOpIDOrder) {
		t.Fatal("an op id going back was accepted")
	}
	e, h := ent(132)
	h.OpID = 133
	if err := l.Append(e, h); err == nil || !strings.Contains(err.Error(), "entry bytes say 132") {
		t.Fatalf("header/bytes mismatch: %v", err)
	}
	if err := l.Append([]byte("*1\r\n$4\r\nPING\r\n"), h); err == nil {
		t.Fatal("a non-entry was appended")
	}
	l.Close()
	l = open(t, fs, aofbinlog.Options{CheckEntries: true})
	e, h = ent(132)
	for _, bad := range [][]byte{e[:len(e)-3], append(append([]byte(nil), e...), e...), append(append([]byte(nil), e...), "*1\r\n"...)} {
		if err := l.Append(bad, h); err == nil {
			t.Fatalf("CheckEntries accepted %q", bad)
		}
	}
	if err := l.Append(e, h); err != nil {
		t.Fatal(err)
	}
}

func TestTornTailRepaired(t *testing.T) {
	for _, tc := range []struct {
		name string
		tail func() []byte
	}{
		{"half an entry", func() []byte { e, _ := ent(11); return e[:len(e)/2] }},
		{"one of two commands", func() []byte {
			_, h := ent(11)
			h.CmdNum = wire.CmdNumTwo
			return wire.AppendEntry(nil, h, [][]byte{[]byte("set"), []byte("a"), []byte("b")})
		}},
		{"transaction without exec", func() []byte {
			_, h := ent(11)
			h.CmdNum = wire.CmdNumTransaction
			return wire.AppendEntry(nil, h, [][]byte{[]byte("multi")}, [][]byte{[]byte("incr"), []byte("x")})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := newFS()
			l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
			name := split(t, l, 1)
			appendN(t, l, 1, 10)
			l.Close()
			whole, _ := fs.ReadFile(name)
			fs.WriteFile(name, append(slices.Clone(whole), tc.tail()...))
			torn, _ := fs.ReadFile(name)

			// aof-load-truncated no: an error, nothing changed.
			_, err := aofbinlog.Open(fs, aofbinlog.Options{RefuseTornTail: true})
			var ce *aofbinlog.CorruptError
			if !errors.As(err, &ce) || !ce.Torn || ce.File != name || ce.Offset != int64(len(whole)) {
				t.Fatalf("RefuseTornTail: %v", err)
			}
			// Read-only: reported and hidden, the file left alone.
			ro := open(t, fs, aofbinlog.Options{ReadOnly: true})
			if r, ok := ro.Repaired(); !ok || r.Truncated || r.Offset != int64(len(whole)) {
				t.Fatalf("read-only repair = %+v %v", r, ok)
			}
			if got := readFrom(t, ro, 1); !slices.Equal(got, seq(1, 10)) {
				t.Fatalf("read-only read %v", got)
			}
			if now, _ := fs.ReadFile(name); string(now) != string(torn) {
				t.Fatal("read-only Open modified the file")
			}
			// Default: truncated at the last whole entry, op ids continue.
			l = open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
			r, ok := l.Repaired()
			if !ok || !r.Truncated || r.File != name || r.Offset != int64(len(whole)) || r.Size != int64(len(torn)) {
				t.Fatalf("repair = %+v %v", r, ok)
			}
			if now, _ := fs.ReadFile(name); string(now) != string(whole) {
				t.Fatal("file not truncated to the whole entries")
			}
			if l.LastOpID() != 10 {
				t.Fatalf("last op id %d", l.LastOpID())
			}
			appendN(t, l, 11, 12)
			if got := readFrom(t, l, 1); !slices.Equal(got, seq(1, 12)) {
				t.Fatalf("read %v", got)
			}
		})
	}
}

func TestTornFirstEntryOfLiveFile(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{})
	split(t, l, 1)
	appendN(t, l, 1, 3)
	name := split(t, l, 2)
	l.Close()
	e, _ := ent(4)
	fs.WriteFile(name, e[:20])
	l = open(t, fs, aofbinlog.Options{})
	if r, ok := l.Repaired(); !ok || r.Offset != 0 {
		t.Fatalf("repair %+v %v", r, ok)
	}
	if l.LastOpID() != 3 {
		t.Fatalf("last %d", l.LastOpID())
	}
	appendN(t, l, 4, 4)
}

func TestCorruptionNamesFileAndOffset(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{MarkEvery: 200})
	first := split(t, l, 1)
	appendN(t, l, 1, 10)
	split(t, l, 2)
	appendN(t, l, 11, 20)
	l.Close()
	data, _ := fs.ReadFile(first)
	e5, _ := ent(5)
	off := 0
	for op := int64(1); op < 5; op++ {
		e, _ := ent(op)
		off += len(e)
	}
	bad := slices.Clone(data)
	bad[off] = '?' // entry 5 no longer starts with '*'
	fs.WriteFile(first, bad)
	before, _ := fs.List()

	want := first + ": corrupt entry at offset " + itoa(int64(off))
	if _, err := aofbinlog.Open(fs, aofbinlog.Options{Verify: true}); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Verify: %v, want %q", err, want)
	}
	l = open(t, fs, aofbinlog.Options{}) // the damage is not in the last file
	if _, err := l.NewReader(1); err != nil {
		t.Fatal(err)
	}
	if _, _, err := l.Lookup(7); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Lookup across the damage: %v", err)
	}
	if _, err := l.NewReader(15); err != nil {
		t.Fatalf("the other file is fine: %v", err)
	}
	ld, _ := l.Load(aofbinlog.Stop{})
	var err error
	for err == nil {
		_, err = ld.Next()
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("Load: %v", err)
	}
	if after, _ := fs.List(); !slices.Equal(before, after) {
		t.Fatalf("files changed: %v -> %v", before, after)
	}
	_ = e5
}

func TestIndexProblemsAreErrors(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{})
	a := split(t, l, 1)
	appendN(t, l, 1, 3)
	b := split(t, l, 2)
	appendN(t, l, 4, 5)
	l.Close()
	good, _ := fs.ReadFile(aofbinlog.IndexName)

	fs.WriteFile(aofbinlog.IndexName, []byte(string(good)+"appendonly-inc-3.aof\n"))
	if _, err := aofbinlog.Open(fs, aofbinlog.Options{}); err == nil || !strings.Contains(err.Error(), "line 3: appendonly-inc-3.aof is listed but does not exist") {
		t.Fatalf("missing file: %v", err)
	}
	fs.WriteFile(aofbinlog.IndexName, []byte(string(good)+"#garbage!\n"))
	if _, err := aofbinlog.Open(fs, aofbinlog.Options{}); err == nil || !strings.Contains(err.Error(), "aof-inc.index line 3") {
		t.Fatalf("garbage: %v", err)
	}
	fs.WriteFile(aofbinlog.IndexName, []byte(a+" 2 1000 3\n"+b+"\n"))
	if _, err := aofbinlog.Open(fs, aofbinlog.Options{Verify: true}); err == nil || !strings.Contains(err.Error(), "says the first op id is 2") {
		t.Fatalf("wrong first op id: %v", err)
	}
	fs.WriteFile(aofbinlog.IndexName, []byte(a+" 0 0 0\n"+b+"\n"))
	if _, err := aofbinlog.Open(fs, aofbinlog.Options{}); err == nil || !strings.Contains(err.Error(), "says "+a+" is empty") {
		t.Fatalf("index says empty: %v", err)
	}
	// ApsaraCache's bare names load.
	fs.WriteFile(aofbinlog.IndexName, []byte(a+"\n"+b+"\n"))
	l = open(t, fs, aofbinlog.Options{})
	if got := readFrom(t, l, 2); !slices.Equal(got, seq(2, 5)) {
		t.Fatalf("bare index: %v", got)
	}
	l.Close()
	// rdb.index naming an unlisted AOF.
	fs.WriteFile(aofbinlog.RDBIndexName, []byte("dump.rdb appendonly-inc-9.aof 0 1\n\n"))
	if _, err := aofbinlog.Open(fs, aofbinlog.Options{}); err == nil || !strings.Contains(err.Error(), "names appendonly-inc-9.aof") {
		t.Fatalf("rdb.index: %v", err)
	}
	fs.WriteFile(aofbinlog.RDBIndexName, []byte("dump.rdb "+a+" 99999 1\n\n"))
	if _, err := aofbinlog.Open(fs, aofbinlog.Options{}); err == nil || !strings.Contains(err.Error(), "offset 99999 is past the end") {
		t.Fatalf("rdb.index offset: %v", err)
	}
	for _, n := range []string{a, b} {
		if _, err := fs.Stat(n); err != nil {
			t.Fatalf("%s was deleted", n)
		}
	}
}

func TestWriteFaults(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
	name := split(t, l, 1)
	appendN(t, l, 1, 3)
	size, _ := fs.Stat(name)

	fs.Inject(simfs.Fault{Op: simfs.OpWrite, Count: 1, Err: syscall.ENOSPC, Short: true})
	e, h := ent(4)
	if err := l.Append(e, h); !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), name) {
		t.Fatalf("ENOSPC: %v", err)
	}
	if now, _ := fs.Stat(name); now != size {
		t.Fatalf("short write not rolled back: %d -> %d", size, now)
	}
	appendN(t, l, 4, 5) // the disk has room again

	fs.Inject(simfs.Fault{Op: simfs.OpSync, Count: 1, Err: syscall.EIO})
	e, h = ent(6)
	if err := l.Append(e, h); !errors.Is(err, syscall.EIO) {
		t.Fatalf("EIO: %v", err)
	}
	if l.LastOpID() != 5 || l.SyncedOpID() != 5 {
		t.Fatalf("an unsynced entry counted: last %d synced %d", l.LastOpID(), l.SyncedOpID())
	}
	e, h = ent(7)
	if err := l.Append(e, h); !errors.Is(err, syscall.EIO) || l.Err() == nil {
		t.Fatalf("log not poisoned after a failed fsync: %v", err)
	}
	if _, err := l.Split(2); err == nil {
		t.Fatal("split on a poisoned log")
	}
	// After power loss, reopening gives what was acknowledged.
	fs.CrashClean()
	l = open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
	if got := readFrom(t, l, 1); !slices.Equal(got, seq(1, 5)) {
		t.Fatalf("after crash: %v", got)
	}
}

func TestEverySec(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncEverySec})
	split(t, l, 1)
	syncs := fs.Stats().Syncs
	appendN(t, l, 1, 5)
	if fs.Stats().Syncs != syncs || l.SyncedOpID() != 0 {
		t.Fatal("everysec synced on append")
	}
	if err := l.SyncIfDue(5000); err != nil || l.SyncedOpID() != 5 {
		t.Fatalf("SyncIfDue: %v synced %d", err, l.SyncedOpID())
	}
	appendN(t, l, 6, 6)
	l.SyncIfDue(5500) // under a second later: not yet
	if l.SyncedOpID() != 5 {
		t.Fatal("synced twice within a second")
	}
	l.SyncIfDue(6000)
	if l.SyncedOpID() != 6 {
		t.Fatal("not synced a second later")
	}
	appendN(t, l, 7, 8)
	fs.CrashClean()
	l = open(t, fs, aofbinlog.Options{})
	if l.LastOpID() != 6 {
		t.Fatalf("after crash: last %d, want the synced 6", l.LastOpID())
	}
}

func TestPurgeGuards(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{})
	var names []string
	for i := int64(0); i < 6; i++ {
		names = append(names, split(t, l, 10+i))
		appendN(t, l, i*10+1, i*10+10)
	}
	// files: [1-10] [11-20] [21-30] [31-40] [41-50] [51-60, live]
	if got, err := l.Purge(names[4], 0); err != nil || got != nil {
		t.Fatalf("no rdb.index: purged %v %v", got, err)
	}
	if err := l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "dump.rdb", AOF: names[3], NextOpID: 31}); err != nil {
		t.Fatal(err)
	}
	r, err := l.NewReader(15)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Purge(names[4], 0); !slices.Equal(got, names[:1]) {
		t.Fatalf("reader in file 1: purged %v", got)
	}
	r.Close()
	if got, _ := l.Purge(names[4], 25); !slices.Equal(got, names[1:2]) {
		t.Fatalf("min op id 25: purged %v", got)
	}
	if got, _ := l.Purge(names[4], 0); !slices.Equal(got, names[2:3]) {
		t.Fatalf("rdb guard: purged %v", got)
	}
	if l.MinOpID() != 31 {
		t.Fatalf("min op id %d", l.MinOpID())
	}
	if err := l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "dump.rdb", AOF: names[5], NextOpID: 51}); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Purge(names[5], 0); !slices.Equal(got, names[3:5]) {
		t.Fatalf("live guard: purged %v", got)
	}
	for _, n := range names[:5] {
		if _, err := fs.Stat(n); !aofbinlog.IsNotExist(err) {
			t.Fatalf("%s still on disk", n)
		}
	}
	want := names[5] + "\n"
	if got, _ := fs.ReadFile(aofbinlog.IndexName); string(got) != want {
		t.Fatalf("index %q", got)
	}
	l.Close()
	l = open(t, fs, aofbinlog.Options{})
	if l.MinOpID() != 51 || l.LastOpID() != 60 {
		t.Fatalf("after reopen: min %d last %d", l.MinOpID(), l.LastOpID())
	}
}

func TestPurgeToSize(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{})
	var names []string
	for i := int64(0); i < 5; i++ {
		names = append(names, split(t, l, 10+i))
		appendN(t, l, i*10+1, i*10+10)
	}
	l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "d.rdb", AOF: names[4], NextOpID: 41})
	size := l.Files()[0].Size
	got, err := l.PurgeToSize(2*size+size/2, 0) // room for two and a half files
	if err != nil || !slices.Equal(got, names[:3]) {
		t.Fatalf("purged %v %v", got, err)
	}
}

func TestLoadAndPITR(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{})
	split(t, l, 1)
	appendN(t, l, 1, 10)
	b := split(t, l, 2)
	appendN(t, l, 11, 15)
	_, off := l.LiveFile()
	appendN(t, l, 16, 20)
	split(t, l, 3)
	appendN(t, l, 21, 30)
	if ops, _ := loadAll(t, l, aofbinlog.Stop{}); !slices.Equal(ops, seq(1, 30)) {
		t.Fatalf("no rdb.index: load %v", ops)
	}
	if err := l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "dump.rdb", AOF: b, Offset: off, NextOpID: 16, LastEpoch: 7}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	l = open(t, fs, aofbinlog.Options{ReadOnly: true})
	if idx, ok := l.RDBIndex(); !ok || idx.NextOpID != 16 || idx.LastEpoch != 7 {
		t.Fatalf("rdb.index %+v", idx)
	}
	if ops, _ := loadAll(t, l, aofbinlog.Stop{}); !slices.Equal(ops, seq(16, 30)) {
		t.Fatalf("load %v", ops)
	}
	ops, ld := loadAll(t, l, aofbinlog.Stop{OpID: 24})
	if !slices.Equal(ops, seq(16, 24)) || ld.LastOpID() != 24 {
		t.Fatalf("stop at op 24: %v", ops)
	}
	pos, ok := ld.Stopped()
	if p, _, _ := l.Lookup(25); !ok || pos != p {
		t.Fatalf("stopped at %v, op 25 is at %v", pos, p)
	}
	ops, _ = loadAll(t, l, aofbinlog.Stop{TimeMs: 18500}) // entry op has time op*1000 ms
	if !slices.Equal(ops, seq(16, 18)) {
		t.Fatalf("stop at time: %v", ops)
	}
	// The one-field (AOF off) form loads nothing from the AOF.
	fs.WriteFile(aofbinlog.RDBIndexName, []byte("dump.rdb\n"))
	l = open(t, fs, aofbinlog.Options{ReadOnly: true})
	if ops, _ := loadAll(t, l, aofbinlog.Stop{}); len(ops) != 0 {
		t.Fatalf("AOF-off rdb.index: %v", ops)
	}
}

func TestReaderFollowsSplitsAndCatchesUp(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{})
	split(t, l, 1)
	appendN(t, l, 1, 3)
	r, err := l.NewReader(2)
	if err != nil {
		t.Fatal(err)
	}
	if got := drain(t, r); !slices.Equal(got, []int64{2, 3}) {
		t.Fatalf("got %v", got)
	}
	appendN(t, l, 4, 4)
	split(t, l, 2)
	split(t, l, 2)
	appendN(t, l, 5, 6)
	if got := drain(t, r); !slices.Equal(got, []int64{4, 5, 6}) {
		t.Fatalf("after split: %v", got)
	}
	r.Close()
	end, err := l.NewReader(7) // the next op id: a reader at the live end
	if err != nil {
		t.Fatal(err)
	}
	appendN(t, l, 7, 7)
	if got := drain(t, end); !slices.Equal(got, []int64{7}) {
		t.Fatalf("from the end: %v", got)
	}
	end.Close()
	if _, err := l.NewReader(9); !errors.Is(err, aofbinlog.ErrNotInLog) {
		t.Fatalf("NewReader past the end: %v", err)
	}
}

func TestLoneHeadersTolerated(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{})
	split(t, l, 1)
	appendN(t, l, 1, 2)
	_, h := ent(3)
	lone := wire.AppendEntry(nil, h)
	if err := l.Append(lone, h); err != nil { // a lone header, then the real op 3
		t.Fatal(err)
	}
	appendN(t, l, 3, 4)
	pos, found, _ := l.Lookup(3)
	if !found {
		t.Fatal("op 3 not found")
	}
	r, _ := l.NewReader(3)
	rec, _ := r.Next()
	if rec.Offset != pos.Offset || len(rec.Entry.Commands) != 0 {
		t.Fatalf("reader from 3 should start at the lone header: %+v", rec)
	}
	r.Close()
	l.Close()
	l = open(t, fs, aofbinlog.Options{Verify: true})
	if l.LastOpID() != 4 {
		t.Fatalf("last %d", l.LastOpID())
	}
}

func TestTruncateFrom(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{MarkEvery: 200})
	var names []string
	for i := int64(0); i < 4; i++ {
		names = append(names, split(t, l, 10+i))
		appendN(t, l, i*10+1, i*10+10)
	}
	l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "d.rdb", AOF: names[1], Offset: 0, NextOpID: 11})
	if err := l.TruncateFrom(5); err == nil || !strings.Contains(err.Error(), "before rdb.index") {
		t.Fatalf("cut before the snapshot: %v", err)
	}
	r, _ := l.NewReader(30)
	if err := l.TruncateFrom(17); !errors.Is(err, aofbinlog.ErrBusy) {
		t.Fatalf("cut under a reader: %v", err)
	}
	r.Close()
	if err := l.TruncateFrom(17); err != nil {
		t.Fatal(err)
	}
	if l.LastOpID() != 16 {
		t.Fatalf("last %d", l.LastOpID())
	}
	for _, n := range names[2:] {
		if _, err := fs.Stat(n); !aofbinlog.IsNotExist(err) {
			t.Fatalf("%s not removed", n)
		}
	}
	appendN(t, l, 17, 25)
	if got := readFrom(t, l, 1); !slices.Equal(got, seq(1, 25)) {
		t.Fatalf("after truncate: %v", got)
	}
	l.Sync()
	fs.CrashClean()
	l = open(t, fs, aofbinlog.Options{})
	if got := readFrom(t, l, 1); !slices.Equal(got, seq(1, 25)) {
		t.Fatalf("after crash: %v", got)
	}
	if l.TruncateFrom(11) != nil || l.LastOpID() != 10 {
		t.Fatalf("cut a whole file: last %d", l.LastOpID())
	}
	if f := l.Files(); len(f) != 2 || f[1].Size != 0 {
		t.Fatalf("files %+v", f)
	}
}

func TestSplitCrashLeavesUsableDir(t *testing.T) {
	// Crash between creating the new file and committing the index (the
	// index write fails): the orphan is not listed, and a later split in
	// the same second does not reuse its name.
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
	split(t, l, 5)
	appendN(t, l, 1, 2)
	fs.Inject(simfs.Fault{Op: simfs.OpRename, Count: 1, Err: syscall.EIO})
	if _, err := l.Split(6); err == nil {
		t.Fatal("split with a failing rename succeeded")
	}
	appendN(t, l, 3, 3) // still on the old live file
	fs.Remove("appendonly-inc-6.aof")
	fs.WriteFile("appendonly-inc-6.aof", nil) // as if a crash left it behind
	l.Close()
	l = open(t, fs, aofbinlog.Options{})
	if got := split(t, l, 6); got != "appendonly-inc-6-1.aof" {
		t.Fatalf("split picked %s", got)
	}
	if d := cmp.Diff([]int64{1, 2, 3}, readFrom(t, l, 1)); d != "" {
		t.Fatal(d)
	}
}

func TestKillInsideSplitThenPowerLoss(t *testing.T) {
	// The process dies at the directory fsync that commits a split's
	// index: the rename is in the OS only. The next Open loads that index
	// and appends to the new file; a power loss must not roll the index
	// back under entries fsynced there (simulator seed 3982).
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
	split(t, l, 5)
	appendN(t, l, 1, 2)
	dirSyncs, dead := 0, false
	fs.Hook = func(op simfs.Op, name string) error {
		if op == simfs.OpSyncDir {
			dirSyncs++
			dead = dead || dirSyncs == 2
		}
		if dead {
			return syscall.EIO // killed: no later call reaches the disk
		}
		return nil
	}
	if _, err := l.Split(6); err == nil {
		t.Fatal("split with a failing directory fsync succeeded")
	}
	fs.Hook = nil
	l = open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways}) // the restart after the kill
	if f := l.Files(); len(f) != 2 || f[1].Name != "appendonly-inc-6.aof" {
		t.Fatalf("files after the kill %+v", f)
	}
	appendN(t, l, 3, 4)
	fs.Crash(zeroRand{}) // power loss: no un-synced directory operation survives
	l = open(t, fs, aofbinlog.Options{})
	if d := cmp.Diff([]int64{1, 2, 3, 4}, readFrom(t, l, 1)); d != "" {
		t.Fatal(d)
	}
}

type zeroRand struct{}

func (zeroRand) Uint64() uint64 { return 0 }

func TestSideCarMarks(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncNo, MarkEvery: 4096})
	var names []string
	for i := int64(0); i < 3; i++ {
		names = append(names, split(t, l, 10+i))
		appendN(t, l, i*10000+1, i*10000+10000) // ~1 MiB per file
	}
	l.Close()
	lookup := func(l *aofbinlog.Log, op int64) int64 {
		t.Helper()
		before := fs.Stats().BytesRead
		if _, found, err := l.Lookup(op); err != nil || !found {
			t.Fatalf("Lookup(%d): %v %v", op, found, err)
		}
		return fs.Stats().BytesRead - before
	}
	l = open(t, fs, aofbinlog.Options{ReadOnly: true, MarkEvery: 4096})
	if n := lookup(l, 9999); n > 100<<10 {
		t.Fatalf("lookup in an old file read %d bytes: side-car not used", n)
	}
	for _, op := range []int64{1, 5000, 10000, 10001, 19999, 25000} {
		lookup(l, op)
	}
	// A damaged side-car is ignored: the file is scanned instead.
	side, _ := fs.ReadFile(names[0] + ".marks")
	side[len(side)-10] ^= 1
	fs.WriteFile(names[0]+".marks", side)
	l = open(t, fs, aofbinlog.Options{ReadOnly: true, MarkEvery: 4096})
	if n := lookup(l, 9999); n < 500<<10 {
		t.Fatalf("lookup read only %d bytes with a damaged side-car", n)
	}
	if got := readFrom(t, l, 9990); !slices.Equal(got, seq(9990, 30000)) {
		t.Fatal("read after damaged side-car")
	}
	// Purge removes the side-car with its file.
	l = open(t, fs, aofbinlog.Options{})
	l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "d.rdb", AOF: names[2], NextOpID: 20001})
	if _, err := l.Purge(names[1], 0); err != nil {
		t.Fatal(err)
	}
	if names, _ := fs.List(); slices.ContainsFunc(names, func(n string) bool { return strings.HasSuffix(n, ".marks") }) {
		t.Fatalf("side-cars left: %v", names)
	}
}

func TestFullResyncStartsNewHistory(t *testing.T) {
	fs := newFS()
	l := open(t, fs, aofbinlog.Options{})
	old := split(t, l, 1)
	appendN(t, l, 1, 50) // a history that is being replaced
	l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "d.rdb", AOF: old, NextOpID: 1})
	live := split(t, l, 2)
	if err := l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "d.rdb", AOF: live, NextOpID: 20}); err != nil {
		t.Fatal(err)
	}
	if e, h := ent(20); !errors.Is(l.Append(e, h), aofbinlog.ErrOpIDOrder) {
		t.Fatal("op id 20 after 50 accepted while the old history is listed")
	}
	if got, err := l.Purge(old, 0); err != nil || !slices.Equal(got, []string{old}) {
		t.Fatalf("purge %v %v", got, err)
	}
	appendN(t, l, 20, 25)
	l.Close()
	l = open(t, fs, aofbinlog.Options{})
	if ops, _ := loadAll(t, l, aofbinlog.Stop{}); !slices.Equal(ops, seq(20, 25)) {
		t.Fatalf("load %v", ops)
	}
}

// FuzzOpen: whatever the last AOF file holds, Open either fails with an
// error or gives a log whose entries all read back; it never panics.
func FuzzOpen(f *testing.F) {
	e1, _ := ent(1)
	e2, _ := ent(2)
	f.Add(append(append([]byte(nil), e1...), e2...), false)
	f.Add(append(append([]byte(nil), e1...), e2[:30]...), true)
	f.Add([]byte("*2\r\n$6\r\nopinfo\r\n$32\r\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, two bool) {
		fs := simfs.New()
		index := "a.aof\n"
		if two {
			fs.WriteFile("z.aof", e1)
			index = "z.aof 1 1000 1\na.aof\n"
		}
		fs.WriteFile("a.aof", data)
		fs.WriteFile(aofbinlog.IndexName, []byte(index))
		l, err := aofbinlog.Open(fs, aofbinlog.Options{MarkEvery: 64})
		if err != nil {
			return
		}
		files := l.Files()
		r, err := l.NewReaderAt(aofbinlog.Pos{File: files[0].Name})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("entry %d: %v", n, err)
			}
			n++
		}
		for op := int64(0); op <= l.LastOpID()+1 && op < 100; op++ {
			if _, _, err := l.Lookup(op); err != nil {
				t.Fatalf("Lookup(%d): %v", op, err)
			}
		}
		e, h := ent(l.LastOpID() + 1)
		if err := l.Append(e, h); err != nil {
			t.Fatalf("Append after Open: %v", err)
		}
	})
}

// TestSplitIndexNotDurable: the directory fsync after a split's index
// rename fails (EIO, the process lives on). Readers already see the new
// index, which lists the new file, and a crash may bring the old one back:
// the log must keep the new file, write nothing more until reopened, and
// reopen consistent with either index. The same holds for rdb.index.
func TestSplitIndexNotDurable(t *testing.T) {
	for _, powerLoss := range []bool{false, true} {
		fs := newFS()
		l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
		live := split(t, l, 5)
		appendN(t, l, 1, 2)
		fs.Hook = func(op simfs.Op, name string) error {
			if op == simfs.OpSyncDir {
				return syscall.EIO
			}
			return nil
		}
		err := l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "d.rdb", AOF: live, Offset: 0, NextOpID: 1})
		fs.Hook = nil
		if !errors.Is(err, aofbinlog.ErrNotDurable) {
			t.Fatalf("rdb.index with a failing directory fsync: %v", err)
		}
		if e, h := ent(3); l.Append(e, h) == nil {
			t.Fatal("the log took an entry after rdb.index was left not durable")
		}
		if powerLoss {
			fs.Crash(zeroRand{})
		}
		l = open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
		if d := cmp.Diff([]int64{1, 2}, readFrom(t, l, 1)); d != "" {
			t.Fatalf("rdb.index, power loss %v: %s", powerLoss, d)
		}
		l.Close()
	}
	for _, powerLoss := range []bool{false, true} {
		fs := newFS()
		l := open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
		split(t, l, 5)
		appendN(t, l, 1, 2)
		dirSyncs := 0
		fs.Hook = func(op simfs.Op, name string) error {
			if op == simfs.OpSyncDir {
				if dirSyncs++; dirSyncs == 2 { // the one after the rename
					return syscall.EIO
				}
			}
			return nil
		}
		if _, err := l.Split(6); !errors.Is(err, aofbinlog.ErrNotDurable) {
			t.Fatalf("split with a failing index fsync: %v", err)
		}
		fs.Hook = nil
		if e, h := ent(3); l.Append(e, h) == nil {
			t.Fatal("the log took an entry after its index was left not durable")
		}
		if powerLoss {
			fs.Crash(zeroRand{}) // the rename is lost: the old index is back
		}
		l = open(t, fs, aofbinlog.Options{Fsync: aofbinlog.FsyncAlways})
		if d := cmp.Diff([]int64{1, 2}, readFrom(t, l, 1)); d != "" {
			t.Fatalf("power loss %v: %s", powerLoss, d)
		}
		appendN(t, l, 3, 3)
		l.Close()
	}
}

package aofbinlog_test

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"

	"pgregory.net/rapid"

	"opdis/aofbinlog"
	"opdis/sim/simfs"
	"opdis/wire"
)

// The model: files of entries, how many entries of the last file are
// fsynced (every other file is fsynced whole), where rdb.index points.
type mEntry struct {
	op   int64
	lone bool
	raw  []byte
}

type mFile struct {
	name string
	ents []mEntry
}

type model struct {
	files   []mFile
	synced  int    // entries of the last file known to be fsynced
	rdbFile string // "" when there is no rdb.index
	rdbIdx  int    // entries of rdbFile before the rdb.index offset
}

func (m *model) all() []mEntry {
	var out []mEntry
	for _, f := range m.files {
		out = append(out, f.ents...)
	}
	return out
}

func (m *model) last() *mFile { return &m.files[len(m.files)-1] }

func (m *model) lastOp() int64 {
	for i := len(m.files) - 1; i >= 0; i-- {
		if n := len(m.files[i].ents); n > 0 {
			return m.files[i].ents[n-1].op
		}
	}
	return 0
}

// nextOp: a lone header's op id is used again by the entry after it.
func (m *model) nextOp(base int64) int64 {
	for i := len(m.files) - 1; i >= 0; i-- {
		if n := len(m.files[i].ents); n > 0 {
			e := m.files[i].ents[n-1]
			if e.lone {
				return e.op
			}
			return e.op + 1
		}
	}
	return base
}

func (m *model) fileIdx(name string) int {
	for i, f := range m.files {
		if f.name == name {
			return i
		}
	}
	return -1
}

// start mirrors the lookup rule: the last non-empty file whose first op
// id is ≤ op (else the first non-empty file), then the first entry there
// or later with op id ≥ op. It returns (file, entry) or (-1, -1) at the end.
func (m *model) start(op int64) (int, int) {
	fi := -1
	for i, f := range m.files {
		if len(f.ents) == 0 {
			continue
		}
		if fi < 0 || f.ents[0].op <= op {
			fi = i
		}
		if f.ents[0].op > op {
			break
		}
	}
	if fi < 0 {
		return -1, -1
	}
	for i := fi; i < len(m.files); i++ {
		for j, e := range m.files[i].ents {
			if e.op >= op {
				return i, j
			}
		}
	}
	return -1, -1
}

func (m *model) from(fi, ei int) []mEntry {
	if fi < 0 {
		return nil
	}
	out := slices.Clone(m.files[fi].ents[ei:])
	for _, f := range m.files[fi+1:] {
		out = append(out, f.ents...)
	}
	return out
}

func (m *model) contains(op int64) bool {
	for _, e := range m.all() {
		if e.op == op {
			return true
		}
	}
	return false
}

func modelEntry(op int64, lone bool, pad int) mEntry {
	h := wire.Header{Version: 2, CmdNum: wire.CmdNumOne, Timestamp: int32(op), ServerID: 1, OpID: op, SrcOpID: -1, Epoch: op % 3, TimestampMs: op * 1000}
	if lone {
		return mEntry{op: op, lone: true, raw: wire.AppendEntry(nil, h)}
	}
	v := strings.Repeat("v", pad)
	return mEntry{op: op, raw: wire.AppendEntry(nil, h, [][]byte{[]byte("set"), []byte(fmt.Sprint("k", op)), []byte(v)})}
}

func readEntries(t *rapid.T, r *aofbinlog.Reader) []mEntry {
	var out []mEntry
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, mEntry{op: rec.Entry.Header.OpID, lone: len(rec.Entry.Commands) == 0, raw: slices.Clone(rec.Raw)})
	}
}

func sameEntries(t *rapid.T, what string, want, got []mEntry) {
	if len(want) != len(got) {
		t.Fatalf("%s: %d entries, want %d (got ops %v, want %v)", what, len(got), len(want), ops(got), ops(want))
	}
	for i := range want {
		if want[i].op != got[i].op || string(want[i].raw) != string(got[i].raw) {
			t.Fatalf("%s: entry %d is op %d, want op %d (or bytes differ: %q vs %q)", what, i, got[i].op, want[i].op, got[i].raw, want[i].raw)
		}
	}
}

func ops(es []mEntry) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.op
	}
	return out
}

type openReader struct {
	r    *aofbinlog.Reader
	want []mEntry // what it has yet to read, as of the model now
}

// TestModel drives a Log on simfs with random appends, lone headers,
// splits, syncs, lookups, readers, purges, snapshots, truncations, write
// faults, clean reopens and crashes (torn writes included), and checks it
// against the model after every step.
func TestModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		policy := rapid.SampledFrom([]aofbinlog.FsyncPolicy{aofbinlog.FsyncAlways, aofbinlog.FsyncEverySec, aofbinlog.FsyncNo}).Draw(t, "policy")
		opts := aofbinlog.Options{Fsync: policy, CheckEntries: true, MarkEvery: rapid.SampledFrom([]int64{1, 150, 1000, 64 << 10}).Draw(t, "markEvery")}
		fs := simfs.New()
		l, err := aofbinlog.Open(fs, opts)
		if err != nil {
			t.Fatal(err)
		}
		now := int64(1000)
		base := rapid.Int64Range(1, 1e12).Draw(t, "firstOpID")
		name, err := l.Split(now)
		if err != nil {
			t.Fatal(err)
		}
		m := &model{files: []mFile{{name: name}}}
		var readers []*openReader
		closeReaders := func() {
			for _, r := range readers {
				r.r.Close()
			}
			readers = nil
		}
		reopen := func(crash bool) {
			closeReaders()
			if crash {
				fs.Crash(rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "crashSeed"), 0)))
			} else if err := l.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			l, err = aofbinlog.Open(fs, opts)
			if err != nil {
				t.Fatalf("reopen: %v", err)
			}
			last := m.last()
			if crash {
				// The last file keeps its synced entries plus some prefix
				// of the rest.
				var got []mEntry
				if files := l.Files(); len(files) > 0 {
					r, err := l.NewReaderAt(aofbinlog.Pos{File: files[0].Name})
					if err != nil {
						t.Fatalf("reader after crash: %v", err)
					}
					got = readEntries(t, r)
					r.Close()
				}
				before := len(m.all()) - len(last.ents)
				kept := len(got) - before
				if kept < 0 || kept > len(last.ents) {
					t.Fatalf("crash kept %d entries of the last file, %d written", kept, len(last.ents))
				}
				want := m.all()[:len(got)]
				if n := len(got); kept > m.synced && n > 0 && got[n-1].lone && !want[n-1].lone &&
					strings.HasPrefix(string(want[n-1].raw), string(got[n-1].raw)) {
					// Torn right after the header: it reads as a lone header.
					want[n-1] = got[n-1]
					last.ents[kept-1] = got[n-1]
				}
				sameEntries(t, "after crash", want, got)
				// Every synced entry survives.
				if kept < m.synced {
					t.Fatalf("crash kept %d entries of the last file; %d were synced, %d written (policy %v)", kept, m.synced, len(last.ents), policy)
				}
				last.ents = last.ents[:kept]
				m.synced = kept
				return
			}
			m.synced = len(m.last().ents)
		}
		doAppend := func(t *rapid.T, lone bool) {
			e := modelEntry(m.nextOp(base), lone, rapid.IntRange(0, 300).Draw(t, "pad"))
			h, _ := wire.DecodeHeader(e.raw[len("*2\r\n$6\r\nopinfo\r\n$48\r\n"):][:48])
			if err := l.Append(e.raw, h); err != nil {
				t.Fatalf("Append %d: %v", e.op, err)
			}
			last := m.last()
			last.ents = append(last.ents, e)
			if policy == aofbinlog.FsyncAlways {
				m.synced = len(last.ents)
			}
			for _, r := range readers {
				r.want = append(r.want, e)
			}
		}

		t.Repeat(map[string]func(*rapid.T){
			"Append": func(t *rapid.T) {
				for n := rapid.IntRange(1, 8).Draw(t, "n"); n > 0; n-- {
					doAppend(t, false)
				}
			},
			"AppendLoneHeader": func(t *rapid.T) { doAppend(t, true) },
			"Split": func(t *rapid.T) {
				now += rapid.Int64Range(0, 2).Draw(t, "dt")
				name, err := l.Split(now)
				if err != nil {
					t.Fatalf("Split: %v", err)
				}
				if len(m.last().ents) == 0 {
					if name != m.last().name {
						t.Fatalf("split of an empty live file made %s", name)
					}
					return
				}
				if !strings.HasPrefix(name, fmt.Sprintf("appendonly-inc-%d", now)) || m.fileIdx(name) >= 0 {
					t.Fatalf("split named %s at %d", name, now)
				}
				m.files = append(m.files, mFile{name: name})
				m.synced = 0
			},
			"Sync": func(t *rapid.T) {
				if err := l.Sync(); err != nil {
					t.Fatal(err)
				}
				m.synced = len(m.last().ents)
			},
			"SyncIfDue": func(t *rapid.T) {
				now += 1
				if err := l.SyncIfDue(now * 1000); err != nil {
					t.Fatal(err)
				}
				if policy == aofbinlog.FsyncEverySec {
					m.synced = len(m.last().ents)
				}
			},
			"Lookup": func(t *rapid.T) {
				op := rapid.Int64Range(base-2, max(m.lastOp(), base)+2).Draw(t, "op")
				pos, found, err := l.Lookup(op)
				if err != nil {
					t.Fatalf("Lookup(%d): %v", op, err)
				}
				if found != m.contains(op) {
					t.Fatalf("Lookup(%d) found=%v", op, found)
				}
				fi, ei := m.start(op)
				if fi >= 0 {
					off := 0
					for _, e := range m.files[fi].ents[:ei] {
						off += len(e.raw)
					}
					if pos.File != m.files[fi].name || pos.Offset != int64(off) {
						t.Fatalf("Lookup(%d) = %v, want %s at %d", op, pos, m.files[fi].name, off)
					}
				}
				if found {
					h, ok, err := l.HeaderOf(op)
					if err != nil || !ok || h.OpID != op || h.Epoch != op%3 {
						t.Fatalf("HeaderOf(%d) = %+v %v %v", op, h, ok, err)
					}
				}
			},
			"NewReader": func(t *rapid.T) {
				if len(readers) >= 3 {
					return
				}
				op := rapid.Int64Range(l.MinOpID(), m.lastOp()+1).Draw(t, "from")
				r, err := l.NewReader(op)
				fi, ei := m.start(op)
				if !m.contains(op) && op != m.lastOp()+1 {
					if !errors.Is(err, aofbinlog.ErrNotInLog) {
						t.Fatalf("NewReader(%d) of an op id not in the log: %v", op, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("NewReader(%d): %v", op, err)
				}
				readers = append(readers, &openReader{r: r, want: m.from(fi, ei)})
			},
			"ReadSome": func(t *rapid.T) {
				if len(readers) == 0 {
					return
				}
				i := rapid.IntRange(0, len(readers)-1).Draw(t, "reader")
				or := readers[i]
				for n := rapid.IntRange(1, 10).Draw(t, "n"); n > 0; n-- {
					rec, err := or.r.Next()
					if len(or.want) == 0 {
						if !errors.Is(err, io.EOF) {
							t.Fatalf("reader not caught up: %+v %v", rec.Entry.Header, err)
						}
						break
					}
					if err != nil || rec.Entry.Header.OpID != or.want[0].op || string(rec.Raw) != string(or.want[0].raw) {
						t.Fatalf("reader: got op %d (%v), want %d", rec.Entry.Header.OpID, err, or.want[0].op)
					}
					or.want = or.want[1:]
				}
				if rapid.Bool().Draw(t, "close") {
					or.r.Close()
					readers = slices.Delete(readers, i, i+1)
				}
			},
			"Snapshot": func(t *rapid.T) {
				name, size := l.LiveFile()
				idx := aofbinlog.RDBIndex{RDB: "dump.rdb", AOF: name, Offset: size, NextOpID: m.nextOp(base), LastEpoch: 5}
				if err := l.WriteRDBIndex(idx); err != nil {
					t.Fatalf("WriteRDBIndex: %v", err)
				}
				m.rdbFile, m.rdbIdx = name, len(m.last().ents)
				if size > 0 {
					m.synced = len(m.last().ents)
				}
			},
			"Purge": func(t *rapid.T) {
				upTo := rapid.IntRange(0, len(m.files)-1).Draw(t, "upTo")
				minOp := int64(0)
				if rapid.Bool().Draw(t, "guard") {
					minOp = rapid.Int64Range(base, max(base, m.lastOp()+1)).Draw(t, "minOp")
				}
				// Expected: stop at the rdb file, the live file, a reader's
				// file, and the file holding minOp.
				limit := len(m.files) - 1
				if m.rdbFile == "" {
					limit = 0
				} else {
					limit = min(limit, m.fileIdx(m.rdbFile))
				}
				for _, r := range readers {
					limit = min(limit, m.fileIdx(r.r.Pos().File))
				}
				if minOp > 0 && minOp <= m.lastOp() {
					g := 0
					for i, f := range m.files {
						if len(f.ents) > 0 && f.ents[0].op <= minOp {
							g = i
						}
					}
					limit = min(limit, g)
				}
				n := min(upTo+1, limit)
				var want []string
				for _, f := range m.files[:max(n, 0)] {
					want = append(want, f.name)
				}
				got, err := l.Purge(m.files[upTo].name, minOp)
				if err != nil {
					t.Fatalf("Purge: %v", err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("Purge(%s, %d) removed %v, want %v", m.files[upTo].name, minOp, got, want)
				}
				m.files = m.files[len(want):]
			},
			"TruncateFrom": func(t *rapid.T) {
				if m.lastOp() == 0 {
					return
				}
				op := rapid.Int64Range(max(base, m.lastOp()-20), m.lastOp()).Draw(t, "op")
				fi, ei := m.start(op)
				err := l.TruncateFrom(op)
				if fi < 0 {
					if err != nil {
						t.Fatal(err)
					}
					return
				}
				if m.rdbFile != "" {
					ri := m.fileIdx(m.rdbFile)
					if fi < ri || (fi == ri && ei < m.rdbIdx) {
						if err == nil || !strings.Contains(err.Error(), "before rdb.index") {
							t.Fatalf("TruncateFrom(%d) before the snapshot: %v", op, err)
						}
						return
					}
				}
				for _, r := range readers {
					if m.fileIdx(r.r.Pos().File) >= fi {
						if !errors.Is(err, aofbinlog.ErrBusy) {
							t.Fatalf("TruncateFrom(%d) under a reader: %v", op, err)
						}
						return
					}
				}
				if err != nil {
					t.Fatalf("TruncateFrom(%d): %v", op, err)
				}
				before := len(m.all())
				m.files = m.files[:fi+1]
				m.last().ents = m.last().ents[:ei]
				m.synced = ei
				cut := before - len(m.all())
				for _, r := range readers { // all before the cut
					r.want = r.want[:len(r.want)-cut]
				}
			},
			"WriteFault": func(t *rapid.T) {
				before, _ := l.LiveFile()
				size, _ := fs.Stat(before)
				fs.Inject(simfs.Fault{Op: simfs.OpWrite, Count: 1, Err: syscall.ENOSPC, Short: rapid.Bool().Draw(t, "short")})
				e := modelEntry(m.nextOp(base), false, 10)
				h, _ := wire.DecodeHeader(e.raw[len("*2\r\n$6\r\nopinfo\r\n$48\r\n"):][:48])
				if err := l.Append(e.raw, h); !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("Append on a full disk: %v", err)
				}
				if now, _ := fs.Stat(before); now != size {
					t.Fatalf("failed append left %d bytes behind", now-size)
				}
			},
			"SyncFailsThenCrash": func(t *rapid.T) {
				fs.Inject(simfs.Fault{Op: simfs.OpSync, Count: 1, Err: syscall.EIO})
				var err error
				if policy == aofbinlog.FsyncAlways {
					e := modelEntry(m.nextOp(base), false, 1)
					h, _ := wire.DecodeHeader(e.raw[len("*2\r\n$6\r\nopinfo\r\n$48\r\n"):][:48])
					err = l.Append(e.raw, h)
					// Not acknowledged, but its bytes may survive the crash.
					m.last().ents = append(m.last().ents, e)
				} else {
					if len(m.last().ents) == m.synced {
						fs.ClearFaults()
						return // nothing to sync: no fsync happens
					}
					err = l.Sync()
				}
				if !errors.Is(err, syscall.EIO) || l.Err() == nil {
					t.Fatalf("fsync failure not reported and sticky: %v", err)
				}
				reopen(true)
			},
			"Reopen": func(t *rapid.T) { reopen(false) },
			"Crash":  func(t *rapid.T) { reopen(true) },
			"": func(t *rapid.T) {
				if l.LastOpID() != m.lastOp() {
					t.Fatalf("LastOpID %d, model %d", l.LastOpID(), m.lastOp())
				}
				files := l.Files()
				if len(files) != len(m.files) {
					t.Fatalf("%d files, model %d", len(files), len(m.files))
				}
				for i, f := range files {
					size := 0
					for _, e := range m.files[i].ents {
						size += len(e.raw)
					}
					if f.Name != m.files[i].name || f.Size != int64(size) {
						t.Fatalf("file %d: %s %d bytes, model %s %d", i, f.Name, f.Size, m.files[i].name, size)
					}
				}
				if all := m.all(); len(all) > 0 && l.MinOpID() != all[0].op {
					t.Fatalf("MinOpID %d, model %d", l.MinOpID(), all[0].op)
				}
			},
		})
		// At the end: Load from the snapshot yields the model's entries.
		closeReaders()
		ld, err := l.Load(aofbinlog.Stop{})
		if err != nil {
			t.Fatal(err)
		}
		var got []mEntry
		for {
			rec, err := ld.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			got = append(got, mEntry{op: rec.Entry.Header.OpID, raw: slices.Clone(rec.Raw)})
		}
		want := m.all()
		if m.rdbFile != "" {
			want = m.from(m.fileIdx(m.rdbFile), m.rdbIdx)
		}
		sameEntries(t, "Load", want, got)
		l.Close()
	})
}

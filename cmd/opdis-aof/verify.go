package main

// verify: every check of a data directory, every problem reported.

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"opdis/aofbinlog"
	"opdis/node/osenv"
	"opdis/wire"
	"opdis/wire/rdb"
)

var verifyCmd = &command{
	name: "verify", args: "DIR", nargs: 1,
	summary: "check the files, the index files and the op ids",
	help: `
Checks the AOF directory DIR and prints every problem with its file and
byte offset, then a summary (files, entries, bytes, op-id and time range,
rdb.index). Exits 1 if there is any problem.

Checks: the log opens as the node opens it (aofbinlog, read-only, every
file read); every file aof-inc.index lists exists and holds whole, valid
entries (a corrupt entry is reported and skipped to the next opinfo, so
later problems are found too); the first op id, first timestamp and last
op id an index line records match the file; op ids go up by exactly one
per entry, within and across files (a lone header may repeat an op id).
The one place a jump is allowed is the rdb.index position: the snapshot
covers the op ids before next_opid, so the entry there only has to be
next_opid. rdb.index must name an existing snapshot that starts like an
RDB file, and an AOF file of the index with the offset on an entry
boundary within it, where the entry (if any) has op id next_opid; its
epoch must match entry next_opid-1 when the log still holds it. Without
rdb.index the log must start at op id 1.

Warnings (exit 0): an incomplete entry at the end of the last file (a
torn write; the node's load cuts it), an index line of the live file that
disagrees with it, AOF files the index does not list.`,
	setup: func(fs *flag.FlagSet) func(*cmdEnv, []string) error {
		return func(env *cmdEnv, args []string) error { return verify(env, args[0]) }
	},
}

type verifier struct {
	out      io.Writer
	fsys     *osenv.FS
	prog     *progress
	problems int
	warnings int

	rdb      *aofbinlog.RDBIndex
	rdbState int          // 0 position not reached, 1 waiting for the entry after it, 2 checked
	epochHdr *wire.Header // entry next_opid-1
	snapKeys int          // keys in the snapshot

	damaged   bool // entries were lost to a missing file or bad bytes
	havePrev  bool // op-id order: the previous entry
	prev      int64
	prevLone  bool
	prevWhere string

	files, entries  int64
	bytes           int64
	firstOp, lastOp int64
	minTs, maxTs    int64
}

func where(file string, off int64) string {
	if off < 0 {
		return file
	}
	return fmt.Sprintf("%s offset %d", file, off)
}

func (v *verifier) problem(file string, off int64, format string, args ...any) {
	v.problems++
	fmt.Fprintf(v.out, "ERROR %s: %s\n", where(file, off), fmt.Sprintf(format, args...))
}

func (v *verifier) warn(file string, off int64, format string, args ...any) {
	v.warnings++
	fmt.Fprintf(v.out, "WARN  %s: %s\n", where(file, off), fmt.Sprintf(format, args...))
}

func verify(env *cmdEnv, dir string) error {
	if err := checkDir(dir); err != nil {
		return err
	}
	fsys, err := osenv.NewFS(dir)
	if err != nil {
		return err
	}
	v := &verifier{out: env.stdout, fsys: fsys}
	// The load as the node does it: it stops at the first problem, so the
	// checks below go on independently to find them all.
	var openErr error
	if l, err := aofbinlog.Open(fsys, aofbinlog.Options{ReadOnly: true, Verify: true}); err != nil {
		openErr = err
	} else {
		l.Close()
	}
	lines, ok := v.readIndex()
	if ok {
		v.readRDBIndex(lines)
		var total int64
		for _, ln := range lines {
			if n, err := fsys.Stat(ln.Name); err == nil {
				total += n
			}
		}
		v.prog = newProgress(env, "verify", total)
		for i, ln := range lines {
			if err := v.checkFile(i, ln, i == len(lines)-1); err != nil {
				v.problem(ln.Name, -1, "%v", err)
			}
		}
		v.prog.done()
		v.checkRDB()
		v.checkUnlisted(lines)
	}
	if openErr != nil {
		v.problem(dir, -1, "the node's load fails: %v", openErr)
	}
	v.summary(lines)
	if v.problems > 0 {
		return errProblems
	}
	return nil
}

// readIndex reads and parses aof-inc.index.
func (v *verifier) readIndex() ([]aofbinlog.IndexLine, bool) {
	data, err := aofbinlog.ReadSmallFile(v.fsys, aofbinlog.IndexName)
	if aofbinlog.IsNotExist(err) {
		v.problem(aofbinlog.IndexName, -1, "missing: no AOF log in this directory")
		return nil, false
	}
	if err != nil {
		v.problem(aofbinlog.IndexName, -1, "%v", strings.TrimPrefix(err.Error(), aofbinlog.IndexName+": "))
		return nil, false
	}
	lines, err := aofbinlog.ParseIndex(data)
	if err != nil {
		v.problem(aofbinlog.IndexName, -1, "%v", err)
		return nil, false
	}
	return lines, true
}

func (v *verifier) readRDBIndex(lines []aofbinlog.IndexLine) {
	idx, err := aofbinlog.ReadRDBIndex(v.fsys)
	if aofbinlog.IsNotExist(err) {
		return
	}
	if err != nil {
		v.problem(aofbinlog.RDBIndexName, -1, "%v", err)
		return
	}
	v.rdb = &idx
	if idx.AOF == "" {
		v.rdbState = 2
		return
	}
	if !slices.ContainsFunc(lines, func(l aofbinlog.IndexLine) bool { return l.Name == idx.AOF }) {
		v.problem(aofbinlog.RDBIndexName, -1, "names %s, which %s does not list", idx.AOF, aofbinlog.IndexName)
		v.rdbState = 2
	}
}

// checkFile scans one listed file.
func (v *verifier) checkFile(i int, ln aofbinlog.IndexLine, last bool) error {
	name := ln.Name
	size, err := v.fsys.Stat(name)
	if aofbinlog.IsNotExist(err) {
		v.problem(aofbinlog.IndexName, -1, "line %d: %s is listed but does not exist", i+1, name)
		v.havePrev = false // the gap it leaves is this problem, not another
		v.damaged = true
		return nil
	}
	if err != nil {
		return err
	}
	f, err := v.fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	v.files++
	v.bytes += size
	rdbHere := v.rdb != nil && v.rdb.AOF == name && v.rdbState == 0
	sc := newFileScanner(f, size)
	var first, firstTs, lastOp, whole int64
	for {
		e, raw, off, err := sc.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var se *scanError
		if errors.As(err, &se) && se.torn {
			if last {
				v.warn(name, off, "incomplete entry at the end of the file (%d bytes, a torn write: the node's load cuts it): %v", size-off, se.err)
			} else {
				v.problem(name, off, "incomplete entry at the end of a file that is not the last (%d bytes): %v", size-off, se.err)
				v.damaged = true
			}
			break
		}
		if se != nil {
			next, err := sc.skip()
			if err != nil {
				return err
			}
			v.problem(name, off, "corrupt entry: %v (%d bytes skipped, to offset %d)", se.err, next-off, next)
			if rdbHere && off <= v.rdb.Offset && v.rdb.Offset < next {
				v.problem(aofbinlog.RDBIndexName, -1, "offset %d in %s falls in the corrupt bytes at %d to %d", v.rdb.Offset, name, off, next)
				v.rdbState = 2
			}
			v.havePrev, v.damaged = false, true
			v.prog.add(next-off, 0)
			continue
		}
		if err != nil {
			return err
		}
		h := e.Header
		end := off + int64(len(raw))
		whole = end
		gapOK := false
		switch {
		case rdbHere && v.rdbState == 0 && off == v.rdb.Offset, v.rdbState == 1:
			v.rdbAt(h, name, off)
			gapOK = h.OpID == v.rdb.NextOpID
		case rdbHere && v.rdbState == 0 && off < v.rdb.Offset && v.rdb.Offset < end:
			v.problem(aofbinlog.RDBIndexName, -1, "offset %d in %s is not an entry boundary: it is inside the entry at offset %d (op id %d, %d bytes)", v.rdb.Offset, name, off, h.OpID, len(raw))
			v.rdbState = 2
		}
		v.checkOrder(name, off, h, len(e.Commands) == 0, gapOK)
		if v.rdb != nil && h.OpID == v.rdb.NextOpID-1 && v.epochHdr == nil {
			v.epochHdr = &h
		}
		if first == 0 {
			first, firstTs = h.OpID, h.TimeMs()
		}
		lastOp = h.OpID
		v.stats(h)
		v.prog.add(int64(len(raw)), 1)
	}
	if rdbHere && v.rdbState == 0 {
		if v.rdb.Offset == whole {
			v.rdbState = 1 // the entry after the snapshot is the next one read
		} else if v.rdb.Offset > whole {
			v.problem(aofbinlog.RDBIndexName, -1, "offset %d is past the end of the whole entries of %s (%d)", v.rdb.Offset, name, whole)
			v.rdbState = 2
		}
	}
	v.checkLine(i, ln, last, first, firstTs, lastOp)
	return nil
}

// rdbAt checks the entry at the rdb.index position.
func (v *verifier) rdbAt(h wire.Header, name string, off int64) {
	v.rdbState = 2
	if want := max(v.rdb.NextOpID, 1); h.OpID != want {
		v.problem(aofbinlog.RDBIndexName, -1, "the entry at its position (%s offset %d) has op id %d, next_opid is %d", name, off, h.OpID, v.rdb.NextOpID)
	}
}

// checkOrder checks that op ids go up by one; a lone header may repeat
// the op id of the entry before or after it.
func (v *verifier) checkOrder(name string, off int64, h wire.Header, lone, gapOK bool) {
	op := h.OpID
	if v.havePrev {
		switch {
		case op == v.prev+1:
		case op == v.prev && (lone || v.prevLone):
		case op > v.prev+1 && gapOK:
		case op > v.prev+1:
			v.problem(name, off, "op id %d follows op id %d (%s): op ids %d to %d are missing", op, v.prev, v.prevWhere, v.prev+1, op-1)
		default:
			v.problem(name, off, "op id %d follows op id %d (%s): op ids must go up by one", op, v.prev, v.prevWhere)
		}
	}
	v.havePrev, v.prev, v.prevLone = true, op, lone
	v.prevWhere = where(name, off)
}

func (v *verifier) stats(h wire.Header) {
	ts := h.TimeMs()
	if v.entries == 0 {
		v.firstOp, v.minTs, v.maxTs = h.OpID, ts, ts
	}
	v.entries++
	v.lastOp = h.OpID
	v.minTs, v.maxTs = min(v.minTs, ts), max(v.maxTs, ts)
}

// checkLine compares what an index line records with the file. The live
// file's line is not read by the node (it reads the file), so a
// disagreement there is only a warning.
func (v *verifier) checkLine(i int, ln aofbinlog.IndexLine, last bool, first, firstTs, lastOp int64) {
	if !ln.Known {
		return
	}
	report := v.problem
	if last {
		report = v.warn
	}
	at := fmt.Sprintf("line %d", i+1)
	if ln.FirstOpID != first {
		report(aofbinlog.IndexName, -1, "%s: %s first op id %d, the file starts with %d", at, ln.Name, ln.FirstOpID, first)
	} else if ln.FirstTsMs != firstTs {
		report(aofbinlog.IndexName, -1, "%s: %s first timestamp %d ms, the file's first entry has %d", at, ln.Name, ln.FirstTsMs, firstTs)
	}
	if ln.LastOpID >= 0 && ln.LastOpID != lastOp {
		report(aofbinlog.IndexName, -1, "%s: %s last op id %d, the file ends with %d", at, ln.Name, ln.LastOpID, lastOp)
	}
}

// checkRDB finishes the rdb.index checks once every file is read.
func (v *verifier) checkRDB() {
	if v.rdb == nil {
		if v.entries > 0 && v.firstOp != 1 && !v.damaged {
			v.problem(aofbinlog.RDBIndexName, -1, "missing, and the log starts at op id %d: a load replays the log from its first file, so op ids 1 to %d are lost", v.firstOp, v.firstOp-1)
		}
		return
	}
	idx := v.rdb
	if err := v.checkSnapshot(idx); err != nil {
		v.problem(aofbinlog.RDBIndexName, -1, "snapshot %s: %v", idx.RDB, err)
	}
	if v.rdbState == 0 {
		v.problem(aofbinlog.RDBIndexName, -1, "its position %s offset %d could not be checked: the file is missing or unreadable", idx.AOF, idx.Offset)
	}
	if h := v.epochHdr; idx.LastEpoch != 0 && h != nil && h.Version >= 2 && h.Epoch != idx.LastEpoch {
		v.problem(aofbinlog.RDBIndexName, -1, "epoch=%d, but entry %d (next_opid-1) has epoch %d", idx.LastEpoch, h.OpID, h.Epoch)
	}
}

// checkSnapshot decodes the whole snapshot (every record and the
// checksum) and checks that the op id it records agrees with rdb.index.
func (v *verifier) checkSnapshot(idx *aofbinlog.RDBIndex) error {
	f, err := v.fsys.Open(idx.RDB)
	if err != nil {
		return err
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return err
	}
	dec := rdb.NewDecoder(bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 256<<10))
	keys := 0
	for {
		rec, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch {
		case rec.Kind == rdb.KindKey:
			keys++
		case rec.Kind == rdb.KindAux && rec.AuxKey == "opdis-next-opid" && idx.AOF != "":
			if rec.AuxVal != strconv.FormatInt(idx.NextOpID, 10) {
				return fmt.Errorf("records next op id %s, %s says %d", rec.AuxVal, aofbinlog.RDBIndexName, idx.NextOpID)
			}
		}
	}
	v.snapKeys = keys
	return nil
}

// checkUnlisted warns about AOF files the index does not list.
func (v *verifier) checkUnlisted(lines []aofbinlog.IndexLine) {
	names, err := v.fsys.List()
	if err != nil {
		v.problem(".", -1, "list: %v", err)
		return
	}
	for _, n := range names {
		if strings.HasSuffix(n, ".aof") && !slices.ContainsFunc(lines, func(l aofbinlog.IndexLine) bool { return l.Name == n }) {
			v.warn(n, -1, "not listed in %s: the node's load ignores it", aofbinlog.IndexName)
		}
	}
}

func (v *verifier) summary(lines []aofbinlog.IndexLine) {
	w := v.out
	fmt.Fprintf(w, "files: %d listed, %d read, %d bytes\n", len(lines), v.files, v.bytes)
	if v.entries == 0 {
		fmt.Fprintln(w, "entries: none")
	} else {
		fmt.Fprintf(w, "entries: %d, op ids %d to %d, time %s to %s\n", v.entries, v.firstOp, v.lastOp, fmtTime(v.minTs), fmtTime(v.maxTs))
	}
	switch idx := v.rdb; {
	case idx == nil:
		fmt.Fprintf(w, "%s: none (a load replays the log from its first file)\n", aofbinlog.RDBIndexName)
	case idx.AOF == "":
		fmt.Fprintf(w, "%s: snapshot %s only (written with the AOF off)\n", aofbinlog.RDBIndexName, idx.RDB)
	default:
		fmt.Fprintf(w, "%s: snapshot %s, next op id %d, continues at %s offset %d\n", aofbinlog.RDBIndexName, idx.RDB, idx.NextOpID, idx.AOF, idx.Offset)
	}
	if v.problems == 0 {
		fmt.Fprintf(w, "OK (%d warnings)\n", v.warnings)
	} else {
		fmt.Fprintf(w, "%d problems, %d warnings\n", v.problems, v.warnings)
	}
}

package main

// Reading the source directory: opening it read-only, the restore target,
// choosing where a rebuild starts (the snapshot or op id 1), and walking
// the entries from there to the target.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"opdis/aofbinlog"
	"opdis/node/osenv"
	"opdis/wire"
)

// checkDir fails unless dir is an existing directory (osenv.NewFS would
// create a missing one, and the source must not be touched).
func checkDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// openSource opens the log in dir read-only: nothing in dir is written,
// a torn tail is hidden rather than cut.
func openSource(dir string, verify bool) (*aofbinlog.Log, *osenv.FS, error) {
	if err := checkDir(dir); err != nil {
		return nil, nil, err
	}
	fsys, err := osenv.NewFS(dir)
	if err != nil {
		return nil, nil, err
	}
	l, err := aofbinlog.Open(fsys, aofbinlog.Options{ReadOnly: true, Verify: verify})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dir, err)
	}
	return l, fsys, nil
}

// fmtTime renders a millisecond timestamp as RFC 3339 UTC with ms.
func fmtTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// target is a restore point: an op id, or a time in ms. An entry is kept
// when its op id is at most opid, or when its time is at most timeMs.
type target struct {
	set    bool
	isTime bool
	opid   int64
	timeMs int64
}

// parseTarget parses `opid:N` or an RFC 3339 time (fractions allowed;
// anything below a millisecond is dropped).
func parseTarget(s string) (target, error) {
	if n, ok := strings.CutPrefix(s, "opid:"); ok {
		v, err := strconv.ParseInt(n, 10, 64)
		if err != nil || v < 0 {
			return target{}, fmt.Errorf("target %q: op id must be a non-negative integer", s)
		}
		return target{set: true, opid: v}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return target{}, fmt.Errorf("target %q: want opid:N or an RFC 3339 time such as 2024-05-01T10:00:00.250Z", s)
	}
	if t.Unix() < 0 {
		return target{}, fmt.Errorf("target %q: before 1970", s)
	}
	return target{set: true, isTime: true, timeMs: t.UnixMilli()}, nil
}

func (t target) String() string {
	switch {
	case !t.set:
		return "the end of the log"
	case t.isTime:
		return fmtTime(t.timeMs)
	}
	return "opid:" + strconv.FormatInt(t.opid, 10)
}

// past reports whether an entry lies after the target.
func (t target) past(h wire.Header) bool {
	switch {
	case !t.set:
		return false
	case t.isTime:
		return h.TimeMs() > t.timeMs
	}
	return h.OpID > t.opid
}

// plan is where rebuilding the state at a target starts.
type plan struct {
	snap  *aofbinlog.RDBIndex // the snapshot to start from; nil: from op id 1
	start aofbinlog.Pos       // the first entry to apply
	first int64               // the op id that entry must have
}

// describe says what the plan starts from, for reports.
func (p plan) describe() string {
	if p.snap == nil {
		return fmt.Sprintf("no snapshot, the log from op id 1 (%s offset %d)", p.start.File, p.start.Offset)
	}
	return fmt.Sprintf("snapshot %s (op ids up to %d), then %s offset %d", p.snap.RDB, p.snap.NextOpID-1, p.start.File, p.start.Offset)
}

// makePlan picks the start for rebuilding the state at to: the snapshot
// rdb.index names when it is not newer than the target, else the log from
// op id 1 when the log still holds it. Anything else cannot be rebuilt
// and the error says the earliest point that can.
func makePlan(l *aofbinlog.Log, fsys aofbinlog.FS, to target) (plan, error) {
	files := l.Files()
	if len(files) == 0 {
		return plan{}, fmt.Errorf("no AOF files (%s is missing or empty)", aofbinlog.IndexName)
	}
	idx, hasSnap := l.RDBIndex()
	if hasSnap && idx.AOF == "" {
		return plan{}, fmt.Errorf("%s names only the snapshot %s (written with the AOF off): no AOF position to continue from", aofbinlog.RDBIndexName, idx.RDB)
	}
	if !to.isTime && to.set {
		end := l.LastOpID()
		if hasSnap {
			end = max(end, idx.NextOpID-1)
		}
		if to.opid > end {
			return plan{}, fmt.Errorf("target %s is past the end of the log (last op id %d)", to, end)
		}
	}
	if hasSnap {
		ok, err := snapshotFits(l, idx, to)
		if err != nil {
			return plan{}, err
		}
		if ok {
			if _, err := fsys.Stat(idx.RDB); err != nil {
				return plan{}, fmt.Errorf("snapshot %s named by %s: %w", idx.RDB, aofbinlog.RDBIndexName, err)
			}
			// ApsaraCache writes next_opid 0 for a snapshot taken before any entry.
			return plan{snap: &idx, start: aofbinlog.Pos{File: idx.AOF, Offset: idx.Offset}, first: max(idx.NextOpID, 1)}, nil
		}
	}
	if min := l.MinOpID(); min != 1 {
		if !hasSnap {
			return plan{}, fmt.Errorf("no %s and the log starts at op id %d: the entries before it are gone, nothing can be rebuilt", aofbinlog.RDBIndexName, min)
		}
		return plan{}, fmt.Errorf("the snapshot %s covers op ids up to %d, which is after the target %s, and the log starts at op id %d, not 1: the earliest restorable point is %s",
			idx.RDB, idx.NextOpID-1, to, min, earliest(l, idx))
	}
	return plan{start: aofbinlog.Pos{File: files[0].Name}, first: 1}, nil
}

// snapshotFits reports whether the snapshot's state is at or before to:
// every op id it covers (up to next_opid-1) is within the target.
func snapshotFits(l *aofbinlog.Log, idx aofbinlog.RDBIndex, to target) (bool, error) {
	last := idx.NextOpID - 1
	if last <= 0 || !to.set {
		return true, nil
	}
	if !to.isTime {
		return last <= to.opid, nil
	}
	h, found, err := l.HeaderOf(last)
	if err != nil {
		return false, err
	}
	if found {
		return h.TimeMs() <= to.timeMs, nil
	}
	// Entry next_opid-1 has been purged. If the first entry after the
	// snapshot is within the target, so is everything before it.
	r, err := l.NewReaderAt(aofbinlog.Pos{File: idx.AOF, Offset: idx.Offset})
	if err != nil {
		return false, err
	}
	defer r.Close()
	rec, err := r.Next()
	if errors.Is(err, io.EOF) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !to.past(rec.Entry.Header), nil
}

// earliest names the snapshot's own point, the earliest restorable one
// when the log does not reach back to op id 1.
func earliest(l *aofbinlog.Log, idx aofbinlog.RDBIndex) string {
	s := fmt.Sprintf("opid:%d", idx.NextOpID-1)
	if h, found, err := l.HeaderOf(idx.NextOpID - 1); err == nil && found {
		s += " (" + fmtTime(h.TimeMs()) + ")"
	}
	return s
}

// walk reads the entries from p.start up to the target, calling fn for
// each, and checks that op ids go up by one (a lone header may repeat
// one). It returns where it stopped: at the first entry past the target,
// or at the end of the log.
func walk(l *aofbinlog.Log, p plan, to target, prog *progress, fn func(aofbinlog.Record) error) (aofbinlog.Pos, int64, error) {
	r, err := l.NewReaderAt(p.start)
	if err != nil {
		return aofbinlog.Pos{}, 0, err
	}
	defer r.Close()
	prev, prevLone := p.first-1, false
	var n int64
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Pos(), n, nil
		}
		if err != nil {
			return aofbinlog.Pos{}, n, err
		}
		h := rec.Entry.Header
		if to.past(h) {
			return aofbinlog.Pos{File: rec.File, Offset: rec.Offset}, n, nil
		}
		lone := len(rec.Entry.Commands) == 0
		if h.OpID != prev+1 && !(h.OpID == prev && (lone || prevLone)) {
			return aofbinlog.Pos{}, n, fmt.Errorf("aof %s offset %d: op id %d follows op id %d (the log must go up by one; run verify)", rec.File, rec.Offset, h.OpID, prev)
		}
		if err := fn(rec); err != nil {
			return aofbinlog.Pos{}, n, err
		}
		prev, prevLone = h.OpID, lone
		n++
		prog.add(int64(len(rec.Raw)), 1)
	}
}

// bytesToRead is how many entry bytes walk reads from p.start to the end
// of the log, or exactly up to an op-id target (found by lookup).
func bytesToRead(l *aofbinlog.Log, p plan, to target) int64 {
	end := aofbinlog.Pos{}
	if to.set && !to.isTime {
		if pos, _, err := l.Lookup(to.opid + 1); err == nil {
			end = pos
		}
	}
	var total int64
	in := false
	for _, f := range l.Files() {
		if f.Name == p.start.File {
			in = true
			total -= p.start.Offset
		}
		if !in {
			continue
		}
		if f.Name == end.File {
			return total + end.Offset
		}
		total += f.Size
	}
	return total
}

// job is what restore and export-redis share: the source log opened
// read-only, the plan for the target, the new directory (removed again
// unless the job marks it kept) and the progress report.
type job struct {
	l    *aofbinlog.Log
	src  *osenv.FS
	p    plan
	out  *outDir
	prog *progress
}

func startJob(env *cmdEnv, name, from, into string, to target) (*job, error) {
	l, src, err := openSource(from, false)
	if err != nil {
		return nil, err
	}
	p, err := makePlan(l, src, to)
	if err == nil {
		var out *outDir
		if out, err = newOutDir(into, from); err == nil {
			return &job{l: l, src: src, p: p, out: out, prog: newProgress(env, name, bytesToRead(l, p, to))}, nil
		}
	}
	l.Close()
	return nil, err
}

func (j *job) close() {
	j.out.cleanup()
	j.l.Close()
}

package aofbinlog

import "fmt"

// TruncateFrom discards every entry with op id ≥ opid: the divergent tail
// of a deposed master, or a point-in-time cut in a restored copy. The file
// holding opid is cut at that entry and becomes the live file; later files
// leave the index. It refuses to cut before rdb.index's position (the
// snapshot would then be ahead of the log: take a full sync instead) or
// under an open Reader.
//
// Crash safety: the index is committed first (the cut file becomes the
// last, live one), then the file is truncated and fsynced, then the later
// files are removed. A crash in between leaves the log a prefix of what it
// was, at least as long as the requested one.
func (l *Log) TruncateFrom(opid int64) error {
	if err := l.usable(); err != nil {
		return err
	}
	i, off, at, err := l.locate(opid)
	if err != nil || i < 0 || at == 0 {
		return err // nothing at or after opid
	}
	if l.rdb != nil && l.rdb.AOF != "" {
		ri := l.seg(l.rdb.AOF)
		if i < ri || (i == ri && off < l.rdb.Offset) {
			return fmt.Errorf("aof %s: truncating from op id %d at offset %d would cut before %s (%s at %d)", l.segs[i].name, opid, off, RDBIndexName, l.rdb.AOF, l.rdb.Offset)
		}
	}
	for _, s := range l.segs[i:] {
		if s.pins > 0 {
			return fmt.Errorf("%w: %s", ErrBusy, s.name)
		}
	}
	s := l.segs[i]
	l.removeMarks(s.name) // the file changes and becomes live
	keep := append([]*segment(nil), l.segs[:i+1]...)
	gone := l.segs[i+1:]
	if err := l.writeIndex(keep); err != nil {
		return err
	}
	l.closeLive()
	l.segs, l.neOK = keep, false
	f, err := l.fs.OpenAppend(s.name)
	if err != nil {
		return l.poison(fmt.Errorf("aof %s: reopen to truncate: %w", s.name, err))
	}
	l.setLive(f)
	if err := f.Truncate(off); err != nil {
		return l.poison(fmt.Errorf("aof %s: truncate at %d: %w", s.name, off, err))
	}
	if err := f.Sync(); err != nil {
		return l.poison(fmt.Errorf("aof %s: fsync after truncate: %w", s.name, err))
	}
	s.size = off
	from := s.trimTo(off)
	if off == 0 {
		s.first, s.firstTs, s.last = 0, 0, 0
	} else if err := s.scanFrom(f, from, l.opts.MarkEvery); err != nil {
		return l.poison(err)
	}
	l.unsynced = false
	if err := l.findLast(); err != nil {
		return l.poison(err)
	}
	l.syncedOp = min(l.syncedOp, l.maxOp)
	var first error
	for _, g := range gone {
		if err := l.fs.Remove(g.name); err != nil && first == nil {
			first = fmt.Errorf("aof %s: dropped from the index but not removed: %w", g.name, err)
		}
		l.removeMarks(g.name)
	}
	if err := l.fs.SyncDir(); err != nil && first == nil {
		first = fmt.Errorf("truncate: fsync dir: %w", err)
	}
	return first
}

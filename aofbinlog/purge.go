package aofbinlog

import "fmt"

// Purge removes files from the oldest up to and including upTo
// (PURGEAOFTO), stopping without removing at the first file that is
// guarded:
//   - the file rdb.index names (the load starts there; with no rdb.index,
//     or one without an AOF, nothing is purged: the whole log is needed);
//   - the live file;
//   - a file an open Reader is in;
//   - when minOpID > 0, the file that holds op id minOpID (the lowest op
//     id a live OPDEL source still needs); if minOpID is past the end of
//     the log, the live file.
//
// The index is committed first and the files removed after, so a crash
// leaves at worst an unlisted file (ignored, never reused). It returns the
// removed names.
func (l *Log) Purge(upTo string, minOpID int64) ([]string, error) {
	i := l.seg(upTo)
	if i < 0 {
		return nil, fmt.Errorf("aof %s: not in %s", upTo, IndexName)
	}
	return l.purge(i+1, minOpID)
}

// PurgeToSize keeps the newest files whose sizes add up to at most keep
// bytes (aof-keep-size) and purges the older ones, within the guards of
// Purge. With fewer than two files it does nothing.
func (l *Log) PurgeToSize(keep, minOpID int64) ([]string, error) {
	if len(l.segs) < 2 {
		return nil, nil
	}
	for i := len(l.segs) - 1; i >= 0; i-- {
		keep -= l.segs[i].size
		if keep < 0 {
			return l.purge(i+1, minOpID)
		}
	}
	return nil, nil
}

// PurgeLimit is how many of the oldest files Purge may remove now.
func (l *Log) PurgeLimit(minOpID int64) int {
	n := len(l.segs) - 1 // the live file
	if l.rdb == nil || l.rdb.AOF == "" {
		return 0
	}
	n = min(n, l.seg(l.rdb.AOF))
	for i, s := range l.segs[:max(n, 0)] {
		if s.pins > 0 {
			n = i
			break
		}
	}
	if minOpID > 0 && minOpID <= l.maxOp {
		g := 0
		for _, i := range l.nonEmpty() {
			if l.segs[i].first > minOpID {
				break
			}
			g = i
		}
		n = min(n, g)
	}
	return max(n, 0)
}

func (l *Log) purge(n int, minOpID int64) ([]string, error) {
	if err := l.usable(); err != nil {
		return nil, err
	}
	n = min(n, l.PurgeLimit(minOpID))
	if n <= 0 {
		return nil, nil
	}
	keep := append([]*segment(nil), l.segs[n:]...)
	if err := l.writeIndex(keep); err != nil {
		return nil, err
	}
	gone := l.segs[:n]
	l.segs, l.neOK = keep, false
	if err := l.findLast(); err != nil { // only changes when the rest is empty
		return nil, err
	}
	names := make([]string, len(gone))
	var first error
	for i, s := range gone {
		names[i] = s.name
		if err := l.fs.Remove(s.name); err != nil && first == nil {
			first = fmt.Errorf("aof %s: purged from the index but not removed: %w", s.name, err)
		}
		l.removeMarks(s.name)
	}
	if err := l.fs.SyncDir(); err != nil && first == nil {
		first = fmt.Errorf("purge: fsync dir: %w", err)
	}
	return names, first
}

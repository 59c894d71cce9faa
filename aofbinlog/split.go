package aofbinlog

import (
	"errors"
	"fmt"
)

// Split closes the live file and starts a new one, appendonly-inc-<now>.aof
// (now in unix seconds). Two splits in the same second must not reuse a
// name (ApsaraCache simply reopened the same file), so if the name is
// taken — listed, or left on disk by a split that crashed before its index
// update — the name gets a suffix: appendonly-inc-<now>-1.aof, -2, ...
//
// Order, so a crash at any point leaves a consistent directory: fsync the
// old file (its index line then records its first and last op ids), create
// the new file and fsync the directory, then commit aof-inc.index
// atomically. A split when the live file is still empty does nothing and
// returns its name. Call Split once after Open and Load at start-up.
func (l *Log) Split(nowUnix int64) (string, error) {
	if err := l.usable(); err != nil {
		return "", err
	}
	old := l.liveSeg()
	if old != nil && old.size == 0 && l.live != nil {
		return old.name, nil
	}
	if l.live != nil && l.unsynced {
		if err := l.Sync(); err != nil {
			return "", fmt.Errorf("aof %s: before split: %w", old.name, err)
		}
	}
	name, err := l.newName(nowUnix)
	if err != nil {
		return "", err
	}
	l.removeMarks(name) // a stale side-car, should the clock have gone back
	f, err := l.fs.Create(name)
	if err != nil {
		return "", fmt.Errorf("aof %s: create: %w", name, err)
	}
	s := &segment{name: name}
	segs := append(l.segs[:len(l.segs):len(l.segs)], s)
	err = l.fs.SyncDir()
	if err == nil {
		err = l.writeIndex(segs)
	}
	if err != nil {
		f.Close()
		if !errors.Is(err, ErrNotDurable) { // else the index readers see lists it
			l.fs.Remove(name) // best effort: an unlisted empty file is harmless
		}
		return "", fmt.Errorf("aof %s: split: %w", name, err)
	}
	l.closeLive()
	l.setLive(f)
	l.segs = segs
	if old != nil {
		l.writeMarks(old)
	}
	return name, nil
}

func (l *Log) newName(nowUnix int64) (string, error) {
	base := fmt.Sprintf("appendonly-inc-%d", nowUnix)
	for k := 0; k < 1000; k++ {
		name := base + ".aof"
		if k > 0 {
			name = fmt.Sprintf("%s-%d.aof", base, k)
		}
		if l.seg(name) >= 0 {
			continue
		}
		_, err := l.fs.Stat(name)
		if IsNotExist(err) {
			return name, nil
		}
		if err != nil {
			return "", fmt.Errorf("aof %s: %w", name, err)
		}
	}
	return "", fmt.Errorf("aof: no free file name for %s*.aof", base)
}

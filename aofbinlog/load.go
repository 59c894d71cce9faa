package aofbinlog

import (
	"errors"
	"io"
)

// Stop is a point-in-time limit for Load; zero fields are ignored. An
// entry's time is its version-2 millisecond timestamp, or its version-1
// seconds ×1000; to keep every entry of second T, as ApsaraCache's
// restore.timestamp does, pass TimeMs T*1000+999.
type Stop struct {
	OpID   int64 // stop before the first entry whose op id is above OpID
	TimeMs int64 // stop before the first entry whose time (ms) is after TimeMs
}

func (s Stop) reached(r Record) bool {
	h := r.Entry.Header
	return (s.OpID > 0 && h.OpID > s.OpID) || (s.TimeMs > 0 && h.TimeMs() > s.TimeMs)
}

// Loader yields the entries the node applies at start-up, after loading
// the snapshot rdb.index names.
type Loader struct {
	r       *Reader
	stop    Stop
	stopped *Pos
	last    int64
}

// Load returns the start-up iterator: every entry from rdb.index's AOF
// offset to the end of the log, or from the start of the first file when
// there is no rdb.index (with the one-field rdb.index form, AOF off in
// ApsaraCache, it yields nothing). Entries at or past stop are not
// yielded (PITR); Stopped says where that happened. Corruption is an
// error naming the file and offset.
func (l *Log) Load(stop Stop) (*Loader, error) {
	ld := &Loader{stop: stop}
	if l.closed {
		return nil, ErrClosed
	}
	i, off := 0, int64(0)
	if l.rdb != nil {
		if l.rdb.AOF == "" {
			return ld, nil
		}
		i, off = l.seg(l.rdb.AOF), l.rdb.Offset
	}
	if len(l.segs) == 0 {
		return ld, nil
	}
	r, err := l.readerAt(i, off)
	if err != nil {
		return nil, err
	}
	ld.r = r
	return ld, nil
}

// Next returns the next entry to apply, or io.EOF at the end of the log
// or at the stop point.
func (ld *Loader) Next() (Record, error) {
	if ld.r == nil || ld.stopped != nil {
		return Record{}, io.EOF
	}
	rec, err := ld.r.Next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			ld.Close()
		}
		return Record{}, err
	}
	if ld.stop.reached(rec) {
		ld.stopped = &Pos{File: rec.File, Offset: rec.Offset}
		ld.Close()
		return Record{}, io.EOF
	}
	ld.last = rec.Entry.Header.OpID
	return rec, nil
}

// Stopped returns the position of the first entry held back by the stop
// point, if Load stopped there: a restore tool copies the log up to it.
func (ld *Loader) Stopped() (Pos, bool) {
	if ld.stopped == nil {
		return Pos{}, false
	}
	return *ld.stopped, true
}

// LastOpID is the op id of the last entry yielded, 0 if none.
func (ld *Loader) LastOpID() int64 { return ld.last }

// Close releases the loader's reader (Next does this at the end).
func (ld *Loader) Close() {
	if ld.r != nil {
		ld.r.Close()
		ld.r = nil
	}
}

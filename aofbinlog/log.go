package aofbinlog

import (
	"errors"
	"fmt"

	"opdis/wire"
)

// FsyncPolicy is appendfsync.
type FsyncPolicy int

const (
	FsyncEverySec FsyncPolicy = iota // the node calls SyncIfDue from cron
	FsyncAlways                      // Append returns after the entry is fsynced
	FsyncNo                          // only Split, WriteRDBIndex and Close fsync
)

var policyNames = [...]string{"everysec", "always", "no"}

func (p FsyncPolicy) String() string {
	if p >= 0 && int(p) < len(policyNames) {
		return policyNames[p]
	}
	return fmt.Sprintf("FsyncPolicy(%d)", int(p))
}

// ParseFsyncPolicy parses an appendfsync value.
func ParseFsyncPolicy(s string) (FsyncPolicy, error) {
	for i, n := range policyNames {
		if n == s {
			return FsyncPolicy(i), nil
		}
	}
	return 0, fmt.Errorf("appendfsync %q: want always, everysec or no", s)
}

// DefaultMarkEvery is the default spacing of the sparse per-file index.
const DefaultMarkEvery = 64 << 10

// Options configure a Log.
type Options struct {
	Fsync FsyncPolicy
	// MarkEvery is the distance in bytes between two marks of a file's
	// sparse index, which bounds the forward scan of a lookup. 0 means
	// DefaultMarkEvery.
	MarkEvery int64
	// ReadOnly never writes: a torn tail is reported (Repaired) and
	// hidden but left on disk; Append, Split and the rest fail.
	ReadOnly bool
	// RefuseTornTail makes a torn tail an error instead of truncating it
	// (aof-load-truncated no).
	RefuseTornTail bool
	// Verify reads every file at Open, so corruption anywhere is found
	// now rather than when the file is first read.
	Verify bool
	// CheckEntries makes Append parse each entry in full and refuse
	// anything but exactly one whole entry (Append otherwise checks only
	// the header). For tests and the simulator.
	CheckEntries bool
	// Buffered gathers appended entries in memory until Flush (or Sync,
	// a read of the live file, Split, Close, or 1 MiB gathered), so a
	// burst of writes costs one write(2). With FsyncAlways it also makes
	// Append return before the fsync: the caller must call Sync before it
	// acknowledges any write appended since (group commit).
	Buffered bool
}

// Errors callers may test for with errors.Is.
var (
	ErrReadOnly   = errors.New("aof log is read-only")
	ErrNoLiveFile = errors.New("aof log has no live file (call Split)")
	ErrOpIDOrder  = errors.New("op id goes back")
	ErrNotInLog   = errors.New("op id not in the log")
	ErrClosed     = errors.New("aof log is closed")
	ErrBusy       = errors.New("aof file in use by a reader")
)

// Repair describes a torn tail found by Open.
type Repair struct {
	File      string
	Offset    int64 // the whole entries end here
	Size      int64 // the file's size before the repair
	Truncated bool  // false in read-only mode: the bytes are still there
}

// Log is the multi-file AOF. It is not safe for concurrent use: the node
// calls it from its single thread.
type Log struct {
	fs   FS
	opts Options

	segs  []*segment // index order, oldest first; the last is live
	ne    []int      // indexes of non-empty segments, for the binary search
	neOK  bool
	live  File      // append handle on the last segment; nil if read-only or empty
	rdb   *RDBIndex // nil: no rdb.index
	maxOp int64     // op id of the last entry, 0 if none

	syncedOp   int64 // every entry up to here is fsynced
	unsynced   bool
	lastSyncMs int64
	err        error // sticky: a failed fsync or a failed rollback poisons the log
	closed     bool
	repair     *Repair
	scratch    []byte // lookup read buffer
}

// seg returns the index of the named file, or -1.
func (l *Log) seg(name string) int {
	for i, s := range l.segs {
		if s.name == name {
			return i
		}
	}
	return -1
}

func (l *Log) liveSeg() *segment {
	if len(l.segs) == 0 {
		return nil
	}
	return l.segs[len(l.segs)-1]
}

func (l *Log) usable() error {
	switch {
	case l.closed:
		return ErrClosed
	case l.err != nil:
		return l.err
	case l.opts.ReadOnly:
		return ErrReadOnly
	}
	return nil
}

// poison makes err sticky: after a failed fsync the kernel may have
// dropped the dirty pages, so nothing written since the last good fsync
// can be trusted; the node must reopen (reload) the log.
func (l *Log) poison(err error) error {
	l.err = fmt.Errorf("%w (log disabled until reopened)", err)
	return l.err
}

// Append writes one whole oplog entry (as wire.AppendEntry encodes it) to
// the live file. h is the entry's header; its op id must not be below the
// last one in the log (equal is allowed: a lone header may be followed by
// the real entry). With FsyncAlways it returns only after the entry is
// fsynced. A failed write is rolled back (the file is truncated to its
// old size) and may be retried; a failed fsync poisons the log.
func (l *Log) Append(entry []byte, h wire.Header) error {
	if err := l.usable(); err != nil {
		return err
	}
	s := l.liveSeg()
	if l.live == nil {
		return ErrNoLiveFile
	}
	got, n, err := peekHeader(entry)
	switch {
	case err == nil && n == 0:
		err = fmt.Errorf("truncated opinfo header")
	case err == nil && got.OpID != h.OpID:
		err = fmt.Errorf("header says op id %d, entry bytes say %d", h.OpID, got.OpID)
	case err == nil && h.OpID < 1:
		err = fmt.Errorf("op id %d: op ids start at 1", h.OpID)
	case err == nil && h.OpID < l.maxOp:
		err = fmt.Errorf("%w: %d after %d", ErrOpIDOrder, h.OpID, l.maxOp)
	case err == nil && l.opts.CheckEntries:
		err = checkEntry(entry)
	}
	if err != nil {
		return fmt.Errorf("aof %s: append: %w", s.name, err)
	}
	off := s.size
	if w, err := l.live.Write(entry); err != nil || w != len(entry) {
		if err == nil {
			err = fmt.Errorf("short write (%d of %d bytes)", w, len(entry))
		}
		err = fmt.Errorf("aof %s: append at %d: %w", s.name, off, err)
		if w > 0 {
			if terr := l.live.Truncate(off); terr != nil {
				return l.poison(fmt.Errorf("%w; rollback failed: %v", err, terr))
			}
		}
		return err
	}
	if l.syncEach() {
		if err := l.live.Sync(); err != nil {
			return l.poison(fmt.Errorf("aof %s: fsync: %w", s.name, err))
		}
	}
	if s.first == 0 {
		s.first, s.firstTs = h.OpID, h.TimeMs()
		l.neOK = false
	}
	s.size += int64(len(entry))
	if err := s.note(h, off, int64(len(entry)), l.opts.MarkEvery); err != nil {
		return l.poison(err)
	}
	l.maxOp = h.OpID
	if l.syncEach() {
		l.syncedOp = h.OpID
	} else {
		l.unsynced = true
	}
	if l.Buffered() >= flushAt {
		l.Flush() // a failure keeps the entries gathered; the next Flush retries
	}
	return l.err
}

// syncEach reports whether Append itself fsyncs each entry.
func (l *Log) syncEach() bool { return l.opts.Fsync == FsyncAlways && !l.opts.Buffered }

// Sync fsyncs the live file if anything was appended since the last fsync
// (writing out what Options.Buffered holds first).
func (l *Log) Sync() error {
	if err := l.usable(); err != nil {
		return err
	}
	if l.live == nil || !l.unsynced {
		return nil
	}
	if err := l.Flush(); err != nil {
		return err // a failed write may be retried; a failed fsync may not
	}
	if err := l.live.Sync(); err != nil {
		return l.poison(fmt.Errorf("aof %s: fsync: %w", l.liveSeg().name, err))
	}
	l.unsynced, l.syncedOp = false, l.maxOp
	return nil
}

// SyncIfDue is the everysec policy: the node calls it from cron with the
// current time, and it fsyncs when something is unsynced and a second has
// passed since the last time it did.
func (l *Log) SyncIfDue(nowMs int64) error {
	if l.opts.Fsync != FsyncEverySec || !l.unsynced || nowMs-l.lastSyncMs < 1000 {
		return nil
	}
	l.lastSyncMs = nowMs
	return l.Sync()
}

// Close fsyncs and closes the live file. Readers must be closed first.
func (l *Log) Close() error {
	if l.closed {
		return nil
	}
	var err error
	if l.live != nil && l.err == nil && l.unsynced {
		err = l.live.Sync()
	}
	if cerr := l.closeLive(); err == nil {
		err = cerr
	}
	l.closed = true
	return err
}

func (l *Log) closeLive() error {
	if l.live == nil {
		return nil
	}
	err := l.live.Close()
	l.live = nil
	return err
}

// writeIndex commits segs as aof-inc.index (the last one is live).
func (l *Log) writeIndex(segs []*segment) error {
	lines := make([]IndexLine, len(segs))
	for i, s := range segs {
		lines[i] = s.line(i == len(segs)-1)
	}
	data := FormatIndex(lines)
	if len(data) > MaxIndexSize {
		return fmt.Errorf("%s would be %d bytes (%d files), over the %d-byte limit: purge old files", IndexName, len(data), len(segs), MaxIndexSize)
	}
	err := WriteFileAtomic(l.fs, IndexName, data)
	if errors.Is(err, ErrNotDurable) {
		// Readers now see the new index and a crash may restore the old
		// one: the files must stay consistent with both, so nothing more
		// is written until the log is reopened (Open fsyncs the directory
		// first). The caller keeps every file either index lists.
		return l.poison(err)
	}
	return err
}

// checkEntry verifies that b is exactly one whole entry.
func checkEntry(b []byte) error {
	e, n, err := wire.ParseEntry(b, true)
	switch {
	case err != nil:
		return err
	case n != len(b):
		return fmt.Errorf("%d bytes hold an entry of %d bytes and more", len(b), n)
	case e.Partial():
		return fmt.Errorf("entry has %d of its commands", len(e.Commands))
	}
	return nil
}

// SetFsync changes the fsync policy (CONFIG SET appendfsync). Switching to
// always fsyncs what is pending first, so the promise holds from now on.
func (l *Log) SetFsync(p FsyncPolicy) error {
	l.opts.Fsync = p
	if p == FsyncAlways {
		return l.Sync()
	}
	return nil
}

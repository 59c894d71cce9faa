package aofbinlog

import (
	"errors"
	"fmt"
	"io"
	"slices"
)

// Open loads the log in fsys: aof-inc.index (if any), rdb.index (if any),
// and the last file, whose torn tail is repaired. Corruption anywhere else
// is an error naming the file and offset; nothing is deleted.
func Open(fsys FS, opts Options) (*Log, error) {
	if opts.MarkEvery <= 0 {
		opts.MarkEvery = DefaultMarkEvery
	}
	l := &Log{fs: fsys, opts: opts}
	if err := l.loadIndex(); err != nil {
		return nil, err
	}
	if err := l.loadRDBIndex(); err != nil {
		return nil, err
	}
	if err := l.openTail(); err != nil {
		return nil, err
	}
	if err := l.checkOrder(); err != nil {
		l.closeLive()
		return nil, err
	}
	if opts.Verify {
		for _, s := range l.segs {
			if err := l.scanAll(s); err != nil {
				l.closeLive()
				return nil, err
			}
		}
	}
	if err := l.findLast(); err != nil {
		l.closeLive()
		return nil, err
	}
	l.syncedOp = l.maxOp
	return l, nil
}

func (l *Log) loadIndex() error {
	data, err := ReadSmallFile(l.fs, IndexName)
	if IsNotExist(err) {
		return nil // a fresh directory
	}
	if err != nil {
		return err
	}
	lines, err := ParseIndex(data)
	if err != nil {
		return err
	}
	names, err := l.fs.List()
	if err != nil {
		return fmt.Errorf("list data directory: %w", err)
	}
	for i, ln := range lines {
		if _, ok := slices.BinarySearch(names, ln.Name); !ok {
			return fmt.Errorf("%s line %d: %s is listed but does not exist", IndexName, i+1, ln.Name)
		}
		size, err := l.fs.Stat(ln.Name)
		if err != nil {
			return fmt.Errorf("aof %s: %w", ln.Name, err)
		}
		s := &segment{name: ln.Name, size: size, first: ln.FirstOpID, firstTs: ln.FirstTsMs, last: ln.LastOpID}
		switch {
		case i == len(lines)-1:
			// The live file: openTail reads it whole.
			s.first, s.firstTs, s.last = 0, 0, -1
		case !ln.Known:
			s.last = -1
			if size == 0 {
				s.last = 0
			} else if err := l.readFirst(s); err != nil {
				return err
			}
		case ln.FirstOpID == 0 && size > 0:
			return fmt.Errorf("%s line %d: says %s is empty, it has %d bytes", IndexName, i+1, ln.Name, size)
		case ln.FirstOpID > 0 && size == 0:
			return fmt.Errorf("%s line %d: says %s starts with op id %d, it is empty", IndexName, i+1, ln.Name, ln.FirstOpID)
		}
		l.segs = append(l.segs, s)
	}
	return nil
}

// checkOrder checks that files' first op ids do not go back.
func (l *Log) checkOrder() error {
	prev := int64(0)
	for i, s := range l.segs {
		if s.first == 0 {
			continue
		}
		if s.first < prev {
			return fmt.Errorf("%s line %d: %s starts with op id %d, below op id %d of an earlier file", IndexName, i+1, s.name, s.first, prev)
		}
		prev = max(s.first, s.last)
	}
	return nil
}

// readFirst reads the header of a file's first entry.
func (l *Log) readFirst(s *segment) error {
	f, err := l.fs.Open(s.name)
	if err != nil {
		return fmt.Errorf("aof %s: %w", s.name, err)
	}
	defer f.Close()
	buf := make([]byte, min(s.size, 256))
	if n, err := f.ReadAt(buf, 0); n < len(buf) {
		return fmt.Errorf("aof %s: read first entry: %w", s.name, err)
	}
	h, n, err := peekHeader(buf)
	if err == nil && n == 0 {
		err = fmt.Errorf("file too short for an opinfo header")
	}
	if err != nil {
		return &CorruptError{File: s.name, Offset: 0, Err: fmt.Errorf("%w (an AOF without opinfo entries is not supported)", err)}
	}
	s.first, s.firstTs = h.OpID, h.TimeMs()
	return nil
}

func (l *Log) loadRDBIndex() error {
	idx, err := ReadRDBIndex(l.fs)
	if IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if idx.AOF != "" {
		if l.seg(idx.AOF) < 0 {
			return fmt.Errorf("%s names %s, which %s does not list", RDBIndexName, idx.AOF, IndexName)
		}
	}
	l.rdb = &idx
	return nil
}

// openTail reads the last file whole, repairs its torn tail, and opens it
// for appending.
func (l *Log) openTail() error {
	if len(l.segs) == 0 {
		return nil
	}
	s := l.segs[len(l.segs)-1]
	var f File
	var err error
	if l.opts.ReadOnly {
		f, err = l.fs.Open(s.name)
	} else {
		f, err = l.fs.OpenAppend(s.name)
	}
	if err != nil {
		return fmt.Errorf("aof %s: %w", s.name, err)
	}
	if err := l.repairTail(s, f); err != nil {
		f.Close()
		return err
	}
	// The process that wrote the file may have died before fsyncing it (a
	// kill leaves the bytes in the page cache only); later files build on
	// it, so it must be durable before anything follows it. So must the
	// directory: the process may have died between a rename (the index
	// that names this file, rdb.index) or a create and its directory
	// fsync, and entries appended here are lost if a power loss rolls the
	// index back to one that does not list the file.
	if !l.opts.ReadOnly {
		if err := f.Sync(); err != nil {
			f.Close()
			return fmt.Errorf("aof %s: fsync at open: %w", s.name, err)
		}
		if err := l.fs.SyncDir(); err != nil {
			f.Close()
			return fmt.Errorf("aof %s: fsync dir at open: %w", s.name, err)
		}
	}
	if l.rdb != nil && l.rdb.AOF != "" {
		if rs := l.segs[l.seg(l.rdb.AOF)]; l.rdb.Offset > rs.size {
			f.Close()
			return fmt.Errorf("%s: offset %d is past the end of %s (%d bytes of whole entries)", RDBIndexName, l.rdb.Offset, rs.name, rs.size)
		}
	}
	if l.opts.ReadOnly {
		return f.Close()
	}
	l.setLive(f)
	return nil
}

func (l *Log) repairTail(s *segment, f File) error {
	size := s.size
	sc := newScanner(f, s.name, 0, size)
	for {
		raw, e, off, err := sc.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var ce *CorruptError
		if errors.As(err, &ce) && ce.Torn {
			return l.cutTail(s, f, ce.Offset, size)
		}
		if err != nil {
			return err
		}
		if off == 0 {
			s.first, s.firstTs = e.Header.OpID, e.Header.TimeMs()
		}
		if err := s.note(e.Header, off, int64(len(raw)), l.opts.MarkEvery); err != nil {
			return err
		}
	}
	if size == 0 {
		s.last = 0
	}
	// A write torn right after its opinfo command leaves a lone header,
	// which is a valid entry: it stays. (The node should, as ApsaraCache
	// does, not count the op id of a trailing lone header as used.)
	return nil
}

func (l *Log) cutTail(s *segment, f File, off, size int64) error {
	if l.opts.RefuseTornTail {
		return &CorruptError{File: s.name, Offset: off, Torn: true, Err: fmt.Errorf("refusing to truncate %d bytes (aof-load-truncated no)", size-off)}
	}
	if l.rdb != nil && l.rdb.AOF == s.name && off < l.rdb.Offset {
		// rdb.index is written only after its offset is fsynced, so the
		// bytes before it cannot be torn: this is damage, not a crash.
		return &CorruptError{File: s.name, Offset: off, Err: fmt.Errorf("incomplete entry before the %s offset %d", RDBIndexName, l.rdb.Offset)}
	}
	l.repair = &Repair{File: s.name, Offset: off, Size: size}
	if !l.opts.ReadOnly {
		if err := f.Truncate(off); err != nil {
			return fmt.Errorf("aof %s: truncate torn tail at %d: %w", s.name, off, err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("aof %s: fsync after truncating torn tail: %w", s.name, err)
		}
		l.repair.Truncated = true
	}
	s.size = off
	from := s.trimTo(off)
	if off == 0 {
		s.first, s.firstTs, s.last = 0, 0, 0
		return nil
	}
	return s.scanFrom(f, from, l.opts.MarkEvery)
}

// findLast sets maxOp from the last non-empty file.
func (l *Log) findLast() error {
	l.maxOp = 0
	for i := len(l.segs) - 1; i >= 0; i-- {
		s := l.segs[i]
		if s.last < 0 {
			if err := l.scanAll(s); err != nil {
				return err
			}
		}
		if s.last > 0 {
			l.maxOp = s.last
			return nil
		}
	}
	return nil
}

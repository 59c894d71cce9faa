package aofbinlog

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"opdis/wire"
)

// Pos is a place in the log: a byte offset in one file, at an entry
// boundary.
type Pos struct {
	File   string
	Offset int64
}

// Lookup finds op id opid. It returns the position of the first entry
// whose op id is at least opid (with lone headers, several entries may
// share an op id), or the end of the log, and whether that entry's op id
// is opid. Cost: a binary search over the files' first op ids, a binary
// search over the file's sparse index, and a forward scan of at most
// Options.MarkEvery bytes plus one entry. A file read for the first time
// since Open is scanned from its start up to the op id once, building its
// sparse index on the way (files appended since Open, the last file and
// the files Load read already have theirs).
func (l *Log) Lookup(opid int64) (Pos, bool, error) {
	if l.closed {
		return Pos{}, false, ErrClosed
	}
	i, off, at, err := l.locate(opid)
	if err != nil || i < 0 {
		return Pos{}, false, err
	}
	return Pos{File: l.segs[i].name, Offset: off}, at > 0 && at == opid, nil
}

// HeaderOf returns the header of the entry with op id opid (the first
// one, if lone headers repeat it). DESIGN §5's log-matching check reads
// the epoch of entry next_opid-1 this way.
func (l *Log) HeaderOf(opid int64) (wire.Header, bool, error) {
	if l.closed {
		return wire.Header{}, false, ErrClosed
	}
	i, off, at, err := l.locate(opid)
	if err != nil || i < 0 || at <= 0 || at != opid {
		return wire.Header{}, false, err
	}
	s := l.segs[i]
	f, done, err := l.readHandle(s)
	if err != nil {
		return wire.Header{}, false, err
	}
	defer done()
	buf := make([]byte, min(256, s.size-off))
	if n, err := f.ReadAt(buf, off); n < len(buf) {
		return wire.Header{}, false, fmt.Errorf("aof %s: read at %d: %w", s.name, off, err)
	}
	h, n, err := peekHeader(buf)
	if err == nil && n == 0 {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return wire.Header{}, false, &CorruptError{File: s.name, Offset: off, Err: err}
	}
	return h, true, nil
}

// locate returns the segment index and offset of the first entry with op
// id ≥ x and that entry's op id, or the end of the live file with at == 0.
// i is -1 when the log has no files.
func (l *Log) locate(x int64) (i int, off, at int64, err error) {
	if len(l.segs) == 0 {
		return -1, 0, 0, nil
	}
	ne := l.nonEmpty()
	k := sort.Search(len(ne), func(k int) bool { return l.segs[ne[k]].first > x }) - 1
	for k = max(k, 0); k < len(ne); k++ {
		i := ne[k]
		off, at, ok, err := l.findInSeg(l.segs[i], x)
		if err != nil || ok {
			return i, off, at, err
		}
	}
	last := len(l.segs) - 1
	return last, l.segs[last].size, 0, nil
}

func (l *Log) nonEmpty() []int {
	if !l.neOK {
		l.ne = l.ne[:0]
		for i, s := range l.segs {
			if s.first > 0 {
				l.ne = append(l.ne, i)
			}
		}
		l.neOK = true
	}
	return l.ne
}

// findInSeg returns the first entry in s with op id ≥ x.
func (l *Log) findInSeg(s *segment, x int64) (off, at int64, ok bool, err error) {
	f, done, err := l.readHandle(s)
	if err != nil {
		return 0, 0, false, err
	}
	defer done()
	l.loadMarks(s)
	var start int64
	if s.scanned < s.size && s.scanLast < x {
		start = s.scanned // every entry read so far is below x
	} else if j := sort.Search(len(s.marks), func(j int) bool { return s.marks[j].opid >= x }); j > 0 {
		start = s.marks[j-1].off
	}
	sc := newScanner(f, s.name, start, s.size)
	sc.back, l.scratch = l.scratch, nil // reuse one buffer across lookups
	defer func() { l.scratch = sc.back }()
	for {
		raw, e, o, err := sc.next()
		if errors.Is(err, io.EOF) {
			return 0, 0, false, nil
		}
		if err != nil {
			return 0, 0, false, err
		}
		if err := s.note(e.Header, o, int64(len(raw)), l.opts.MarkEvery); err != nil {
			return 0, 0, false, err
		}
		if e.Header.OpID >= x {
			return o, e.Header.OpID, true, nil
		}
	}
}

// scanAll reads the rest of s, completing its sparse index.
func (l *Log) scanAll(s *segment) error {
	if s.scanned >= s.size {
		if s.size == 0 {
			s.last = 0
		}
		return nil
	}
	f, done, err := l.readHandle(s)
	if err != nil {
		return err
	}
	defer done()
	return s.scanFrom(f, s.scanned, l.opts.MarkEvery)
}

// scanFrom reads s from its scanned prefix (from == s.scanned) to its end.
func (s *segment) scanFrom(f File, from, every int64) error {
	sc := newScanner(f, s.name, from, s.size)
	for {
		raw, e, off, err := sc.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.note(e.Header, off, int64(len(raw)), every); err != nil {
			return err
		}
	}
}

// readHandle returns a handle to read s and a func to release it.
func (l *Log) readHandle(s *segment) (File, func(), error) {
	if l.live != nil && s == l.liveSeg() {
		return l.live, func() {}, nil
	}
	f, err := l.fs.Open(s.name)
	if err != nil {
		return nil, nil, fmt.Errorf("aof %s: %w", s.name, err)
	}
	return f, func() { f.Close() }, nil
}

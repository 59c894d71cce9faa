package aofbinlog

import (
	"errors"
	"fmt"
	"io"

	"opdis/wire"
)

// Record is one entry read from the log.
type Record struct {
	Entry  wire.Entry
	Raw    []byte // the entry's bytes; valid until the next call to Next
	File   string
	Offset int64
}

// Reader streams entries in log order from a given op id, across files.
// While it is open, the file it is in cannot be purged. At the live end
// Next returns io.EOF ("caught up"); calling Next again after more appends
// (or a split) continues where it stopped.
type Reader struct {
	l      *Log
	seg    *segment
	f      File
	sc     *scanner
	closed bool
}

// NewReader returns a Reader whose first entry is op id from (or, if lone
// headers repeat from, the first of them). It fails with ErrNotInLog when
// the log does not hold from, except that from == LastOpID()+1 gives a
// Reader at the live end.
func (l *Log) NewReader(from int64) (*Reader, error) {
	if l.closed {
		return nil, ErrClosed
	}
	i, off, at, err := l.locate(from)
	if err != nil {
		return nil, err
	}
	if i < 0 || from < 1 || (at != from && !(at == 0 && from == l.maxOp+1)) {
		return nil, fmt.Errorf("%w: %d (the log holds %d to %d)", ErrNotInLog, from, l.MinOpID(), l.maxOp)
	}
	return l.readerAt(i, off)
}

// NewReaderAt returns a Reader at pos, which must be an entry boundary in
// a file of the log (for instance Pos{File: l.Files()[0].Name} for the
// very first entry, or a position Lookup returned).
func (l *Log) NewReaderAt(pos Pos) (*Reader, error) {
	if l.closed {
		return nil, ErrClosed
	}
	i := l.seg(pos.File)
	if i < 0 || pos.Offset < 0 || pos.Offset > l.segs[i].size {
		return nil, fmt.Errorf("aof %s: no position %d in the log", pos.File, pos.Offset)
	}
	return l.readerAt(i, pos.Offset)
}

func (l *Log) readerAt(i int, off int64) (*Reader, error) {
	r := &Reader{l: l}
	if err := r.enter(l.segs[i], off); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Reader) enter(s *segment, off int64) error {
	f, err := r.l.fs.Open(s.name)
	if err != nil {
		return fmt.Errorf("aof %s: %w", s.name, err)
	}
	r.leave()
	r.seg, r.f, r.sc = s, f, newScanner(f, s.name, off, s.size)
	s.pins++
	return nil
}

func (r *Reader) leave() {
	if r.seg != nil {
		r.seg.pins--
		r.f.Close()
		r.seg, r.f, r.sc = nil, nil, nil
	}
}

// Next returns the next entry, or io.EOF when the reader has caught up
// with the live end of the log.
func (r *Reader) Next() (Record, error) {
	if r.closed || r.l.closed {
		return Record{}, ErrClosed
	}
	for {
		r.sc.end = r.seg.size // the live file grows
		raw, e, off, err := r.sc.next()
		if err == nil {
			if err := r.seg.note(e.Header, off, int64(len(raw)), r.l.opts.MarkEvery); err != nil {
				return Record{}, err
			}
			return Record{Entry: e, Raw: raw, File: r.seg.name, Offset: off}, nil
		}
		if !errors.Is(err, io.EOF) {
			return Record{}, err
		}
		if r.seg == r.l.liveSeg() {
			return Record{}, io.EOF
		}
		i := r.l.seg(r.seg.name)
		if i < 0 {
			return Record{}, fmt.Errorf("aof %s: no longer in the log", r.seg.name)
		}
		if i == len(r.l.segs)-1 {
			return Record{}, io.EOF
		}
		if err := r.enter(r.l.segs[i+1], 0); err != nil {
			return Record{}, err
		}
	}
}

// Pos returns where the next entry will be read.
func (r *Reader) Pos() Pos {
	if r.seg == nil {
		return Pos{}
	}
	return Pos{File: r.seg.name, Offset: r.sc.off}
}

// Close releases the reader's file.
func (r *Reader) Close() error {
	if !r.closed {
		r.closed = true
		r.leave()
	}
	return nil
}

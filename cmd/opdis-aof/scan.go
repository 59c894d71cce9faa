package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"opdis/wire"
)

// fileScanner reads the entries of one AOF file for verify. Unlike
// aofbinlog's reader, which stops at the first bad byte, it can skip a
// corrupt entry (to the next opinfo) so that one run reports every
// problem of the file.
type fileScanner struct {
	r    io.ReaderAt
	size int64
	off  int64  // file offset of buf[0]
	buf  []byte // read, not yet consumed
	back []byte
}

// scanError is a bad entry at off; torn when it is an incomplete entry
// running to the end of the file (what a crash during a write leaves).
type scanError struct {
	off  int64
	torn bool
	err  error
}

func (e *scanError) Error() string { return e.err.Error() }

var opinfoPrefix = []byte("*2\r\n$6\r\nopinfo\r\n$")

func newFileScanner(r io.ReaderAt, size int64) *fileScanner {
	return &fileScanner{r: r, size: size}
}

// next returns the entry at the scanner's offset and moves past it. The
// returned raw bytes are valid until the next call. At the end of the
// file it returns io.EOF; a bad entry gives a *scanError (or a read
// error) and leaves the offset at it.
func (s *fileScanner) next() (e wire.Entry, raw []byte, off int64, err error) {
	for {
		atEOF := s.off+int64(len(s.buf)) >= s.size
		if len(s.buf) > 0 {
			e, n, err := wire.ParseEntry(s.buf, atEOF)
			switch {
			case err != nil:
				return e, nil, s.off, &scanError{off: s.off, err: err}
			case n > 0 && e.Partial():
				err := fmt.Errorf("op id %d: %d of its commands", e.Header.OpID, len(e.Commands))
				return e, nil, s.off, &scanError{off: s.off, torn: atEOF && n == len(s.buf), err: err}
			case n > 0:
				raw, off = s.buf[:n], s.off
				s.consume(n)
				return e, raw, off, nil
			case atEOF:
				return e, nil, s.off, &scanError{off: s.off, torn: true, err: fmt.Errorf("%d bytes that do not complete an entry", len(s.buf))}
			}
		} else if atEOF {
			return e, nil, s.off, io.EOF
		}
		if err := s.fill(); err != nil {
			return e, nil, s.off, err
		}
	}
}

func (s *fileScanner) consume(n int) {
	s.buf = s.buf[n:]
	s.off += int64(n)
}

// skip moves past the bad entry at the offset to the next byte that
// starts an opinfo command, or to the end of the file, and returns the
// new offset.
func (s *fileScanner) skip() (int64, error) {
	if len(s.buf) > 0 {
		s.consume(1)
	} else if s.off < s.size {
		s.off++
	}
	for {
		if i := bytes.Index(s.buf, opinfoPrefix); i >= 0 {
			s.consume(i)
			return s.off, nil
		}
		if s.off+int64(len(s.buf)) >= s.size {
			s.consume(len(s.buf))
			return s.off, nil
		}
		// Keep a tail that may be the front of a split prefix.
		s.consume(max(0, len(s.buf)-(len(opinfoPrefix)-1)))
		if err := s.fill(); err != nil {
			return s.off, err
		}
	}
}

// fill reads more bytes after buf, growing the buffer when one entry does
// not fit in it.
func (s *fileScanner) fill() error {
	have := len(s.buf)
	want := max(64<<10, 2*have)
	if cap(s.back) < want {
		s.back = make([]byte, want)
	}
	s.back = s.back[:cap(s.back)]
	copy(s.back, s.buf)
	n := int64(len(s.back) - have)
	if rest := s.size - s.off - int64(have); rest < n {
		n = rest
	}
	got, err := s.r.ReadAt(s.back[have:have+int(n)], s.off+int64(have))
	s.buf = s.back[:have+got]
	if int64(got) == n {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("read at %d: %w", s.off+int64(have), err)
}

package aofbinlog

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"opdis/wire"
)

// CorruptError says a file does not hold a valid entry where one should
// start. Torn is set when the bad bytes are an incomplete entry running to
// the end of the file: what a crash during a write leaves behind.
type CorruptError struct {
	File   string
	Offset int64
	Torn   bool
	Err    error
}

func (e *CorruptError) Error() string {
	what := "corrupt entry"
	if e.Torn {
		what = "incomplete entry at the end (torn write)"
	}
	return fmt.Sprintf("aof %s: %s at offset %d: %v", e.File, what, e.Offset, e.Err)
}

func (e *CorruptError) Unwrap() error { return e.Err }

const readChunk = 64 << 10

// scanner reads whole entries from a file between two offsets.
type scanner struct {
	f    File
	name string
	off  int64  // file offset of buf[0]
	end  int64  // read nothing at or past end
	back []byte // backing store; buf is a window into it
	buf  []byte
}

func newScanner(f File, name string, off, end int64) *scanner {
	return &scanner{f: f, name: name, off: off, end: end}
}

// next returns the entry at s.off and advances past it; raw aliases the
// scanner's buffer until the next call. io.EOF means s.off == s.end.
func (s *scanner) next() (raw []byte, e wire.Entry, off int64, err error) {
	for {
		atEOF := s.off+int64(len(s.buf)) >= s.end
		if len(s.buf) > 0 {
			e, n, err := wire.ParseEntry(s.buf, atEOF)
			if err != nil {
				return nil, e, s.off, &CorruptError{File: s.name, Offset: s.off, Err: err}
			}
			if n > 0 {
				if e.Partial() {
					// Fewer commands than the header announces: torn if it
					// runs to the end, else corrupt.
					err := fmt.Errorf("op id %d: %d of its commands", e.Header.OpID, len(e.Commands))
					return nil, e, s.off, &CorruptError{File: s.name, Offset: s.off, Torn: atEOF && n == len(s.buf), Err: err}
				}
				raw, off = s.buf[:n], s.off
				s.buf, s.off = s.buf[n:], s.off+int64(n)
				return raw, e, off, nil
			}
			if atEOF {
				if h, hn, _ := peekHeader(s.buf); hn > 0 && maybeOpinfo(s.buf[hn:]) {
					// A header followed by what may be the torn front of
					// the next entry (every entry starts with opinfo): the
					// header reads as a whole lone header. So a synced
					// lone header is never cut; at worst a write torn
					// within "*2\r\n$" of its command leaves a lone header.
					raw, off = s.buf[:hn], s.off
					s.buf, s.off = s.buf[hn:], s.off+int64(hn)
					return raw, wire.Entry{Header: h, Size: hn}, off, nil
				}
				err := fmt.Errorf("%d bytes that do not complete an entry", len(s.buf))
				return nil, e, s.off, &CorruptError{File: s.name, Offset: s.off, Torn: true, Err: err}
			}
		} else if atEOF {
			return nil, e, s.off, io.EOF
		}
		if err := s.fill(); err != nil {
			return nil, e, s.off, err
		}
	}
}

// fill reads more bytes after buf, growing the buffer when one entry does
// not fit in it.
func (s *scanner) fill() error {
	have := len(s.buf)
	size := max(readChunk, 2*have)
	if cap(s.back) < size {
		nb := make([]byte, size)
		copy(nb, s.buf)
		s.back = nb
	} else {
		copy(s.back, s.buf)
	}
	s.back = s.back[:cap(s.back)]
	want := int64(len(s.back) - have)
	if rest := s.end - s.off - int64(have); rest < want {
		want = rest
	}
	n, err := s.f.ReadAt(s.back[have:have+int(want)], s.off+int64(have))
	s.buf = s.back[:have+n]
	if n == int(want) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = fmt.Errorf("file ends at %d, before the expected %d: %w", s.off+int64(have+n), s.end, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("aof %s: read at %d: %w", s.name, s.off+int64(have), err)
}

var opinfoPrefix = []byte("*2\r\n$6\r\nopinfo\r\n$")

// maybeOpinfo reports whether b could be the front of an opinfo command.
func maybeOpinfo(b []byte) bool {
	n := min(len(b), len(opinfoPrefix))
	return bytes.EqualFold(b[:n], opinfoPrefix[:n])
}

// peekHeader decodes the opinfo header at the front of b without parsing
// the commands after it. It returns n == 0 if b is too short to tell.
func peekHeader(b []byte) (h wire.Header, n int, err error) {
	p := len(opinfoPrefix)
	if len(b) < p {
		if !bytes.EqualFold(b, opinfoPrefix[:len(b)]) {
			return h, 0, fmt.Errorf("does not start with an opinfo header")
		}
		return h, 0, nil
	}
	if !bytes.EqualFold(b[:p], opinfoPrefix) {
		return h, 0, fmt.Errorf("does not start with an opinfo header")
	}
	size := 0
	for ; p < len(b) && b[p] >= '0' && b[p] <= '9' && size < 1<<20; p++ {
		size = size*10 + int(b[p]-'0')
	}
	if p+2 > len(b) {
		return h, 0, nil
	}
	if b[p] != '\r' || b[p+1] != '\n' {
		return h, 0, fmt.Errorf("malformed opinfo header length")
	}
	p += 2
	if p+size+2 > len(b) {
		return h, 0, nil
	}
	if b[p+size] != '\r' || b[p+size+1] != '\n' {
		return h, 0, fmt.Errorf("opinfo header not terminated by CRLF")
	}
	h, err = wire.DecodeHeader(b[p : p+size])
	if err != nil {
		return h, 0, err
	}
	return h, p + size + 2, nil
}

package aofbinlog

import (
	"fmt"

	"opdis/wire"
)

// mark is one point of a file's sparse index: the entry with op id opid
// starts at byte off.
type mark struct{ opid, off int64 }

// segment is one AOF file of the log, as the Log knows it.
type segment struct {
	name    string
	size    int64 // bytes of whole entries (what readers may read)
	first   int64 // op id of the first entry; 0 if none
	firstTs int64 // its time in ms
	last    int64 // op id of the last entry; 0 if none, -1 unknown

	// The sparse index. marks describe the prefix [0, scanned) of the file
	// (scanned is an entry boundary); scanLast is the op id of the entry
	// that ends there. The prefix grows by appends and by any sequential
	// read that reaches its end (Open, lookups, readers, Load), so no byte
	// is parsed twice to build it.
	marks    []mark
	scanned  int64
	scanLast int64

	pins       int  // open readers positioned in this file
	marksTried bool // loadMarks looked for a side-car
}

// note records the entry [off, off+n) if it continues the scanned prefix,
// checking that op ids do not go back and that the first entry is the
// one the index names.
func (s *segment) note(h wire.Header, off, n, every int64) error {
	if off != s.scanned {
		return nil
	}
	switch {
	case off == 0 && s.first > 0 && h.OpID != s.first:
		return &CorruptError{File: s.name, Offset: 0, Err: fmt.Errorf("%s says the first op id is %d, the file starts with %d", IndexName, s.first, h.OpID)}
	case off > 0 && h.OpID < s.scanLast:
		return &CorruptError{File: s.name, Offset: off, Err: fmt.Errorf("op id %d after op id %d", h.OpID, s.scanLast)}
	}
	if len(s.marks) == 0 || off-s.marks[len(s.marks)-1].off >= every {
		s.marks = append(s.marks, mark{opid: h.OpID, off: off})
	}
	s.scanned, s.scanLast = off+n, h.OpID
	if s.scanned == s.size {
		s.last = h.OpID
	}
	return nil
}

// trimTo forgets everything the sparse index knows at or past off (an
// entry boundary) and returns the offset from which the prefix must be
// scanned again to reach off.
func (s *segment) trimTo(off int64) int64 {
	k := len(s.marks)
	for k > 0 && s.marks[k-1].off >= off {
		k--
	}
	if k == 0 {
		s.marks, s.scanned, s.scanLast = s.marks[:0], 0, 0
		return 0
	}
	// Drop the last surviving mark too and rescan from it, so the entry
	// that ends at off is seen again (its op id becomes scanLast).
	m := s.marks[k-1]
	s.marks = s.marks[:k-1]
	s.scanned = m.off
	if k > 1 {
		s.scanLast = s.marks[k-2].opid // a lower bound; the rescan corrects it
	} else {
		s.scanLast = 0
	}
	return m.off
}

func (s *segment) line(live bool) IndexLine {
	if live || s.last < 0 {
		return IndexLine{Name: s.name, LastOpID: -1}
	}
	return IndexLine{Name: s.name, Known: true, FirstOpID: s.first, FirstTsMs: s.firstTs, LastOpID: s.last}
}

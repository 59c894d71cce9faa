package aofbinlog

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// Side-car mark files. When a split closes a file, its sparse index is
// written beside it as <name>.marks, so that after a restart the first
// lookup in an old file reads a few KiB instead of scanning the file.
// The side-car is a cache: it is written without fsync, checked (CRC,
// size, first and last op id) before use and ignored when anything is
// off, in which case the file is scanned as before. Format: the magic
// line, then little-endian int64s — file size, last op id, mark count,
// (op id, offset) per mark — then a CRC-32 (IEEE) of all of it.
const marksSuffix = ".marks"

var marksMagic = []byte("opdis-aof-marks v1\n")

func encodeMarks(s *segment) []byte {
	b := append([]byte(nil), marksMagic...)
	le := binary.LittleEndian
	b = le.AppendUint64(b, uint64(s.size))
	b = le.AppendUint64(b, uint64(s.last))
	b = le.AppendUint64(b, uint64(len(s.marks)))
	for _, m := range s.marks {
		b = le.AppendUint64(b, uint64(m.opid))
		b = le.AppendUint64(b, uint64(m.off))
	}
	return le.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// decodeMarks returns the marks and last op id if data is a valid
// side-car for s.
func decodeMarks(data []byte, s *segment) ([]mark, int64, bool) {
	le := binary.LittleEndian
	h := len(marksMagic)
	if len(data) < h+24+4 || !bytes.Equal(data[:h], marksMagic) {
		return nil, 0, false
	}
	body, sum := data[:len(data)-4], le.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, 0, false
	}
	size, last, n := int64(le.Uint64(body[h:])), int64(le.Uint64(body[h+8:])), le.Uint64(body[h+16:])
	p := body[h+24:]
	if size != s.size || n == 0 || uint64(len(p)) != 16*n || (s.last >= 0 && last != s.last) {
		return nil, 0, false
	}
	marks := make([]mark, n)
	for i := range marks {
		marks[i] = mark{opid: int64(le.Uint64(p[16*i:])), off: int64(le.Uint64(p[16*i+8:]))}
		if i == 0 && (marks[0].off != 0 || marks[0].opid != s.first) {
			return nil, 0, false
		}
		if i > 0 && (marks[i].off <= marks[i-1].off || marks[i].off >= size || marks[i].opid < marks[i-1].opid || marks[i].opid > last) {
			return nil, 0, false
		}
	}
	return marks, last, true
}

// writeMarks stores s's sparse index beside it (best effort).
func (l *Log) writeMarks(s *segment) {
	if s.size == 0 || s.scanned != s.size || len(s.marks) == 0 {
		return
	}
	f, err := l.fs.Create(s.name + marksSuffix)
	if err != nil {
		return
	}
	f.Write(encodeMarks(s))
	f.Close()
}

// loadMarks adopts s's side-car, if it has a valid one.
func (l *Log) loadMarks(s *segment) {
	if s.marksTried || s.scanned > 0 || s.size == 0 || s == l.liveSeg() {
		return
	}
	s.marksTried = true
	f, err := l.fs.Open(s.name + marksSuffix)
	if err != nil {
		return
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil || size > 64<<20 {
		return
	}
	data := make([]byte, size)
	if n, _ := f.ReadAt(data, 0); int64(n) != size {
		return
	}
	if marks, last, ok := decodeMarks(data, s); ok {
		s.marks, s.scanned, s.scanLast, s.last = marks, s.size, last, last
	}
}

// removeMarks deletes the side-car of a file leaving the log or changing.
func (l *Log) removeMarks(name string) { l.fs.Remove(name + marksSuffix) }

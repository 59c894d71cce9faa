package aofbinlog

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// RDBIndex is the content of rdb.index: which snapshot the data starts
// from and where in the AOF the entries after it begin. The format is
// ApsaraCache's, with optional key=value fields appended to line 1:
//
//	<rdb> <aof> <aof_offset> <next_opid>[ epoch=<last_epoch>]\n
//	<server_id> <applied_opid> <server_id> <applied_opid> ... \n
//
// Line 2 lists the applied-opid pairs, each pair followed by one space
// (an empty dictionary is an empty line). A file holding only `<rdb>\n`
// (ApsaraCache with AOF off) parses with AOF "".
//
// opdis fields: epoch is the epoch of entry next_opid-1, the entry the
// snapshot ends with, so the log-matching check of DESIGN §5 works even
// when that entry's AOF file has been purged. It is written only when
// non-zero, so an index without it is byte-for-byte ApsaraCache's.
type RDBIndex struct {
	RDB       string
	AOF       string // "" for the one-field form
	Offset    int64  // byte offset in AOF where the entries after the snapshot start
	NextOpID  int64
	LastEpoch int64     // epoch of entry NextOpID-1; 0 if unknown
	Applied   []Applied // sorted by ServerID, no duplicates
}

// Applied is one source server's last applied op id (OPAPPLY, DESIGN §6).
type Applied struct{ ServerID, OpID int64 }

// FormatRDBIndex renders idx as rdb.index content.
func FormatRDBIndex(idx RDBIndex) []byte {
	var b bytes.Buffer
	b.WriteString(idx.RDB)
	if idx.AOF == "" {
		b.WriteByte('\n')
		return b.Bytes()
	}
	fmt.Fprintf(&b, " %s %d %d", idx.AOF, idx.Offset, idx.NextOpID)
	if idx.LastEpoch != 0 {
		fmt.Fprintf(&b, " epoch=%d", idx.LastEpoch)
	}
	b.WriteByte('\n')
	for _, a := range idx.Applied {
		fmt.Fprintf(&b, "%d %d ", a.ServerID, a.OpID)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// ParseRDBIndex parses rdb.index content.
func ParseRDBIndex(data []byte) (RDBIndex, error) {
	var idx RDBIndex
	bad := func(line int, format string, args ...any) (RDBIndex, error) {
		return RDBIndex{}, fmt.Errorf("%s line %d: %s", RDBIndexName, line, fmt.Sprintf(format, args...))
	}
	if len(data) > MaxIndexSize {
		return RDBIndex{}, fmt.Errorf("%s: %d bytes, larger than the %d-byte limit", RDBIndexName, len(data), MaxIndexSize)
	}
	lines := strings.Split(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // the final '\n'
	}
	if len(lines) == 0 || lines[0] == "" {
		return bad(1, "empty")
	}
	f := strings.Split(lines[0], " ")
	idx.RDB = f[0]
	if err := checkRDBName(idx.RDB); err != nil {
		return bad(1, "%v", err)
	}
	if len(f) == 1 {
		if len(lines) > 1 {
			return bad(2, "unexpected line after the one-field (AOF off) form")
		}
		return idx, nil
	}
	if len(f) < 4 {
		return bad(1, "%d fields, want 1 or at least 4 (rdb aof aof_offset next_opid)", len(f))
	}
	idx.AOF = f[1]
	if err := checkAOFName(idx.AOF); err != nil {
		return bad(1, "%v", err)
	}
	var ok bool
	if idx.Offset, ok = parseNonNeg(f[2]); !ok {
		return bad(1, "aof_offset %q is not a non-negative integer", f[2])
	}
	if idx.NextOpID, ok = parseNonNeg(f[3]); !ok {
		return bad(1, "next_opid %q is not a non-negative integer", f[3])
	}
	for _, kv := range f[4:] {
		k, v, found := strings.Cut(kv, "=")
		switch {
		case !found:
			return bad(1, "unexpected field %q (want key=value)", kv)
		case k != "epoch":
			return bad(1, "unknown field %q", k)
		case idx.LastEpoch != 0:
			return bad(1, "epoch given twice")
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n == 0 || strconv.FormatInt(n, 10) != v {
			return bad(1, "epoch %q is not a non-zero integer", v)
		}
		idx.LastEpoch = n
	}
	if len(lines) > 2 {
		return bad(3, "unexpected line (rdb.index has two lines)")
	}
	if len(lines) == 2 {
		applied, err := parseApplied(lines[1])
		if err != nil {
			return bad(2, "%v", err)
		}
		idx.Applied = applied
	}
	return idx, nil
}

func parseApplied(s string) ([]Applied, error) {
	s = strings.TrimSuffix(s, " ")
	if s == "" {
		return nil, nil
	}
	f := strings.Split(s, " ")
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("%d fields, want <server_id> <applied_opid> pairs", len(f))
	}
	out := make([]Applied, 0, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		sid, err1 := strconv.ParseInt(f[i], 10, 64)
		op, err2 := strconv.ParseInt(f[i+1], 10, 64)
		if err1 != nil || err2 != nil || strconv.FormatInt(sid, 10) != f[i] || strconv.FormatInt(op, 10) != f[i+1] {
			return nil, fmt.Errorf("pair %q %q is not two integers", f[i], f[i+1])
		}
		out = append(out, Applied{ServerID: sid, OpID: op})
	}
	slices.SortStableFunc(out, func(a, b Applied) int { return cmp.Compare(a.ServerID, b.ServerID) })
	for i := 1; i < len(out); i++ {
		if out[i].ServerID == out[i-1].ServerID {
			return nil, fmt.Errorf("server_id %d listed twice", out[i].ServerID)
		}
	}
	return out, nil
}

func checkRDBName(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	if strings.ContainsAny(name, " \t\r\n") {
		return fmt.Errorf("rdb file name %q contains whitespace", name)
	}
	return nil
}

// validate checks what FormatRDBIndex needs to produce a parseable file.
func (idx RDBIndex) validate() error {
	if err := checkRDBName(idx.RDB); err != nil {
		return err
	}
	if idx.AOF == "" {
		return nil
	}
	if err := checkAOFName(idx.AOF); err != nil {
		return err
	}
	if idx.Offset < 0 || idx.NextOpID < 0 {
		return fmt.Errorf("negative offset %d or next_opid %d", idx.Offset, idx.NextOpID)
	}
	for i := 1; i < len(idx.Applied); i++ {
		if idx.Applied[i].ServerID <= idx.Applied[i-1].ServerID {
			return fmt.Errorf("applied pairs not sorted by server_id or duplicated")
		}
	}
	return nil
}

// ReadRDBIndex reads and parses rdb.index. A missing file gives an error
// for which IsNotExist holds.
func ReadRDBIndex(fsys FS) (RDBIndex, error) {
	data, err := ReadSmallFile(fsys, RDBIndexName)
	if err != nil {
		return RDBIndex{}, err
	}
	return ParseRDBIndex(data)
}

// WriteRDBIndex replaces rdb.index atomically (write tmp-rdb.index, fsync,
// rename, fsync the directory). Log.WriteRDBIndex also moves the purge
// guard; use it when a Log is open.
func WriteRDBIndex(fsys FS, idx RDBIndex) error {
	if err := idx.validate(); err != nil {
		return fmt.Errorf("%s: %w", RDBIndexName, err)
	}
	return WriteFileAtomic(fsys, RDBIndexName, FormatRDBIndex(idx))
}

func parseNonNeg(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0 && strconv.FormatInt(n, 10) == s
}

// WriteRDBIndex records a new snapshot: idx.AOF must be a file of the log
// and idx.Offset at most its size (normally the live file at 0, after the
// split that precedes a snapshot). If the offset lies in the live file,
// the file is fsynced first so the offset never points past durable
// bytes. From then on Purge may remove the files before idx.AOF.
func (l *Log) WriteRDBIndex(idx RDBIndex) error {
	if err := l.usable(); err != nil {
		return err
	}
	if idx.AOF != "" {
		i := l.seg(idx.AOF)
		if i < 0 {
			return fmt.Errorf("%s: %s is not in %s", RDBIndexName, idx.AOF, IndexName)
		}
		if idx.Offset > l.segs[i].size {
			return fmt.Errorf("%s: offset %d is past the end of %s (%d bytes)", RDBIndexName, idx.Offset, idx.AOF, l.segs[i].size)
		}
		if i == len(l.segs)-1 && idx.Offset > 0 {
			if err := l.Sync(); err != nil {
				return err
			}
		}
	}
	if err := WriteRDBIndex(l.fs, idx); err != nil {
		if errors.Is(err, ErrNotDurable) {
			// As writeIndex: either rdb.index may be the one a restart
			// finds, so nothing more is logged until the log is reopened.
			return l.poison(err)
		}
		return err
	}
	idx.Applied = slices.Clone(idx.Applied)
	l.rdb = &idx
	return nil
}

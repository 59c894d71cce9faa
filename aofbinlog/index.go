package aofbinlog

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// File names in the data directory.
const (
	IndexName    = "aof-inc.index" // the AOF files, oldest first
	RDBIndexName = "rdb.index"     // the snapshot and where the AOF continues it
	tmpPrefix    = "tmp-"          // atomic rewrites go through tmp-<name>

	MaxIndexSize = 1 << 20 // an index file larger than this is refused
	MaxIndexLine = 1024    // so is an aof-inc.index line longer than this
)

// IndexLine is one line of aof-inc.index. The format, one file per line,
// oldest first, each line ending in '\n':
//
//	<name> <first_opid> <first_ts_ms> <last_opid>
//	<name>
//
// The four-field form is written for every file that is no longer live
// (the values are known and fsynced when the file is closed by a split).
// The live file, and any file listed by ApsaraCache (which records names
// only), has the bare form; the values are then derived from the file.
// first_opid 0 (with ts and last 0) means the file holds no entry. The
// three-field form `<name> <first_opid> <first_ts_ms>` is also accepted
// (last op id unknown).
type IndexLine struct {
	Name      string
	Known     bool  // false for a bare name
	FirstOpID int64 // 0: no entry
	FirstTsMs int64
	LastOpID  int64 // -1: unknown
}

func (l IndexLine) String() string {
	if !l.Known {
		return l.Name
	}
	if l.LastOpID < 0 {
		return fmt.Sprintf("%s %d %d", l.Name, l.FirstOpID, l.FirstTsMs)
	}
	return fmt.Sprintf("%s %d %d %d", l.Name, l.FirstOpID, l.FirstTsMs, l.LastOpID)
}

// ParseIndex parses aof-inc.index. It accepts exactly what FormatIndex
// writes plus bare names and the three-field form, and rejects anything
// else with an error that names the line.
func ParseIndex(data []byte) ([]IndexLine, error) {
	if len(data) > MaxIndexSize {
		return nil, fmt.Errorf("%s: %d bytes, larger than the %d-byte limit", IndexName, len(data), MaxIndexSize)
	}
	var out []IndexLine
	seen := make(map[string]int)
	prevLast := int64(0) // highest op id known to be in an earlier file
	for n := 1; len(data) > 0; n++ {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil // a last line without '\n' is accepted
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s line %d: %s", IndexName, n, fmt.Sprintf(format, args...))
		}
		if len(line) > MaxIndexLine {
			return nil, bad("%d bytes, longer than the %d-byte limit", len(line), MaxIndexLine)
		}
		l, err := parseIndexLine(string(line))
		if err != nil {
			return nil, bad("%v", err)
		}
		if first, ok := seen[l.Name]; ok {
			return nil, bad("%s is already listed on line %d", l.Name, first)
		}
		seen[l.Name] = n
		if l.Known && l.FirstOpID > 0 {
			if l.FirstOpID < prevLast {
				return nil, bad("first op id %d is below op id %d of an earlier file", l.FirstOpID, prevLast)
			}
			prevLast = max(l.FirstOpID, l.LastOpID)
		}
		out = append(out, l)
	}
	return out, nil
}

func parseIndexLine(s string) (IndexLine, error) {
	if s == "" {
		return IndexLine{}, fmt.Errorf("empty line")
	}
	f := strings.Split(s, " ")
	l := IndexLine{Name: f[0], LastOpID: -1}
	if err := checkAOFName(l.Name); err != nil {
		return l, err
	}
	switch len(f) {
	case 1:
		return l, nil
	case 3, 4:
	default:
		return l, fmt.Errorf("%d fields, want 1 (name) or 4 (name first_opid first_ts_ms last_opid)", len(f))
	}
	l.Known = true
	var err error
	num := func(what, v string) int64 {
		n, e := strconv.ParseInt(v, 10, 64)
		if err == nil && (e != nil || n < 0 || strconv.FormatInt(n, 10) != v) {
			err = fmt.Errorf("%s %q is not a non-negative integer", what, v)
		}
		return n
	}
	l.FirstOpID = num("first_opid", f[1])
	l.FirstTsMs = num("first_ts_ms", f[2])
	if len(f) == 4 {
		l.LastOpID = num("last_opid", f[3])
	}
	switch {
	case err != nil:
		return l, err
	case l.FirstOpID == 0 && (l.FirstTsMs != 0 || l.LastOpID > 0):
		return l, fmt.Errorf("first_opid 0 (no entries) with a timestamp or last_opid")
	case l.FirstOpID > 0 && l.LastOpID >= 0 && l.LastOpID < l.FirstOpID:
		return l, fmt.Errorf("last_opid %d below first_opid %d", l.LastOpID, l.FirstOpID)
	}
	return l, nil
}

// checkAOFName accepts a plain file name ending in ".aof".
func checkAOFName(name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c == 0x7f {
			return fmt.Errorf("file name %q contains a control or space character", name)
		}
	}
	if !strings.HasSuffix(name, ".aof") || len(name) == len(".aof") {
		return fmt.Errorf("%q is not an AOF file name (want *.aof)", name)
	}
	return nil
}

// FormatIndex renders lines as aof-inc.index.
// WriteIndex replaces aof-inc.index atomically with lines (tools that
// build a data directory; a Log keeps its own index).
func WriteIndex(fsys FS, lines []IndexLine) error {
	return WriteFileAtomic(fsys, IndexName, FormatIndex(lines))
}

func FormatIndex(lines []IndexLine) []byte {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

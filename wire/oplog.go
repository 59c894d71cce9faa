package wire

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Oplog entries (DESIGN §3): `opinfo <header>` followed by the command(s)
// the header covers, all RESP multibulk. The header is ApsaraCache's packed
// little-endian struct (version 1, 32 bytes); version 2 appends the epoch
// and a millisecond timestamp (48 bytes). Readers accept both.

const (
	HeaderV1Size = 32
	HeaderV2Size = 48

	// CmdNum values: how many commands the entry holds, counting opinfo.
	CmdNumTransaction = 0 // MULTI … EXEC
	CmdNumOne         = 2
	CmdNumTwo         = 3

	// CmdFlag bits.
	FlagDelByExpire   = 4
	FlagDelByEviction = 8
)

// Header is the opinfo payload.
type Header struct {
	Version   uint8
	CmdNum    uint8 // low nibble of byte 1
	CmdFlag   uint8 // high nibble of byte 1
	DB        uint16
	Timestamp int32 // unix seconds
	ServerID  int64
	OpID      int64
	SrcOpID   int64 // -1 for local writes
	// Version 2 only.
	Epoch       int64
	TimestampMs int64
}

// AppendHeader appends the binary header (48 bytes for version 2, else 32).
func AppendHeader(b []byte, h Header) []byte {
	b = append(b, h.Version, h.CmdNum&0x0f|h.CmdFlag<<4)
	b = binary.LittleEndian.AppendUint16(b, h.DB)
	b = binary.LittleEndian.AppendUint32(b, uint32(h.Timestamp))
	b = binary.LittleEndian.AppendUint64(b, uint64(h.ServerID))
	b = binary.LittleEndian.AppendUint64(b, uint64(h.OpID))
	b = binary.LittleEndian.AppendUint64(b, uint64(h.SrcOpID))
	if h.Version >= 2 {
		b = binary.LittleEndian.AppendUint64(b, uint64(h.Epoch))
		b = binary.LittleEndian.AppendUint64(b, uint64(h.TimestampMs))
	}
	return b
}

// DecodeHeader decodes an opinfo payload. Version 1 needs 32 bytes;
// version 2 and later need at least 48 (later versions may append fields).
func DecodeHeader(p []byte) (Header, error) {
	if len(p) < HeaderV1Size {
		return Header{}, fmt.Errorf("opinfo header: %d bytes, want at least %d", len(p), HeaderV1Size)
	}
	le := binary.LittleEndian
	h := Header{
		Version:   p[0],
		CmdNum:    p[1] & 0x0f,
		CmdFlag:   p[1] >> 4,
		DB:        le.Uint16(p[2:]),
		Timestamp: int32(le.Uint32(p[4:])),
		ServerID:  int64(le.Uint64(p[8:])),
		OpID:      int64(le.Uint64(p[16:])),
		SrcOpID:   int64(le.Uint64(p[24:])),
	}
	switch {
	case h.Version == 1:
		if len(p) != HeaderV1Size {
			return Header{}, fmt.Errorf("opinfo header v1: %d bytes, want %d", len(p), HeaderV1Size)
		}
	case h.Version >= 2:
		if len(p) < HeaderV2Size {
			return Header{}, fmt.Errorf("opinfo header v%d: %d bytes, want at least %d", h.Version, len(p), HeaderV2Size)
		}
		h.Epoch = int64(le.Uint64(p[32:]))
		h.TimestampMs = int64(le.Uint64(p[40:]))
	default:
		return Header{}, fmt.Errorf("opinfo header: unknown version %d", h.Version)
	}
	return h, nil
}

// TimeMs is the entry's time in milliseconds: the version-2 field when
// set, else the version-1 seconds.
func (h Header) TimeMs() int64 {
	if h.Version >= 2 && h.TimestampMs != 0 {
		return h.TimestampMs
	}
	return int64(h.Timestamp) * 1000
}

var opinfoName = []byte("opinfo")

// AppendEntry encodes one oplog entry: the header, then each command.
// For a transaction pass MULTI, the commands and EXEC with CmdNum 0.
func AppendEntry(b []byte, h Header, cmds ...[][]byte) []byte {
	var hdr [HeaderV2Size]byte
	b = AppendCommand(b, opinfoName, AppendHeader(hdr[:0], h))
	for _, c := range cmds {
		b = AppendCommand(b, c...)
	}
	return b
}

// Entry is one decoded oplog entry.
type Entry struct {
	Header   Header
	Commands [][][]byte // without the opinfo; empty for a lone header
	Size     int        // bytes the entry occupies, opinfo included
}

// StartsWithOpinfo reports whether buf begins with an opinfo command in
// the form AppendCommand writes ("*2\r\n$6\r\nopinfo\r\n", any case), so
// a reader of a stream of entries can go to ParseEntry without parsing
// the header twice. False means "maybe not": parse and check IsOpinfo.
func StartsWithOpinfo(buf []byte) bool {
	const prefix = "*2\r\n$6\r\n"
	return len(buf) >= len(prefix)+8 && string(buf[:len(prefix)]) == prefix &&
		bytes.EqualFold(buf[len(prefix):len(prefix)+6], opinfoName) &&
		buf[len(prefix)+6] == '\r' && buf[len(prefix)+7] == '\n'
}

// IsOpinfo reports whether args is an opinfo command.
func IsOpinfo(args [][]byte) bool {
	return len(args) == 2 && bytes.EqualFold(args[0], opinfoName)
}

// Partial reports an entry with some but not all of the commands its
// header announces: what ParseEntry returns for a torn tail (atEOF) or when
// the next opinfo comes early. Every reader must check it; a lone header
// (no commands) is not partial.
func (e Entry) Partial() bool {
	n := len(e.Commands)
	if n == 0 {
		return false
	}
	if e.Header.CmdNum == CmdNumTransaction {
		last := e.Commands[n-1]
		return !(len(last) == 1 && bytes.EqualFold(last[0], []byte("exec")))
	}
	return n != int(e.Header.CmdNum)-1
}

// ParseEntry decodes one entry from the front of buf. n is 0 when buf does
// not yet hold the whole entry. An opinfo directly followed by another
// opinfo (or by the end of a complete stream, when atEOF) is a lone header
// with no commands, which readers must tolerate. A stream that ends (atEOF)
// or meets the next opinfo before the entry's commands are all there yields
// a Partial entry, so the caller can tell a torn tail from corruption. Commands are parsed with
// no bulk limit: the log is trusted input once its framing is valid.
func ParseEntry(buf []byte, atEOF bool) (e Entry, n int, err error) {
	var args [][]byte
	var used int
	var small [2][]byte
	if len(buf) > 0 && buf[0] == '*' {
		// The header is decoded at once: its arguments need no copy.
		args, used, err = parseMultibulk(buf, Limits{MaxBulkLen: 1 << 40}, small[:0], false)
	} else {
		args, used, err = ParseCommand(buf, Limits{MaxBulkLen: 1 << 40})
	}
	if err != nil {
		return Entry{}, 0, fmt.Errorf("oplog entry at byte 0: %w", err)
	}
	if used == 0 {
		return Entry{}, 0, nil
	}
	if !IsOpinfo(args) {
		return Entry{}, 0, fmt.Errorf("oplog entry at byte 0: want opinfo, got %q", truncate(args))
	}
	if e.Header, err = DecodeHeader(args[1]); err != nil {
		return Entry{}, 0, err
	}
	pos := used
	want := int(e.Header.CmdNum) - 1 // commands after opinfo; <0 means until EXEC
	for want != 0 {
		args, used, err := ParseCommand(buf[pos:], Limits{MaxBulkLen: 1 << 40})
		if err != nil {
			return Entry{}, 0, fmt.Errorf("oplog entry opid %d at byte %d: %w", e.Header.OpID, pos, err)
		}
		if used == 0 {
			if atEOF && len(buf) == pos {
				break // lone header at the end of the log
			}
			return Entry{}, 0, nil
		}
		if args == nil {
			return Entry{}, 0, fmt.Errorf("oplog entry opid %d at byte %d: empty command", e.Header.OpID, pos)
		}
		if IsOpinfo(args) {
			break // lone header: the next entry starts here
		}
		e.Commands = append(e.Commands, args)
		pos += used
		if want > 0 {
			want--
		} else if len(args) == 1 && bytes.EqualFold(args[0], []byte("exec")) {
			break
		}
	}
	e.Size = pos
	return e, pos, nil
}

func truncate(args [][]byte) string {
	if len(args) == 0 {
		return ""
	}
	s := string(args[0])
	if len(s) > 32 {
		s = s[:32]
	}
	return s
}

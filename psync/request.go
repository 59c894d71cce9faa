package psync

import (
	"bytes"
	"fmt"
	"strings"

	"opdis/wire"
)

// ReplyError is a refusal whose text is the exact error reply, code
// included ("ERR …", "NOMASTERLINK …").
type ReplyError struct{ Msg string }

func (e *ReplyError) Error() string { return e.Msg }

// Reply returns the RESP error bytes.
func (e *ReplyError) Reply() []byte { return wire.AppendError(nil, e.Msg) }

// replyErr formats an error reply. Newlines become spaces so a quoted
// argument cannot break the protocol (addReplyErrorFormat does the same).
func replyErr(format string, args ...any) *ReplyError {
	msg := []byte(fmt.Sprintf(format, args...))
	for i, c := range msg {
		if c == '\r' || c == '\n' {
			msg[i] = ' '
		}
	}
	return &ReplyError{Msg: string(msg)}
}

var errNotInteger = &ReplyError{Msg: "ERR value is not an integer or out of range"}

// OpdisVersion is the opdis replication protocol version an opdis replica
// sends in its PSYNC.
const OpdisVersion = 1

// Request is a parsed PSYNC.
//
// Redis form:  PSYNC <replid> <offset> [FAILOVER]
// opdis form:  PSYNC <replid> <offset> [FAILOVER] <next_opid> <server_id> <version> <last_epoch>
//
// FAILOVER sits at argv[3], where Redis looks for it, in both forms.
// Offset is the first byte the replica has not got; replid "?" (with
// offset -1) asks for a full sync. Replication ids are not validated: as
// in Redis, an id that names no history simply gets a full sync.
type Request struct {
	ReplID   string
	Offset   int64
	Failover bool

	Opdis bool // the opdis form; the fields below are set
	// NextOpID is the first op id the replica does not have; LastEpoch
	// the epoch of its entry NextOpID-1 (0 when it has none).
	NextOpID  int64
	ServerID  int64
	Version   int64
	LastEpoch int64
}

// ParsePSYNC parses a PSYNC command (args[0] is the command name). Errors
// are ReplyErrors with Redis's text where Redis has one.
func ParsePSYNC(args [][]byte) (Request, error) {
	if len(args) < 3 {
		return Request{}, replyErr("ERR wrong number of arguments for 'psync' command")
	}
	req := Request{ReplID: string(args[1])}
	var ok bool
	if req.Offset, ok = wire.ParseInt(args[2]); !ok {
		return Request{}, errNotInteger
	}
	rest := args[3:]
	if len(rest) > 0 && bytes.EqualFold(rest[0], []byte("failover")) {
		req.Failover = true
		rest = rest[1:]
	}
	switch len(rest) {
	case 0:
		return req, nil
	case 4:
	default:
		return Request{}, replyErr("ERR PSYNC takes <replid> <offset> [FAILOVER] [<next_opid> <server_id> <version> <last_epoch>], got %d arguments", len(args)-1)
	}
	req.Opdis = true
	for i, f := range []struct {
		name string
		v    *int64
	}{{"next_opid", &req.NextOpID}, {"server_id", &req.ServerID}, {"version", &req.Version}, {"last_epoch", &req.LastEpoch}} {
		if *f.v, ok = wire.ParseInt(rest[i]); !ok {
			return Request{}, replyErr("ERR PSYNC %s %q is not an integer or out of range", f.name, truncArg(rest[i]))
		}
	}
	if req.Version < 1 {
		return Request{}, replyErr("ERR PSYNC version %d is not supported (this master speaks %d)", req.Version, OpdisVersion)
	}
	return req, nil
}

// AppendPSYNC encodes req as the command a replica sends.
func AppendPSYNC(b []byte, req Request) []byte {
	args := [][]byte{[]byte("PSYNC"), []byte(req.ReplID), itob(req.Offset)}
	if req.Failover {
		args = append(args, []byte("FAILOVER"))
	}
	if req.Opdis {
		args = append(args, itob(req.NextOpID), itob(req.ServerID), itob(req.Version), itob(req.LastEpoch))
	}
	return wire.AppendCommand(b, args...)
}

// Capa is the set of capabilities a replica announced with REPLCONF capa.
type Capa uint8

const (
	CapaEOF    Capa = 1 << iota // can read a diskless `$EOF:<mark>` transfer
	CapaPSYNC2                  // understands `+CONTINUE <replid>`
	CapaOpinfo                  // an opdis replica: oplog entries, AOF psync
)

// Replconf is a parsed REPLCONF. Options apply in order; on an error the
// value holds the options before the bad one, which Redis has already
// applied by then.
type Replconf struct {
	ListeningPort    int64
	HasListeningPort bool
	IPAddress        string
	HasIPAddress     bool
	Capa             Capa  // capabilities announced here (unknown ones are ignored)
	RDBOnly          int64 // -1 unless `rdb-only 0|1` was given

	// ACK, GETACK and ACK-OPID end the command and are never answered.
	// An ACK whose offset is not an integer is dropped silently
	// (AckValid false), as Redis does.
	Ack        bool
	AckValid   bool
	AckOffset  int64
	Fack       bool // `ACK <offset> FACK <aofoffset>` (Redis 7.2, WAITAOF)
	FackOffset int64
	GetAck     bool
	AckOpID    bool // ApsaraCache's `ACK-OPID <next_opid>`
	OpIDValid  bool
	NextOpID   int64
}

// NoReply reports a REPLCONF that gets no reply (ACK, GETACK, ACK-OPID);
// every other one that parses is answered +OK.
func (r Replconf) NoReply() bool { return r.Ack || r.GetAck || r.AckOpID }

// maxHostLen is NET_HOST_STR_LEN: an ip-address must be shorter.
const maxHostLen = 256

// ParseReplconf parses REPLCONF <option> <value> … (args[0] is the command
// name) with the checks and error texts of Redis 7.0's replconfCommand.
func ParseReplconf(args [][]byte) (Replconf, error) {
	r := Replconf{RDBOnly: -1}
	if len(args)%2 == 0 {
		return r, replyErr("ERR syntax error")
	}
	for j := 1; j < len(args); j += 2 {
		opt, val := args[j], args[j+1]
		var ok bool
		switch strings.ToLower(string(opt)) {
		case "listening-port":
			if r.ListeningPort, ok = wire.ParseInt(val); !ok {
				r.ListeningPort = 0
				return r, errNotInteger
			}
			r.HasListeningPort = true
		case "ip-address":
			if len(val) >= maxHostLen {
				return r, replyErr("ERR REPLCONF ip-address provided by replica instance is too long: %d bytes", len(val))
			}
			r.IPAddress, r.HasIPAddress = string(val), true
		case "capa":
			switch strings.ToLower(string(val)) {
			case "eof":
				r.Capa |= CapaEOF
			case "psync2":
				r.Capa |= CapaPSYNC2
			case "opinfo":
				r.Capa |= CapaOpinfo
			}
		case "ack":
			r.Ack = true
			r.AckOffset, r.AckValid = wire.ParseInt(val)
			if !r.AckValid {
				r.AckOffset = 0
				return r, nil
			}
			if len(args) > j+3 && bytes.EqualFold(args[j+2], []byte("fack")) {
				if off, ok := wire.ParseInt(args[j+3]); ok {
					r.Fack, r.FackOffset = true, off
				}
			}
			return r, nil
		case "getack":
			r.GetAck = true
			return r, nil
		case "ack-opid":
			r.AckOpID = true
			r.NextOpID, r.OpIDValid = wire.ParseInt(val)
			if !r.OpIDValid {
				r.NextOpID = 0
			}
			return r, nil
		case "rdb-only":
			v, ok := wire.ParseInt(val)
			if !ok {
				return r, errNotInteger
			}
			if v < 0 || v > 1 {
				return r, replyErr("ERR value is out of range, value must between 0 and 1")
			}
			r.RDBOnly = v
		default:
			return r, replyErr("ERR Unrecognized REPLCONF option: %s", opt)
		}
	}
	return r, nil
}

func itob(n int64) []byte { return fmt.Appendf(nil, "%d", n) }

func truncArg(b []byte) string {
	if len(b) > 32 {
		return string(b[:32]) + "…"
	}
	return string(b)
}

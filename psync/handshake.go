package psync

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"opdis/wire"
)

// State is where a replica's link to its master is, with the names of
// Redis's repl_state (syncWithMaster).
type State uint8

const (
	StateConnecting        State = iota // waiting for the connection
	StateReceivePingReply               // PING sent
	StateReceiveAuthReply               // handshake sent (AUTH first)
	StateReceivePortReply               // waiting for the listening-port reply
	StateReceiveIPReply                 // waiting for the ip-address reply
	StateReceiveCapaReply               // waiting for the capa reply
	StateReceivePSYNCReply              // PSYNC sent
	StateTransfer                       // receiving the RDB
	StateConnected                      // streaming
	StateFailed                         // gave up: close the connection, retry later
)

var stateNames = [...]string{"connecting", "receive_ping_reply", "receive_auth_reply", "receive_port_reply",
	"receive_ip_reply", "receive_capa_reply", "receive_psync_reply", "transfer", "connected", "failed"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "state(" + strconv.Itoa(int(s)) + ")"
}

// Config is what a replica's handshake says about itself.
type Config struct {
	ListeningPort int64  // REPLCONF listening-port (replica-announce-port or port)
	AnnounceIP    string // REPLCONF ip-address, only when set (replica-announce-ip)
	MasterUser    string // AUTH user (masteruser), only with MasterAuth
	MasterAuth    string // AUTH password (masterauth); empty sends no AUTH

	// The cached master: PSYNC asks for ReplID from ReplOffset+1, the
	// first byte not yet received. An empty ReplID sends `PSYNC ? -1`.
	ReplID     string
	ReplOffset int64

	// Opdis, when set, announces capa opinfo and sends the opdis PSYNC
	// form, so an opdis master may answer +AOFCONTINUE and adds its op
	// ids to +FULLRESYNC. A Redis 7 master ignores the extra arguments.
	Opdis *OpdisPSYNC

	// Failover adds FAILOVER to the PSYNC: a master handing over to this
	// replica of its (FAILOVER command), which then promotes itself.
	Failover bool
}

// OpdisPSYNC is the replica's position in the op log.
type OpdisPSYNC struct {
	NextOpID  int64 // the first op id it does not have
	ServerID  int64 // its server-id (the replication group's)
	LastEpoch int64 // the epoch of its entry NextOpID-1; 0 when unknown
}

// maxReplyLine bounds a handshake reply line (an opdis +FULLRESYNC carries
// the applied-opid pairs); a master sending more without a newline is not
// speaking this protocol.
const maxReplyLine = 1 << 20

// Handshake is a replica's side of a sync as a sans-IO state machine,
// Redis's syncWithMaster and readSyncBulkPayload: the node calls
// Connected when the connection is up, Feed with every byte the master
// sends and Closed when the connection drops; it writes Output to the
// master and acts on the events. After a failure (a Failed or TryLater
// event) the node closes the connection and starts a new Handshake later.
//
// Replies are read as lines ended by "\n" (a "\r" before it is dropped),
// as Redis's connSyncReadLine, so a master's bare "\n" keep-alives are
// understood wherever Redis understands them.
type Handshake struct {
	cfg   Config
	state State
	in    []byte // unconsumed input: a partial line
	out   []byte
	psync Request // as sent

	// The RDB transfer.
	inBulk bool
	size   int64  // announced length; -1 for an EOF-mark transfer
	mark   []byte // the EOF mark
	got    int64  // RDB bytes delivered
	held   []byte // EOF mode: trailing bytes that may begin the mark
}

// NewHandshake returns a handshake waiting for its connection.
func NewHandshake(cfg Config) *Handshake { return &Handshake{cfg: cfg} }

// State is where the handshake is.
func (h *Handshake) State() State { return h.state }

// Output returns the bytes to send to the master and forgets them.
func (h *Handshake) Output() []byte {
	out := h.out
	h.out = nil
	return out
}

// Connected starts the handshake on a fresh connection: PING.
func (h *Handshake) Connected() {
	if h.state != StateConnecting {
		return
	}
	h.out = wire.AppendCommand(h.out, []byte("PING"))
	h.state = StateReceivePingReply
}

// Feed consumes bytes from the master and returns what happened. Data
// slices in the events alias data or the handshake's buffers and are
// valid until the next call.
func (h *Handshake) Feed(data []byte) []Event {
	var evs []Event
	switch h.state {
	case StateFailed:
		return nil
	case StateConnected:
		if len(data) > 0 {
			evs = append(evs, Stream{Data: data})
		}
		return evs
	case StateConnecting:
		if len(data) > 0 {
			return h.fail(evs, "master sent %d bytes before the connection was reported up", len(data))
		}
		return nil
	}
	buf, owned := data, false // owned: buf is the handshake's own buffer
	if len(h.in) > 0 {
		buf, owned = append(h.in, data...), true
		h.in = nil
	}
	for len(buf) > 0 {
		switch {
		case h.state == StateFailed:
			return evs
		case h.state == StateConnected:
			return append(evs, Stream{Data: buf})
		case h.inBulk && h.size >= 0:
			buf = h.readSized(buf, &evs)
		case h.inBulk:
			buf = h.readToMark(buf, &evs)
		default:
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				if len(buf) > maxReplyLine {
					return h.fail(evs, "reply line longer than %d bytes", maxReplyLine)
				}
				h.in = buf
				if !owned {
					h.in = bytes.Clone(buf)
				}
				return evs
			}
			if i > maxReplyLine {
				return h.fail(evs, "reply line longer than %d bytes", maxReplyLine)
			}
			line := bytes.TrimSuffix(buf[:i], []byte("\r"))
			buf = buf[i+1:]
			evs = h.reply(string(line), evs)
		}
	}
	return evs
}

// Closed reports the connection gone. Before the stream started that is a
// failure: in particular an RDB cut short must never be loaded.
func (h *Handshake) Closed() []Event {
	switch {
	case h.state == StateFailed || h.state == StateConnected:
		return nil
	case h.inBulk && h.size >= 0:
		return h.fail(nil, "connection lost during the RDB transfer after %d of %d bytes", h.got, h.size)
	case h.inBulk:
		return h.fail(nil, "connection lost during the RDB transfer after %d bytes, before the EOF mark", h.got)
	}
	return h.fail(nil, "connection closed by the master")
}

// reply handles one reply line in the state that expects it.
func (h *Handshake) reply(line string, evs []Event) []Event {
	switch h.state {
	case StateReceivePingReply:
		// Errors that only mean "authenticate first" are fine: AUTH comes next.
		if !strings.HasPrefix(line, "+") && !strings.HasPrefix(line, "-NOAUTH") &&
			!strings.HasPrefix(line, "-NOPERM") && !strings.HasPrefix(line, "-ERR operation not permitted") {
			return h.fail(evs, "error reply to PING from master: %q", line)
		}
		h.sendHandshake()
	case StateReceiveAuthReply:
		if strings.HasPrefix(line, "-") {
			return h.fail(evs, "unable to AUTH to master: %s", line)
		}
		h.state = StateReceivePortReply
	case StateReceivePortReply:
		evs = warnIfError(evs, "REPLCONF listening-port", line)
		h.state = StateReceiveCapaReply
		if h.cfg.AnnounceIP != "" {
			h.state = StateReceiveIPReply
		}
	case StateReceiveIPReply:
		evs = warnIfError(evs, "REPLCONF ip-address", line)
		h.state = StateReceiveCapaReply
	case StateReceiveCapaReply:
		evs = warnIfError(evs, "REPLCONF capa", line)
		h.sendPSYNC()
	case StateReceivePSYNCReply:
		return h.psyncReply(line, evs)
	case StateTransfer:
		return h.bulkHeader(line, evs)
	}
	return evs
}

// Errors to REPLCONF are not critical: older masters do not know every
// option (Redis logs them and goes on).
func warnIfError(evs []Event, what, line string) []Event {
	if strings.HasPrefix(line, "-") {
		evs = append(evs, Warning{Msg: fmt.Sprintf("master replied to %s: %s", what, line)})
	}
	return evs
}

// sendHandshake pipelines AUTH, REPLCONF listening-port, ip-address and
// capa, in the order and spelling of a Redis 7.0 replica.
func (h *Handshake) sendHandshake() {
	if h.cfg.MasterAuth != "" {
		args := [][]byte{[]byte("AUTH")}
		if h.cfg.MasterUser != "" {
			args = append(args, []byte(h.cfg.MasterUser))
		}
		h.out = wire.AppendCommand(h.out, append(args, []byte(h.cfg.MasterAuth))...)
	}
	h.out = wire.AppendCommand(h.out, []byte("REPLCONF"), []byte("listening-port"), strconv.AppendInt(nil, h.cfg.ListeningPort, 10))
	if h.cfg.AnnounceIP != "" {
		h.out = wire.AppendCommand(h.out, []byte("REPLCONF"), []byte("ip-address"), []byte(h.cfg.AnnounceIP))
	}
	capa := [][]byte{[]byte("REPLCONF"), []byte("capa"), []byte("eof"), []byte("capa"), []byte("psync2")}
	if h.cfg.Opdis != nil {
		capa = append(capa, []byte("capa"), []byte("opinfo"))
	}
	h.out = wire.AppendCommand(h.out, capa...)
	h.state = StateReceivePortReply
	if h.cfg.MasterAuth != "" {
		h.state = StateReceiveAuthReply
	}
}

func (h *Handshake) sendPSYNC() {
	h.psync = Request{ReplID: "?", Offset: -1}
	if h.cfg.ReplID != "" {
		h.psync = Request{ReplID: h.cfg.ReplID, Offset: h.cfg.ReplOffset + 1}
	}
	if o := h.cfg.Opdis; o != nil {
		h.psync.Opdis = true
		h.psync.NextOpID, h.psync.ServerID, h.psync.Version, h.psync.LastEpoch = o.NextOpID, o.ServerID, OpdisVersion, o.LastEpoch
	}
	h.psync.Failover = h.cfg.Failover
	h.out = AppendPSYNC(h.out, h.psync)
	h.state = StateReceivePSYNCReply
}

// psyncReply reads the master's answer to PSYNC
// (slaveTryPartialResynchronization).
func (h *Handshake) psyncReply(line string, evs []Event) []Event {
	switch {
	case line == "":
		// The master keeps the link alive while it prepares the snapshot.
		return append(evs, KeepAlive{})
	case strings.HasPrefix(line, "+FULLRESYNC"):
		ev, err := parseFullResync(line, h.psync.Opdis)
		if err != nil {
			return h.fail(evs, "%v", err)
		}
		h.state = StateTransfer
		return append(evs, ev)
	case strings.HasPrefix(line, "+CONTINUE"):
		id, err := replyReplID(line, "+CONTINUE", true)
		if err != nil {
			return h.fail(evs, "%v", err)
		}
		h.state = StateConnected
		return append(evs, Continue{ReplID: id})
	case strings.HasPrefix(line, "+AOFCONTINUE") && h.psync.Opdis:
		id, err := replyReplID(line, "+AOFCONTINUE", false)
		if err != nil {
			return h.fail(evs, "%v", err)
		}
		h.state = StateConnected
		return append(evs, AOFContinue{ReplID: id})
	case strings.HasPrefix(line, "-NOMASTERLINK"), strings.HasPrefix(line, "-LOADING"):
		h.state = StateFailed
		return append(evs, TryLater{Reply: line[1:]})
	case strings.HasPrefix(line, "-NOAUTH"):
		return h.fail(evs, "master requires authentication (is masterauth set?): %s", line[1:])
	case strings.HasPrefix(line, "-"):
		return h.fail(evs, "master refused PSYNC: %s", line[1:])
	}
	return h.fail(evs, "unexpected reply to PSYNC from master: %q", truncLine(line))
}

// replyReplID reads the replid after a +CONTINUE or +AOFCONTINUE: none at
// all (a pre-PSYNC2 +CONTINUE, when optional) or exactly 40 characters.
func replyReplID(line, word string, optional bool) (string, error) {
	rest := line[len(word):]
	if rest == "" && optional {
		return "", nil
	}
	if len(rest) != 1+ReplIDLen || rest[0] != ' ' || !validReplID(rest[1:]) {
		return "", fmt.Errorf("master replied with wrong %s syntax: %q", word, truncLine(line))
	}
	return rest[1:], nil
}

// validReplID accepts 40 printable non-space characters (Redis checks the
// length only; an id is hex).
func validReplID(s string) bool {
	if len(s) != ReplIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// parseFullResync reads `+FULLRESYNC <replid> <offset>` and, from an opdis
// master answering an opdis PSYNC, the extras AppendFullResync writes.
func parseFullResync(line string, opdis bool) (FullResync, error) {
	bad := func(why string) (FullResync, error) {
		return FullResync{}, fmt.Errorf("master replied with wrong +FULLRESYNC syntax (%s): %q", why, truncLine(line))
	}
	rest, ok := strings.CutPrefix(line, "+FULLRESYNC ")
	if !ok {
		return bad("no replid")
	}
	f := strings.Split(rest, " ")
	if len(f) != 2 && !(opdis && len(f) == 6) {
		return bad("field count")
	}
	if !validReplID(f[0]) {
		return bad("replid")
	}
	ev := FullResync{ReplID: f[0]}
	if ev.Offset, ok = wire.ParseInt([]byte(f[1])); !ok || ev.Offset < 0 {
		return bad("offset")
	}
	if len(f) == 2 {
		return ev, nil
	}
	info := &FullResyncInfo{}
	if info.NextOpID, ok = wire.ParseInt([]byte(f[2])); !ok {
		return bad("next_opid")
	}
	if info.LastEpoch, ok = wire.ParseInt([]byte(f[3])); !ok {
		return bad("last_epoch")
	}
	pairs, ok := strings.CutPrefix(f[4], "applied_info{")
	if pairs, ok = strings.CutSuffix(pairs, "}"); !ok {
		return bad("applied_info")
	}
	if pairs != "" {
		for _, p := range strings.Split(pairs, ",") {
			sid, op, found := strings.Cut(p, ":")
			a := Applied{}
			var ok1, ok2 bool
			a.ServerID, ok1 = wire.ParseInt([]byte(sid))
			a.OpID, ok2 = wire.ParseInt([]byte(op))
			if !found || !ok1 || !ok2 {
				return bad("applied_info pair")
			}
			info.Applied = append(info.Applied, a)
		}
	}
	switch f[5] {
	case "0":
	case "1":
		info.AOFPsyncing = true
	default:
		return bad("aof_psyncing")
	}
	ev.Opdis = info
	return ev, nil
}

// bulkHeader reads the line that announces the RDB: `$<len>` (disk), or
// `$EOF:<40-byte mark>` (diskless), after any number of keep-alive
// newlines.
func (h *Handshake) bulkHeader(line string, evs []Event) []Event {
	switch {
	case line == "":
		return append(evs, KeepAlive{})
	case line[0] == '-':
		return h.fail(evs, "master aborted replication with an error: %s", line[1:])
	case line[0] != '$':
		return h.fail(evs, "bad protocol from master: the RDB header does not start with '$' (got %q)", truncLine(line))
	case strings.HasPrefix(line, "$EOF:") && len(line)-5 >= ReplIDLen:
		h.inBulk, h.size, h.mark = true, -1, []byte(line[5:5+ReplIDLen])
		return append(evs, RDBStart{Size: -1})
	}
	n, ok := wire.ParseInt([]byte(line[1:]))
	if !ok || n < 0 {
		return h.fail(evs, "bad protocol from master: bad RDB length %q", truncLine(line))
	}
	h.inBulk, h.size = true, n
	evs = append(evs, RDBStart{Size: n})
	if n == 0 {
		evs = h.rdbDone(evs)
	}
	return evs
}

// readSized delivers RDB bytes of a `$<len>` transfer; what follows the
// last one is the stream.
func (h *Handshake) readSized(buf []byte, evs *[]Event) []byte {
	n := int(min(int64(len(buf)), h.size-h.got))
	h.emit(buf[:n], evs)
	if h.got == h.size {
		*evs = h.rdbDone(*evs)
	}
	return buf[n:]
}

// readToMark delivers RDB bytes of a `$EOF:` transfer up to the first
// occurrence of the mark. Bytes that might be the mark's beginning are
// held back until the next Feed tells.
func (h *Handshake) readToMark(buf []byte, evs *[]Event) []byte {
	mark, held := h.mark, h.held
	if len(held) > 0 {
		// A mark that starts in the held bytes ends within len(mark) bytes of buf.
		join := append(append(make([]byte, 0, len(held)+len(mark)), held...), buf[:min(len(buf), len(mark))]...)
		if i := bytes.Index(join, mark); i >= 0 && i < len(held) {
			h.emit(held[:i], evs)
			*evs = h.rdbDone(*evs)
			return buf[i+len(mark)-len(held):]
		}
	}
	if j := bytes.Index(buf, mark); j >= 0 {
		h.emit(held, evs)
		h.emit(buf[:j], evs)
		*evs = h.rdbDone(*evs)
		return buf[j+len(mark):]
	}
	keep := min(len(held)+len(buf), len(mark))
	emit := len(held) + len(buf) - keep
	fromHeld := min(emit, len(held))
	h.emit(held[:fromHeld], evs)
	h.emit(buf[:emit-fromHeld], evs)
	h.held = append(append(make([]byte, 0, len(mark)), held[fromHeld:]...), buf[emit-fromHeld:]...)
	return nil
}

func (h *Handshake) emit(p []byte, evs *[]Event) {
	if len(p) > 0 {
		*evs = append(*evs, RDBChunk{Data: p})
		h.got += int64(len(p))
	}
}

func (h *Handshake) rdbDone(evs []Event) []Event {
	h.inBulk, h.held, h.state = false, nil, StateConnected
	return append(evs, RDBDone{Size: h.got})
}

func (h *Handshake) fail(evs []Event, format string, args ...any) []Event {
	err := &HandshakeError{State: h.state, Msg: fmt.Sprintf(format, args...)}
	h.state, h.in, h.held, h.inBulk = StateFailed, nil, nil, false
	return append(evs, Failed{Err: err})
}

// HandshakeError is a failed sync: what went wrong, and in which state.
type HandshakeError struct {
	State State
	Msg   string
}

func (e *HandshakeError) Error() string {
	return "replication handshake (" + e.State.String() + "): " + e.Msg
}

// truncLine shortens a master's reply for an error message.
func truncLine(s string) string {
	if len(s) > 128 {
		return s[:128] + "…"
	}
	return s
}

package psync_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"opdis/aofbinlog"
	"opdis/psync"
	"opdis/sim/simfs"
	"opdis/wire"
)

const (
	epochA = 0x5eed0001 // the first master's epoch: op ids 1..20
	epochB = 0x5eed0002 // the master after a failover: op ids 21..30
)

// aofLog builds a real AOF binlog (aofbinlog over the simulated file
// system): files [1-10] [11-20] epoch A, [21-30] epoch B (live), with the
// first file purged, so op ids 1..10 are gone.
func aofLog(t testing.TB) *aofbinlog.Log {
	t.Helper()
	l, err := aofbinlog.Open(simfs.New(), aofbinlog.Options{CheckEntries: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for f := int64(0); f < 3; f++ {
		name, err := l.Split(100 + f)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
		for op := f*10 + 1; op <= f*10+10; op++ {
			epoch := int64(epochA)
			if op > 20 {
				epoch = epochB
			}
			h := wire.Header{Version: 2, CmdNum: wire.CmdNumOne, ServerID: 1001, OpID: op, SrcOpID: -1, Epoch: epoch}
			e := wire.AppendEntry(nil, h, [][]byte{[]byte("SET"), fmt.Appendf(nil, "k%d", op), []byte("v")})
			if err := l.Append(e, h); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := l.WriteRDBIndex(aofbinlog.RDBIndex{RDB: "dump.rdb", AOF: names[1], NextOpID: 11, LastEpoch: epochA}); err != nil {
		t.Fatal(err)
	}
	if got, err := l.Purge(names[0], 0); err != nil || len(got) != 1 {
		t.Fatalf("purge: %v %v", got, err)
	}
	return l
}

// master returns a master whose backlog holds the tail of 60000 stream
// bytes (stream[i] has offset i+1) and whose AOF is aofLog's.
func master(t testing.TB) (*psync.Master, []byte) {
	s := psync.NewReplState(&seq{}, psync.MinBacklogSize)
	s.ChangeReplID(&seq{s: 1})
	s.ClearReplID2()
	s.CreateBacklog()
	stream := make([]byte, 60000)
	for i := range stream {
		stream[i] = byte(i * 7)
	}
	s.Feed(stream[:1000])
	s.Feed(stream[1000:])
	return &psync.Master{State: s, ServerID: 1001, NextOpID: 31, LastEpoch: epochB, AOF: aofLog(t),
		Applied: []psync.Applied{{ServerID: 1002, OpID: 40}, {ServerID: 3, OpID: 9}}}, stream
}

func TestDecide(t *testing.T) {
	m, stream := master(t)
	s := m.State
	id, first, end := s.ReplID, s.Backlog.FirstByteOffset(), s.MasterReplOffset+1
	if first <= 1 || end != 60001 {
		t.Fatalf("setup: backlog [%d, %d]", first, end)
	}
	full := fmt.Sprintf("+FULLRESYNC %s 60000\r\n", id)
	fullOpdis := fmt.Sprintf("+FULLRESYNC %s 60000 31 %d applied_info{3:9,1002:40} 0\r\n", id, epochB)
	both := psync.CapaEOF | psync.CapaPSYNC2
	for _, c := range []struct {
		name   string
		cmd    string
		capa   psync.Capa
		setup  func(*psync.Master)
		kind   psync.Kind
		reply  string
		reason string // substring of Decision.Reason
		from   int64  // KindContinue: reader offset; KindAOFContinue: next op id
	}{
		{name: "full on request", cmd: "PSYNC ? -1", kind: psync.KindFullResync, reply: full, reason: "full resync requested by replica"},
		{name: "continue", cmd: fmt.Sprintf("PSYNC %s %d", id, first+5), kind: psync.KindContinue, reply: "+CONTINUE " + id + "\r\n", from: first + 5},
		{name: "continue pre-psync2", cmd: fmt.Sprintf("PSYNC %s %d", id, first), capa: psync.CapaEOF, kind: psync.KindContinue, reply: "+CONTINUE\r\n", from: first},
		{name: "continue ignores case", cmd: fmt.Sprintf("PSYNC %s %d", strings.ToUpper(id), end-1), kind: psync.KindContinue, reply: "+CONTINUE " + id + "\r\n", from: end - 1},
		{name: "continue at the end sends nothing", cmd: fmt.Sprintf("PSYNC %s %d", id, end), kind: psync.KindContinue, reply: "+CONTINUE " + id + "\r\n", from: end},
		{name: "past the end", cmd: fmt.Sprintf("PSYNC %s %d", id, end+1), kind: psync.KindFullResync, reply: full, reason: "lack of backlog"},
		{name: "before the backlog", cmd: fmt.Sprintf("PSYNC %s %d", id, first-1), kind: psync.KindFullResync, reply: full, reason: "lack of backlog"},
		{name: "unknown id", cmd: "PSYNC e9d71f5ee7c92d6dc9e92ffdad17b8bd49418f98 50000", kind: psync.KindFullResync, reply: full, reason: "replication id mismatch"},
		{name: "no backlog", cmd: fmt.Sprintf("PSYNC %s %d", id, end), setup: func(m *psync.Master) { m.State.FreeBacklog() },
			kind: psync.KindFullResync, reply: full, reason: "no backlog"},
		{name: "aofcontinue", cmd: "PSYNC ? -1 25 1001 1 " + fmt.Sprint(epochB), kind: psync.KindAOFContinue, reply: "+AOFCONTINUE " + id + "\r\n", from: 25},
		{name: "aofcontinue across the epoch change", cmd: "PSYNC ? -1 21 1001 1 " + fmt.Sprint(epochA), kind: psync.KindAOFContinue, reply: "+AOFCONTINUE " + id + "\r\n", from: 21},
		{name: "aofcontinue from the oldest entry kept", cmd: "PSYNC ? -1 12 1001 1 " + fmt.Sprint(epochA), kind: psync.KindAOFContinue, reply: "+AOFCONTINUE " + id + "\r\n", from: 12},
		{name: "previous entry purged", cmd: "PSYNC ? -1 11 1001 1 " + fmt.Sprint(epochA), kind: psync.KindFullResync, reply: fullOpdis, reason: "op id 10 is no longer in the AOF"},
		{name: "diverged history", cmd: "PSYNC ? -1 25 1001 1 " + fmt.Sprint(epochA), kind: psync.KindFullResync, reply: fullOpdis, reason: "history diverged: entry 24 has epoch"},
		{name: "caught up", cmd: "PSYNC ? -1 31 1001 1 " + fmt.Sprint(epochB), kind: psync.KindAOFContinue, reply: "+AOFCONTINUE " + id + "\r\n", from: 31},
		{name: "caught up on another history", cmd: "PSYNC ? -1 31 1001 1 " + fmt.Sprint(epochA), kind: psync.KindFullResync, reply: fullOpdis, reason: "history diverged: entry 30"},
		{name: "deposed master ahead", cmd: "PSYNC ? -1 32 1001 1 " + fmt.Sprint(epochB), kind: psync.KindFullResync, reply: fullOpdis, reason: "ahead of this master"},
		{name: "replica without entries", cmd: "PSYNC ? -1 1 1001 1 0", kind: psync.KindFullResync, reply: fullOpdis, reason: "no entries"},
		{name: "unknown epoch", cmd: "PSYNC ? -1 25 1001 1 0", kind: psync.KindFullResync, reply: fullOpdis, reason: "does not know the epoch"},
		{name: "aof off", cmd: "PSYNC ? -1 25 1001 1 " + fmt.Sprint(epochB), setup: func(m *psync.Master) { m.AOF = nil },
			kind: psync.KindFullResync, reply: fullOpdis, reason: "AOF off"},
		{name: "aof read error", cmd: "PSYNC ? -1 25 1001 1 " + fmt.Sprint(epochB), setup: func(m *psync.Master) { m.AOF.(*aofbinlog.Log).Close() },
			kind: psync.KindFullResync, reply: fullOpdis, reason: "closed"},
		{name: "backlog before aof", cmd: fmt.Sprintf("PSYNC %s %d 25 1001 1 %d", id, end, epochB), kind: psync.KindContinue, reply: "+CONTINUE " + id + "\r\n", from: end},
		{name: "aof-psyncing node skips the backlog", cmd: fmt.Sprintf("PSYNC %s %d 25 1001 1 %d", id, end, epochB), setup: func(m *psync.Master) { m.AOFPsyncing = true },
			kind: psync.KindAOFContinue, reply: "+AOFCONTINUE " + id + "\r\n", from: 25},
		{name: "aof-psyncing flag in fullresync", cmd: "PSYNC ? -1 1 1001 1 0", setup: func(m *psync.Master) { m.AOFPsyncing = true },
			kind: psync.KindFullResync, reply: strings.Replace(fullOpdis, "} 0\r\n", "} 1\r\n", 1), reason: "still AOF-psyncing"},
		{name: "other replication group", cmd: "PSYNC ? -1 25 7 1 1", kind: psync.KindRefuse,
			reply: "-ERR PSYNC server_id 7 does not match this master's server_id 1001: a replica must belong to its master's replication group\r\n"},
		{name: "bad offset", cmd: "PSYNC ? x", kind: psync.KindRefuse, reply: "-ERR value is not an integer or out of range\r\n"},
		{name: "failing over", cmd: "PSYNC ? -1", setup: func(m *psync.Master) { m.FailingOver = true }, kind: psync.KindRefuse, reply: "-NOMASTERLINK Can't SYNC while failing over\r\n"},
		{name: "replica with link down", cmd: "PSYNC ? -1", setup: func(m *psync.Master) { m.IsReplica = true },
			kind: psync.KindRefuse, reply: "-NOMASTERLINK Can't SYNC while not connected with my master\r\n"},
		{name: "replica with link down, bad offset", cmd: "PSYNC ? x", setup: func(m *psync.Master) { m.IsReplica = true },
			kind: psync.KindRefuse, reply: "-NOMASTERLINK Can't SYNC while not connected with my master\r\n"},
		{name: "chained replica", cmd: fmt.Sprintf("PSYNC %s %d", id, end), setup: func(m *psync.Master) { m.IsReplica, m.LinkUp = true, true },
			kind: psync.KindContinue, reply: "+CONTINUE " + id + "\r\n", from: end},
		{name: "pending output", cmd: "PSYNC ? -1", setup: func(m *psync.Master) { m.PendingOutput = true }, kind: psync.KindRefuse, reply: "-ERR SYNC and PSYNC are invalid with pending output\r\n"},
		{name: "failover to a master", cmd: "PSYNC " + id + " 5 FAILOVER", kind: psync.KindRefuse, reply: "-ERR PSYNC FAILOVER can't be sent to a master.\r\n"},
		{name: "failover with another id", cmd: "PSYNC abc x FAILOVER", setup: func(m *psync.Master) { m.IsReplica, m.LinkUp = true, true },
			kind: psync.KindRefuse, reply: "-ERR PSYNC FAILOVER replid must match my replid.\r\n"},
		{name: "failover", cmd: fmt.Sprintf("PSYNC %s %d FAILOVER", id, end), setup: func(m *psync.Master) { m.IsReplica, m.LinkUp = true, true }, kind: psync.KindPromote},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, _ := master(t)
			if c.setup != nil {
				c.setup(m)
			}
			capa := c.capa
			if capa == 0 {
				capa = both
			}
			d := psync.Decide(split(c.cmd), capa, m)
			if d.Kind != c.kind || string(d.Reply) != c.reply || !strings.Contains(d.Reason, c.reason) {
				t.Fatalf("got %v %q (reason %q)\nwant %v %q (reason ~%q)", d.Kind, d.Reply, d.Reason, c.kind, c.reply, c.reason)
			}
			switch d.Kind {
			case psync.KindContinue:
				if d.Reader.Offset() != c.from {
					t.Fatalf("reader at %d, want %d", d.Reader.Offset(), c.from)
				}
				var got []byte
				for p := d.Reader.Next(4096); p != nil; p = d.Reader.Next(4096) {
					got = append(got, p...)
				}
				if !bytes.Equal(got, stream[c.from-1:]) {
					t.Fatalf("backlog from %d: %d bytes, want the stream's last %d", c.from, len(got), int64(len(stream))-c.from+1)
				}
			case psync.KindAOFContinue:
				if d.NextOpID != c.from || d.CaughtUp != (c.from == m.NextOpID) {
					t.Fatalf("stream from %d (caught up %v), want %d", d.NextOpID, d.CaughtUp, c.from)
				}
			}
		})
	}
}

// TestFailoverThenContinue: PSYNC FAILOVER promotes the target, whose
// shifted history then serves the old master by replid2.
func TestFailoverThenContinue(t *testing.T) {
	m, stream := master(t)
	m.IsReplica, m.LinkUp = true, true
	old, end := m.State.ReplID, m.State.MasterReplOffset+1
	args := split(fmt.Sprintf("PSYNC %s %d FAILOVER", old, end))
	if d := psync.Decide(args, psync.CapaPSYNC2, m); d.Kind != psync.KindPromote {
		t.Fatalf("got %v %q", d.Kind, d.Reply)
	}
	m.State.ShiftReplID(&seq{s: 99})
	m.IsReplica, m.LinkUp, m.Promoted = false, false, true
	d := psync.Decide(args, psync.CapaPSYNC2, m)
	if d.Kind != psync.KindContinue || string(d.Reply) != "+CONTINUE "+m.State.ReplID+"\r\n" || m.State.ReplID == old {
		t.Fatalf("after promotion: %v %q", d.Kind, d.Reply)
	}
	// The old history ends at the promotion: one byte later is another history.
	m.State.Feed([]byte("*1\r\n$4\r\nping\r\n"))
	d = psync.Decide(split(fmt.Sprintf("PSYNC %s %d", old, end+1)), psync.CapaPSYNC2, m)
	if d.Kind != psync.KindFullResync || !strings.Contains(d.Reason, "requested offset for second id was") {
		t.Fatalf("past the shift: %v %q", d.Kind, d.Reason)
	}
	d = psync.Decide(split(fmt.Sprintf("PSYNC %s %d", old, end-100)), psync.CapaPSYNC2, m)
	if p := d.Reader.Next(100); d.Kind != psync.KindContinue || !bytes.Equal(p, stream[end-101:]) {
		t.Fatalf("by replid2: %v, %q", d.Kind, p)
	}
}

// TestReplicaOfMaster runs the replica's Handshake against the master's
// side built from this package (REPLCONF parsing, Decide, the backlog
// Reader), byte for byte in memory: a partial resync from the backlog,
// then new stream bytes.
func TestReplicaOfMaster(t *testing.T) {
	m, stream := master(t)
	off := m.State.MasterReplOffset - 300 // the replica has all but the last 300 bytes
	h := psync.NewHandshake(psync.Config{ListeningPort: 6390, ReplID: m.State.ReplID, ReplOffset: off,
		Opdis: &psync.OpdisPSYNC{NextOpID: 25, ServerID: 1001, LastEpoch: epochB}})
	h.Connected()
	var capa psync.Capa
	var reader *psync.Reader
	var got []byte
	var events []string
	for round := 0; round < 10 && h.State() != psync.StateConnected; round++ {
		var reply []byte
		for _, args := range commandsIn(t, h.Output()) {
			switch strings.ToUpper(string(args[0])) {
			case "PING":
				reply = append(reply, "+PONG\r\n"...)
			case "REPLCONF":
				r, err := psync.ParseReplconf(args)
				if err != nil || r.NoReply() {
					t.Fatalf("REPLCONF %q: %v", args, err)
				}
				capa |= r.Capa
				reply = append(reply, "+OK\r\n"...)
			case "PSYNC":
				d := psync.Decide(args, capa, m)
				if d.Kind != psync.KindContinue {
					t.Fatalf("decision %v %q", d.Kind, d.Reason)
				}
				reply = append(reply, d.Reply...)
				reader = d.Reader
				reply = append(reply, reader.Next(100)...) // part of the backlog in the same write
			default:
				t.Fatalf("replica sent %q", args)
			}
		}
		for _, ev := range h.Feed(reply) {
			events = append(events, ev.String())
			if s, ok := ev.(psync.Stream); ok {
				got = append(got, s.Data...)
			}
		}
	}
	if capa != psync.CapaEOF|psync.CapaPSYNC2|psync.CapaOpinfo || h.State() != psync.StateConnected {
		t.Fatalf("capa %b, state %v, events %q", capa, h.State(), events)
	}
	m.State.Feed([]byte("*1\r\n$4\r\nping\r\n"))
	stream = append(stream, "*1\r\n$4\r\nping\r\n"...)
	for p := reader.Next(64); p != nil; p = reader.Next(64) {
		for _, ev := range h.Feed(p) {
			got = append(got, ev.(psync.Stream).Data...)
		}
	}
	if !bytes.Equal(got, stream[off:]) || events[0] != "continue replid="+m.State.ReplID {
		t.Fatalf("replica got %d stream bytes, want %d; events %q", len(got), len(stream[off:]), events)
	}
}

// commandsIn parses the whole commands a replica's handshake sent.
func commandsIn(t *testing.T, in []byte) [][][]byte {
	t.Helper()
	var cmds [][][]byte
	for len(in) > 0 {
		args, n, err := wire.ParseCommand(in, wire.Limits{})
		if err != nil || n == 0 {
			t.Fatalf("replica sent %q: %v", in, err)
		}
		cmds = append(cmds, args)
		in = in[n:]
	}
	return cmds
}

package psync_test

import (
	"bytes"
	"strings"
	"testing"

	"opdis/psync"
)

func split(s string) [][]byte {
	var out [][]byte
	for _, f := range strings.Fields(s) {
		out = append(out, []byte(f))
	}
	return out
}

func TestParsePSYNC(t *testing.T) {
	id := "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
	for _, c := range []struct {
		cmd  string
		want psync.Request
		err  string
	}{
		{cmd: "PSYNC ? -1", want: psync.Request{ReplID: "?", Offset: -1}},
		{cmd: "psync " + id + " 1001", want: psync.Request{ReplID: id, Offset: 1001}},
		{cmd: "PSYNC " + id + " 5 failover", want: psync.Request{ReplID: id, Offset: 5, Failover: true}},
		{cmd: "PSYNC " + id + " 5 11436 1001 1 77", want: psync.Request{ReplID: id, Offset: 5, Opdis: true, NextOpID: 11436, ServerID: 1001, Version: 1, LastEpoch: 77}},
		{cmd: "PSYNC " + id + " 5 FAILOVER 9 1001 3 -4", want: psync.Request{ReplID: id, Offset: 5, Failover: true, Opdis: true, NextOpID: 9, ServerID: 1001, Version: 3, LastEpoch: -4}},
		// Ids are not validated: any id that names no history gets a full sync.
		{cmd: "PSYNC garbage 0", want: psync.Request{ReplID: "garbage", Offset: 0}},
		{cmd: "PSYNC", err: "ERR wrong number of arguments for 'psync' command"},
		{cmd: "PSYNC ?", err: "ERR wrong number of arguments for 'psync' command"},
		{cmd: "PSYNC ? abc", err: "ERR value is not an integer or out of range"},
		{cmd: "PSYNC ? 1e3", err: "ERR value is not an integer or out of range"},
		{cmd: "PSYNC ? 99999999999999999999", err: "ERR value is not an integer or out of range"},
		{cmd: "PSYNC ? +5", err: "ERR value is not an integer or out of range"},
		{cmd: "PSYNC ? -1 extra", err: "ERR PSYNC takes <replid> <offset> [FAILOVER] [<next_opid> <server_id> <version> <last_epoch>], got 3 arguments"},
		{cmd: "PSYNC ? -1 1 2 3", err: "ERR PSYNC takes <replid> <offset> [FAILOVER] [<next_opid> <server_id> <version> <last_epoch>], got 5 arguments"},
		{cmd: "PSYNC ? -1 x 1001 1 7", err: `ERR PSYNC next_opid "x" is not an integer or out of range`},
		{cmd: "PSYNC ? -1 5 sid 1 7", err: `ERR PSYNC server_id "sid" is not an integer or out of range`},
		{cmd: "PSYNC ? -1 5 1001 2 ??", err: `ERR PSYNC last_epoch "??" is not an integer or out of range`},
		{cmd: "PSYNC ? -1 5 1001 0 7", err: "ERR PSYNC version 0 is not supported (this master speaks 1)"},
	} {
		got, err := psync.ParsePSYNC(split(c.cmd))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: err %v, want %q", c.cmd, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v", c.cmd, got, err, c.want)
		}
		// What a replica sends parses back to the same request.
		again, err := psync.ParsePSYNC(parseCommand(t, psync.AppendPSYNC(nil, got)))
		if err != nil || again != got {
			t.Errorf("%s: round trip gave %+v, %v", c.cmd, again, err)
		}
	}
}

func TestParseReplconf(t *testing.T) {
	for _, c := range []struct {
		cmd   string
		check func(psync.Replconf) bool
		err   string
	}{
		{cmd: "REPLCONF", check: func(r psync.Replconf) bool { return !r.NoReply() && r.Capa == 0 }},
		{cmd: "REPLCONF listening-port 6380 ip-address 10.0.0.1", check: func(r psync.Replconf) bool {
			return r.HasListeningPort && r.ListeningPort == 6380 && r.HasIPAddress && r.IPAddress == "10.0.0.1" && !r.NoReply()
		}},
		{cmd: "REPLCONF capa eof capa psync2 capa opinfo capa future", check: func(r psync.Replconf) bool {
			return r.Capa == psync.CapaEOF|psync.CapaPSYNC2|psync.CapaOpinfo
		}},
		{cmd: "REPLCONF CAPA EOF", check: func(r psync.Replconf) bool { return r.Capa == psync.CapaEOF }},
		{cmd: "REPLCONF ack 1087", check: func(r psync.Replconf) bool {
			return r.NoReply() && r.Ack && r.AckValid && r.AckOffset == 1087 && !r.Fack
		}},
		{cmd: "REPLCONF ACK 10 FACK 7", check: func(r psync.Replconf) bool { return r.AckValid && r.AckOffset == 10 && r.Fack && r.FackOffset == 7 }},
		{cmd: "REPLCONF ack abc", check: func(r psync.Replconf) bool { return r.NoReply() && r.Ack && !r.AckValid }},
		{cmd: "REPLCONF ack 5 bogus x", check: func(r psync.Replconf) bool { return r.NoReply() && r.AckOffset == 5 }},
		{cmd: "REPLCONF getack *", check: func(r psync.Replconf) bool { return r.NoReply() && r.GetAck }},
		{cmd: "REPLCONF ack-opid 11437", check: func(r psync.Replconf) bool { return r.NoReply() && r.AckOpID && r.OpIDValid && r.NextOpID == 11437 }},
		{cmd: "REPLCONF rdb-only 1", check: func(r psync.Replconf) bool { return r.RDBOnly == 1 }},
		{cmd: "REPLCONF listening-port -5", check: func(r psync.Replconf) bool { return r.ListeningPort == -5 }},
		{cmd: "REPLCONF listening-port", err: "ERR syntax error"},
		{cmd: "REPLCONF listening-port 1 capa", err: "ERR syntax error"},
		{cmd: "REPLCONF listening-port abc", err: "ERR value is not an integer or out of range"},
		{cmd: "REPLCONF foo bar", err: "ERR Unrecognized REPLCONF option: foo"},
		{cmd: "REPLCONF rdb-only 2", err: "ERR value is out of range, value must between 0 and 1"},
		{cmd: "REPLCONF ip-address " + strings.Repeat("a", 256), err: "ERR REPLCONF ip-address provided by replica instance is too long: 256 bytes"},
	} {
		got, err := psync.ParseReplconf(split(c.cmd))
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%s: err %v, want %q", c.cmd, err, c.err)
			}
			continue
		}
		if err != nil || !c.check(got) {
			t.Errorf("%s: got %+v, %v", c.cmd, got, err)
		}
	}
	// Options before a bad one are reported, as Redis has applied them.
	r, err := psync.ParseReplconf(split("REPLCONF listening-port 7 nope x"))
	if err == nil || !r.HasListeningPort || r.ListeningPort != 7 {
		t.Errorf("partial apply: %+v, %v", r, err)
	}
	// A newline in an option cannot break the reply.
	_, err = psync.ParseReplconf([][]byte{[]byte("REPLCONF"), []byte("a\r\nb"), []byte("x")})
	if e, ok := err.(*psync.ReplyError); !ok || !bytes.Equal(e.Reply(), []byte("-ERR Unrecognized REPLCONF option: a  b\r\n")) {
		t.Errorf("newline in option: %v", err)
	}
}

// TestRepliesMatchRedis sends the same REPLCONF and PSYNC commands to a
// real redis-server and compares its replies with what opdis replies
// (ParseReplconf, Decide on a master with no replicas).
func TestRepliesMatchRedis(t *testing.T) {
	srv := startRedis(t)
	for _, cmd := range []string{
		"REPLCONF", "REPLCONF listening-port 6380", "REPLCONF listening-port abc", "REPLCONF listening-port 99999999999999999999",
		"REPLCONF listening-port -5", "REPLCONF capa eof capa psync2", "REPLCONF capa opinfo", "REPLCONF capa foo",
		"REPLCONF listening-port 1 capa", "REPLCONF foo bar", "REPLCONF rdb-only 2", "REPLCONF rdb-only x", "REPLCONF rdb-only 1",
		"REPLCONF ack 5", "REPLCONF ack abc", "REPLCONF ack 5 fack 7", "REPLCONF getack *",
		"REPLCONF ip-address 10.1.2.3", "REPLCONF ip-address " + strings.Repeat("a", 255), "REPLCONF ip-address " + strings.Repeat("a", 256),
	} {
		r, err := psync.ParseReplconf(split(cmd))
		var ours []byte
		switch {
		case err != nil:
			ours = err.(*psync.ReplyError).Reply()
		case !r.NoReply():
			ours = []byte("+OK\r\n")
		}
		if theirs := srv.do(t, split(cmd)...); !bytes.Equal(ours, theirs) {
			t.Errorf("%.60s: opdis %q, redis %q", cmd, ours, theirs)
		}
	}
	id := strings.Repeat("ab", 20)
	for _, cmd := range []string{
		"PSYNC", "PSYNC ?", "PSYNC ? abc", "PSYNC ? 1e3", "PSYNC ? 99999999999999999999",
		"PSYNC " + id + " 5 failover", "PSYNC ? x FAILOVER",
		"PSYNC ? -1", // last: the BGSAVE it starts would delay a second full sync
	} {
		d := psync.Decide(split(cmd), psync.CapaEOF|psync.CapaPSYNC2, &psync.Master{State: psync.NewReplState(&seq{}, 0)})
		theirs := srv.reply(t, split(cmd)...)
		if d.Kind == psync.KindFullResync {
			// The snapshot follows; compare the reply's form only.
			if !bytes.HasPrefix(theirs, []byte("+FULLRESYNC ")) || !bytes.HasPrefix(d.Reply, []byte("+FULLRESYNC ")) {
				t.Errorf("%s: opdis %q, redis %q", cmd, d.Reply, theirs)
			}
			continue
		}
		if !bytes.Equal(d.Reply, theirs) {
			t.Errorf("%s: opdis %q, redis %q", cmd, d.Reply, theirs)
		}
	}
}

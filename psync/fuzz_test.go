package psync_test

import (
	"bytes"
	"testing"

	"opdis/psync"
	"opdis/wire"
)

// fuzzArgs splits a fuzz input into command arguments at NUL bytes, so
// arguments may hold spaces, CR and LF.
func fuzzArgs(data []byte) [][]byte {
	return bytes.Split(data, []byte{0})
}

// checkReply: a reply must be exactly one well-formed RESP line.
func checkReply(t *testing.T, what string, reply []byte) {
	t.Helper()
	v, n, err := wire.ParseReply(reply)
	if err != nil || n != len(reply) || (v.Kind != wire.Error && v.Kind != wire.Simple) {
		t.Fatalf("%s: malformed reply %q (n=%d, err=%v)", what, reply, n, err)
	}
}

// FuzzParsePSYNC: any PSYNC parses or is refused with a clean error
// reply, what parses survives a round trip through the replica's
// encoding, and Decide answers anything with one well-formed reply.
func FuzzParsePSYNC(f *testing.F) {
	for _, s := range []string{
		"PSYNC\x00?\x00-1",
		"PSYNC\x0086f7e437faa5a7fce15d1ddcb9eaeaea377667b8\x001001",
		"PSYNC\x00x\x005\x00FAILOVER",
		"PSYNC\x00?\x00-1\x0025\x001001\x001\x0077",
		"PSYNC\x00?\x00-1\x00FAILOVER\x0025\x001001\x001\x0077",
		"PSYNC\x00?\x00abc",
		"PSYNC\x00?\x00-1\x005\x00sid\x00\r\n\x00??",
		"PSYNC\x00?\x0099999999999999999999",
	} {
		f.Add([]byte(s), byte(3))
	}
	m, _ := master(f)
	f.Fuzz(func(t *testing.T, data []byte, flags byte) {
		args := fuzzArgs(data)
		req, err := psync.ParsePSYNC(args)
		if err != nil {
			re, ok := err.(*psync.ReplyError)
			if !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			checkReply(t, "ParsePSYNC", re.Reply())
		} else {
			again, err := psync.ParsePSYNC(parseCommand(t, psync.AppendPSYNC(nil, req)))
			if err != nil || again != req {
				t.Fatalf("round trip: %+v -> %+v, %v", req, again, err)
			}
		}
		m.IsReplica, m.LinkUp, m.AOFPsyncing = flags&1 != 0, flags&2 != 0, flags&4 != 0
		d := psync.Decide(args, psync.Capa(flags>>3), m)
		checkReply(t, "Decide", d.Reply)
		if d.Kind == psync.KindContinue && (d.Reader == nil || !m.State.Backlog.Holds(d.Reader.Offset())) {
			t.Fatalf("continue without a valid reader: %+v", d)
		}
	})
}

// FuzzParseReplconf: any REPLCONF parses or is refused with a clean error.
func FuzzParseReplconf(f *testing.F) {
	for _, s := range []string{
		"REPLCONF\x00listening-port\x006380",
		"REPLCONF\x00capa\x00eof\x00capa\x00psync2\x00capa\x00opinfo",
		"REPLCONF\x00ack\x00100\x00fack\x0090",
		"REPLCONF\x00getack\x00*",
		"REPLCONF\x00ack-opid\x0011437",
		"REPLCONF\x00rdb-only\x002",
		"REPLCONF\x00ip-address\x00a\r\nb",
		"REPLCONF\x00x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := psync.ParseReplconf(fuzzArgs(data))
		if err != nil {
			re, ok := err.(*psync.ReplyError)
			if !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			checkReply(t, "ParseReplconf", re.Reply())
			return
		}
		if r.Ack && r.GetAck {
			t.Fatalf("one command both ACK and GETACK: %+v", r)
		}
	})
}

package node

import (
	"bytes"
	"strconv"
	"testing"

	"opdis/sim/simfs"
	"opdis/wire"
)

// Fuzz targets for the consumer commands' input: OPGET's arguments and an
// OPAPPLY stream.

func fuzzNode(t *testing.T, set ...string) *tnode {
	clock := &testClock{ns: 1_700_000_000_000_000_000}
	tn := newPersistNode(t, simfs.New(), clock, 1, append([]string{"opget-master-min-slaves", "0"}, set...)...)
	for tn.SnapshotInProgress() {
		tn.advance(1e6)
	}
	return tn
}

// FuzzOPGET: whatever the arguments, OPGET answers an error or
// [next_opid, [entry…]] with whole entries from the requested op id on.
func FuzzOPGET(f *testing.F) {
	for _, s := range []string{"1", "1\x00COUNT\x003", "2\x00MATCHDB\x001\x00MATCHKEY\x00k*", "1\x00matchid\x00-1\x00count\x0010000",
		"0", "99", "1\x00matchdb\x00-1\x00matchdb\x003", "5\x00matchkey\x00*\x00matchkey\x00[", "1\x00count"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		tn := fuzzNode(t)
		id := tn.connect()
		for i := 0; i < 20; i++ {
			tn.do(id, "SELECT", strconv.Itoa(i%3))
			tn.do(id, "SET", "k"+strconv.Itoa(i), "v")
		}
		args := [][]byte{[]byte("OPGET")}
		for _, a := range bytes.Split([]byte(in), []byte{0}) {
			args = append(args, a)
		}
		vals := tn.send(id, string(wire.AppendCommand(nil, args...)))
		if len(vals) != 1 {
			t.Fatalf("%d replies", len(vals))
		}
		v := vals[0]
		if v.Kind == wire.Error {
			return
		}
		start, _ := strconv.ParseInt(string(args[1]), 10, 64)
		if v.Kind != wire.Array || len(v.Elems) != 2 || v.Elems[0].Kind != wire.Bulk || v.Elems[1].Kind != wire.Array {
			t.Fatalf("reply %s", v)
		}
		next, err := strconv.ParseInt(v.Elems[0].Str, 10, 64)
		if err != nil || next < start || next > tn.NextOpID() {
			t.Fatalf("next %q for start %d (next op id %d)", v.Elems[0].Str, start, tn.NextOpID())
		}
		for _, e := range v.Elems[1].Elems {
			ent, n, err := wire.ParseEntry([]byte(e.Str), true)
			if err != nil || n != len(e.Str) || ent.Header.OpID < start || ent.Header.OpID >= next {
				t.Fatalf("entry %q (start %d, next %d): %v", e.Str, start, next, err)
			}
		}
	})
}

// FuzzOPAPPLY: any bytes on an OPAPPLY connection. Every entry the node
// logs carries a foreign server id, and each source's origin op ids never
// go back: nothing of this group's own, nothing older than what was
// applied. (A source entry of two commands, ApsaraCache's cmd_num 3,
// becomes two entries here with the same origin.)
func FuzzOPAPPLY(f *testing.F) {
	entry := func(sid, opid, src int64, db uint16, cmds ...[][]byte) []byte {
		return wire.AppendEntry(nil, wire.Header{Version: 2, CmdNum: wire.CmdNumOne + uint8(len(cmds)-1), DB: db, ServerID: sid, OpID: opid, SrcOpID: src}, cmds...)
	}
	set := [][]byte{[]byte("SET"), []byte("k"), []byte("v")}
	incr := [][]byte{[]byte("INCR"), []byte("n")}
	f.Add(entry(7, 1, -1, 0, set))
	f.Add(append(entry(7, 2, -1, 1, set, incr), entry(7, 2, -1, 1, incr)...))
	f.Add(append(entry(12345678, 3, -1, 0, incr), entry(9, 5, 3, 0, set)...))
	f.Add(wire.AppendEntry(nil, wire.Header{Version: 1, CmdNum: wire.CmdNumTransaction, ServerID: 7, OpID: 9, SrcOpID: -1},
		[][]byte{[]byte("MULTI")}, incr, [][]byte{[]byte("SELECT"), []byte("2")}, set, [][]byte{[]byte("EXEC")}))
	f.Add([]byte("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n*1\r\n$4\r\nPING\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tn := fuzzNode(t)
		id := tn.connect()
		tn.do(id, "OPAPPLY")
		tn.Feed(id, in)
		out, _ := tn.TakeOutput(id, nil)
		for len(out) > 0 {
			_, n, err := wire.ParseReply(out)
			if err != nil || n == 0 {
				t.Fatalf("bad reply bytes %q: %v", out, err)
			}
			out = out[n:]
		}
		tn.aof.log.Flush()
		rd, err := tn.aof.log.NewReader(tn.aof.log.MinOpID())
		if err != nil {
			return // nothing logged
		}
		defer rd.Close()
		last := map[int64]int64{}
		for {
			rec, err := rd.Next()
			if err != nil {
				break
			}
			h := rec.Entry.Header
			if h.ServerID == tn.cfg.ServerID {
				t.Fatalf("an entry of this group's own was applied: %+v", h)
			}
			if prev, ok := last[h.ServerID]; ok && h.SrcOpID < prev {
				t.Fatalf("source %d: origin op id %d after %d", h.ServerID, h.SrcOpID, prev)
			}
			last[h.ServerID] = h.SrcOpID
		}
	})
}

package node

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"opdis/wire"
)

// OPGET, OPAPPLY, OPDEL and INFO oplog. The OPGET and OPDEL cases are
// ApsaraCache's tests/integration/oplog.tcl assertions (the intended
// semantics, reference §7.1).

// opget runs OPGET and returns next_opid and the entries.
func opget(t *testing.T, cn *cnode, id int64, args ...string) (int64, []string) {
	t.Helper()
	v := cn.do(id, append([]string{"OPGET"}, args...)...)
	if v.Kind != wire.Array || len(v.Elems) != 2 || v.Elems[0].Kind != wire.Bulk || v.Elems[1].Kind != wire.Array {
		t.Fatalf("OPGET %v: %s", args, v)
	}
	next, err := strconv.ParseInt(v.Elems[0].Str, 10, 64)
	if err != nil {
		t.Fatalf("OPGET next %q", v.Elems[0].Str)
	}
	var out []string
	for _, e := range v.Elems[1].Elems {
		out = append(out, e.Str)
	}
	return next, out
}

func oneNode(t *testing.T, set ...string) (*tcluster, *cnode, int64) {
	tc := newCluster(t)
	cn := tc.add("s", append([]string{"opget-master-min-slaves", "0"}, set...)...)
	return tc, cn, cn.connect()
}

func TestOPGETContentAndCount(t *testing.T) {
	_, s, id := oneNode(t)
	s.do(id, "SELECT", "1")
	s.do(id, "SET", "a", "b")
	s.do(id, "SELECT", "2")
	s.do(id, "SET", "c", "d")
	log := readLog(t, s, 1)
	c := s.connect()
	next, es := opget(t, s, c, "1", "COUNT", "1")
	if next != 2 || len(es) != 1 || es[0] != log[0].raw {
		t.Fatalf("OPGET 1 COUNT 1 = %d %q, want 2 and the AOF's first entry", next, es)
	}
	next, es = opget(t, s, c, "2", "COUNT", "1")
	if next != 3 || len(es) != 1 || es[0] != log[1].raw {
		t.Fatalf("OPGET 2 COUNT 1 = %d %q", next, es)
	}
	if h := entryHeader(t, []byte(es[0])); h.DB != 2 || h.OpID != 2 {
		t.Fatalf("second entry header %+v", h)
	}
	// At the end: nothing yet, and never blocks.
	if next, es = opget(t, s, c, "3"); next != 3 || len(es) != 0 {
		t.Fatalf("OPGET at next_opid = %d %q", next, es)
	}

	s.do(id, "SELECT", "4")
	for i := 0; i < 98; i++ {
		s.do(id, "SET", "k"+strconv.Itoa(i), "v")
	}
	// Appended data shows on the next call (ApsaraCache's sticky EOF fixed).
	c2 := s.connect()
	check := func(start string, count, wantNext int, args ...string) {
		t.Helper()
		next, es := opget(t, s, c2, append([]string{start}, args...)...)
		if len(es) != count || next != int64(wantNext) {
			t.Fatalf("OPGET %s %v: %d entries, next %d; want %d, %d", start, args, len(es), next, count, wantNext)
		}
	}
	check("2", 3, 5, "count", "3")
	check("5", 3, 8) // COUNT persists on the connection
	check("8", 50, 58, "count", "50")
	check("58", 43, 101) // the rest, up to the end
	check("1", 50, 51)   // any start op id may be asked for again
}

func TestOPGETFilters(t *testing.T) {
	_, s, id := oneNode(t)
	c := s.connect()
	setIn := func(db int, key string) {
		s.do(id, "SELECT", strconv.Itoa(db))
		s.do(id, "SET", key, "v")
	}
	count := func(args ...string) int {
		t.Helper()
		_, es := opget(t, s, c, args...)
		return len(es)
	}
	// MATCHDB: filtered entries count toward COUNT; -1 disables.
	setIn(4, "x")
	setIn(5, "x")
	setIn(9, "x")
	if got := count("1", "matchdb", "4", "count", "2"); got != 1 {
		t.Fatalf("matchdb 4 count 2: %d", got)
	}
	setIn(11, "x")
	setIn(4, "x")
	if got := count("3", "matchdb", "9", "matchdb", "11", "count", "100"); got != 2 {
		t.Fatalf("matchdb 9 11: %d", got)
	}
	setIn(1, "x")
	setIn(2, "x")
	if got := count("6", "matchdb", "12", "matchdb", "11", "matchdb", "-1", "count", "100"); got != 2 {
		t.Fatalf("matchdb -1: %d", got)
	}

	// MATCHKEY: globs OR'ed, "*" disables.
	_, s, id = oneNode(t)
	c = s.connect()
	for _, k := range []string{"aa", "ab", "bb"} {
		s.do(id, "SET", k, "v")
	}
	if got := count("1", "matchkey", "a*", "count", "2"); got != 2 {
		t.Fatalf("matchkey a*: %d", got)
	}
	for _, k := range []string{"gf", "c12f", "ace"} {
		s.do(id, "SET", k, "v")
	}
	if got := count("3", "matchkey", "b*", "matchkey", "c*", "count", "100"); got != 2 {
		t.Fatalf("matchkey b* c*: %d", got)
	}
	for _, k := range []string{"x", "y", "z"} {
		s.do(id, "SET", k, "v")
	}
	if got := count("7", "matchkey", "b*", "matchkey", "c+", "matchkey", "*", "count", "100"); got != 3 {
		t.Fatalf("matchkey *: %d", got)
	}

	// MATCHKEY + MATCHDB; a transaction passes the db filter and is
	// matched by its first command's key.
	_, s, id = oneNode(t)
	c = s.connect()
	setIn(1, "aa")
	setIn(2, "ab")
	setIn(2, "bb")
	setIn(1, "ab")
	if got := count("1", "matchkey", "ab*", "matchdb", "2"); got != 1 {
		t.Fatalf("matchkey ab* matchdb 2: %d", got)
	}
	s.do(id, "SELECT", "7")
	s.do(id, "MULTI")
	s.do(id, "SET", "abc", "1")
	s.do(id, "SET", "zzz", "1")
	s.do(id, "EXEC")
	if got := count("5"); got != 1 {
		t.Fatalf("transaction with matchkey ab* matchdb 2 (persisting): %d", got)
	}

	// MATCHID: only entries logged with that server id.
	if got := count("1", "matchid", "777", "matchkey", "*", "matchdb", "-1", "count", "100"); got != 0 {
		t.Fatalf("matchid 777: %d", got)
	}
	if got := count("1", "matchid", strconv.FormatInt(s.cfg.ServerID, 10)); got != 5 {
		t.Fatalf("matchid own: %d", got)
	}
	if got := count("1", "matchid", "-1"); got != 5 {
		t.Fatalf("matchid -1: %d", got)
	}
}

func TestOPGETErrors(t *testing.T) {
	_, s, id := oneNode(t, "aof-max-size", "1kb", "aof-keep-size", "1")
	for i := 0; i < 40; i++ {
		s.do(id, "SET", "k"+strconv.Itoa(i), strings.Repeat("v", 100))
		if i%10 == 9 {
			s.do(id, "AOFFLUSH")
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"0"}, "ERR opget invalid start opid"},
		{[]string{"x"}, "ERR opget invalid start opid"},
		{[]string{"42"}, "ERR opget client start opid is bigger than server next opid(41)"},
		{[]string{"40", "count", "0"}, "ERR opget invalid COUNT value: 0"},
		{[]string{"40", "count", "10001"}, "ERR opget invalid COUNT value: 10001"},
		{[]string{"40", "matchdb", "16"}, "ERR opget invalid MATCHDB value: 16"},
		{[]string{"40", "matchid", "-2"}, "ERR opget invalid MATCHID value: -2"},
		{[]string{"40", "matchkey"}, "ERR syntax error"},
		{[]string{"40", "nosuch", "1"}, "ERR syntax error"},
	} {
		if got := s.do(id, append([]string{"OPGET"}, tc.args...)...); got.Kind != wire.Error || got.Str != tc.want {
			t.Errorf("OPGET %v = %s, want %s", tc.args, got, tc.want)
		}
	}
	// Purged op ids: an error naming the range; the connection stays.
	s.do(id, "BGSAVE")
	for s.SnapshotInProgress() {
		s.advance(time.Millisecond)
	}
	s.do(id, "SET", "x", "y")
	s.do(id, "AOFFLUSH")
	if min := s.aof.log.MinOpID(); min <= 1 {
		t.Fatalf("nothing purged (min op id %d)", min)
	}
	if got := s.do(id, "OPGET", "1"); got.Kind != wire.Error || !strings.Contains(got.Str, "opget find aof offset by opid") {
		t.Fatalf("OPGET of a purged op id: %s", got)
	}
	if got := s.do(id, "PING").String(); got != `"PONG"` {
		t.Fatalf("connection after the error: %s", got)
	}
	s.do(id, "CONFIG", "SET", "appendonly", "no")
	if got := s.do(id, "OPGET", "1"); got.Str != "ERR redis aof is off" {
		t.Fatalf("OPGET with the AOF off: %s", got)
	}
}

// On a master OPGET hands out only what every replica acknowledged; a
// replica has no such gate.
func TestOPGETMasterGate(t *testing.T) {
	tc := newCluster(t)
	m := tc.add("m")
	id := m.connect()
	m.do(id, "SET", "a", "1")
	if got := m.do(id, "OPGET", "1"); got.Str != "ERR opget master has not enough online slave" {
		t.Fatalf("OPGET with no replica: %s", got)
	}
	r := tc.add("r")
	tc.replicaof(r, m)
	tc.settle(2 * time.Second) // ACK and ACK-OPID
	m.do(id, "SET", "b", "2")
	m.do(id, "SET", "c", "3")
	// The replica has not acknowledged 2 and 3 yet.
	next, es := opget(t, m, id, "1", "count", "10")
	if next != 2 || len(es) != 1 {
		t.Fatalf("OPGET before the ACK: next %d, %d entries", next, len(es))
	}
	if next, es = opget(t, m, id, "2"); next != 2 || len(es) != 0 {
		t.Fatalf("OPGET past the acknowledged op ids: next %d, %d entries", next, len(es))
	}
	tc.settle(2 * time.Second)
	if next, es = opget(t, m, id, "2"); next != 4 || len(es) != 2 {
		t.Fatalf("OPGET after the ACK: next %d, %d entries", next, len(es))
	}
	if got := m.stat("replication", "slave0"); !strings.Contains(got, "state=online") {
		t.Fatalf("slave0 %s", got)
	}
	// The replica serves the same entries, with no gate.
	m.do(id, "SET", "d", "4")
	tc.pump()
	rid := r.connect()
	next, es = opget(t, r, rid, "2", "count", "100") // its log starts after the full sync
	ml := readLog(t, m, 1)
	if next != 5 || len(es) != 3 || es[2] != ml[3].raw {
		t.Fatalf("OPGET on the replica: next %d, %d entries", next, len(es))
	}
}

// OPAPPLY: entries of another group are applied and logged with its
// server id and op id; entries from this group, or already applied, are
// answered +IGNORED; the applied op ids show in INFO oplog, survive a
// restart and reach replicas.
func TestOPAPPLY(t *testing.T) {
	tc := newCluster(t)
	src := tc.add("src", "server-id", "863", "opget-master-min-slaves", "0")
	dst := tc.add("dst", "server-id", "985", "opget-master-min-slaves", "0")
	sid, did := src.connect(), dst.connect()
	src.do(sid, "SETEX", "xdj_key", "100", "xdj_val")
	src.do(sid, "MULTI")
	src.do(sid, "INCR", "n")
	src.do(sid, "SELECT", "3")
	src.do(sid, "RPUSH", "l", "x")
	src.do(sid, "EXEC")
	_, es := opget(t, src, sid, "1", "count", "10")
	if len(es) != 2 {
		t.Fatalf("%d entries on the source", len(es))
	}
	ap := dst.connect()
	if got := dst.do(ap, "OPAPPLY").String(); got != `"OK"` {
		t.Fatalf("OPAPPLY: %s", got)
	}
	replies := func(raw string) string {
		t.Helper()
		var out []string
		for _, v := range dst.send(ap, raw) {
			out = append(out, v.String())
		}
		return strings.Join(out, " ")
	}
	if got := replies(es[0]); got != `"OK" "OK"` {
		t.Fatalf("applying SETEX: %s", got)
	}
	if ttl := dst.do(did, "TTL", "xdj_key").Int; ttl < 1 || ttl > 100 {
		t.Fatalf("TTL on the destination %d", ttl)
	}
	if got := replies(es[1]); got != `"OK" "OK" "QUEUED" "QUEUED" "QUEUED" [(integer) 1, "OK", (integer) 1]` {
		t.Fatalf("applying the transaction: %s", got)
	}
	if got := infoField(dst.tnode, did, "oplog", "opapply_source_0"); got != "server_id=863,applied_opid=2" {
		t.Fatalf("INFO oplog opapply_source_0 %q", got)
	}
	// Logged with a local op id, the source's server id and op id.
	dl := readLog(t, dst, 1)
	if len(dl) != 2 {
		t.Fatalf("%d entries on the destination", len(dl))
	}
	for i, rec := range dl {
		h := entryHeader(t, []byte(rec.raw))
		if h.OpID != int64(i+1) || h.ServerID != 863 || h.SrcOpID != int64(i+1) {
			t.Fatalf("destination entry %d header %+v", i, h)
		}
	}
	if h := entryHeader(t, []byte(dl[1].raw)); h.CmdNum != wire.CmdNumTransaction {
		t.Fatalf("the transaction became %+v", h)
	}
	// Again: already applied. And the destination's own entries.
	if got := replies(es[0] + es[1]); got != `"OK" "IGNORED" "OK" "IGNORED" "IGNORED" "IGNORED" "IGNORED" "IGNORED"` {
		t.Fatalf("re-applying: %s", got)
	}
	dst.do(did, "SET", "local", "1")
	_, own := opget(t, dst, did, "3")
	if got := replies(own[0]); got != `"OK" "IGNORED"` {
		t.Fatalf("an entry of the destination's own group: %s", got)
	}
	// Writes between entries are refused; reads are fine.
	if got := dst.do(ap, "SET", "x", "y"); got.Str != errOpapplyOrder {
		t.Fatalf("a write outside an entry: %s", got)
	}
	dst.do(ap, "SELECT", "0") // the transaction left it in db 3
	if got := dst.do(ap, "GET", "local").String(); got != `"1"` {
		t.Fatalf("a read on the OPAPPLY connection: %s", got)
	}
	// Going back: both sides' entries crossed over loop no further.
	_, back := opget(t, dst, did, "1", "count", "10")
	sap := src.connect()
	src.do(sap, "OPAPPLY")
	for _, e := range back {
		for _, v := range src.send(sap, e) {
			if s := v.String(); s != `"OK"` && s != `"IGNORED"` {
				t.Fatalf("source applying the destination's log: %s", s)
			}
		}
	}
	if got := infoField(src.tnode, sid, "oplog", "opapply_source_0"); got != "server_id=985,applied_opid=3" {
		t.Fatalf("source's opapply_source_0 %q", got)
	}
	if src.NextOpID() != 4 { // SETEX, MULTI, and "local" from the destination
		t.Fatalf("source next op id %d: something looped back", src.NextOpID())
	}

	// A replica of the destination knows the pairs (from +FULLRESYNC,
	// then from the entries), and so does the destination after a restart.
	rep := tc.add("rep", "server-id", "985")
	tc.replicaof(rep, dst)
	src.do(sid, "SET", "more", "1")
	_, es = opget(t, src, sid, "4")
	if got := replies(es[0]); got != `"OK" "OK"` {
		t.Fatalf("applying SET more: %s", got)
	}
	tc.settle(time.Second)
	if got := infoField(rep.tnode, rep.connect(), "oplog", "opapply_source_0"); got != "server_id=863,applied_opid=4" {
		t.Fatalf("replica's opapply_source_0 %q", got)
	}
	dst.do(did, "BGSAVE")
	for dst.SnapshotInProgress() {
		dst.advance(time.Millisecond)
	}
	src.do(sid, "SET", "more2", "1")
	_, es = opget(t, src, sid, "5")
	replies(es[0])
	tc.stop(dst)
	tc.restart(dst)
	if got := infoField(dst.tnode, dst.connect(), "oplog", "opapply_source_0"); got != "server_id=863,applied_opid=5" {
		t.Fatalf("destination's opapply_source_0 after a restart %q", got)
	}
	if idx, _ := dst.aof.log.RDBIndex(); len(idx.Applied) != 1 || idx.Applied[0].OpID != 4 {
		t.Fatalf("rdb.index applied pairs %+v", idx.Applied)
	}
}

// An entry that was itself applied from a third group keeps its origin:
// the third group's server id and op id.
func TestOPAPPLYThirdGroupOrigin(t *testing.T) {
	_, d, did := oneNode(t, "server-id", "2")
	ap := d.connect()
	d.do(ap, "OPAPPLY")
	h := wire.Header{Version: 2, CmdNum: wire.CmdNumOne, ServerID: 3, OpID: 17, SrcOpID: 40}
	entry := string(wire.AppendEntry(nil, h, [][]byte{[]byte("SET"), []byte("k"), []byte("v")}))
	if got := d.send(ap, entry); len(got) != 2 || got[1].String() != `"OK"` {
		t.Fatalf("applying: %v", got)
	}
	if got := infoField(d.tnode, did, "oplog", "opapply_source_0"); got != "server_id=3,applied_opid=40" {
		t.Fatalf("opapply_source_0 %q", got)
	}
	h.OpID = 18 // the same origin entry, through another path
	entry = string(wire.AppendEntry(nil, h, [][]byte{[]byte("SET"), []byte("k"), []byte("w")}))
	if got := d.send(ap, entry); len(got) != 2 || got[1].String() != `"IGNORED"` {
		t.Fatalf("re-applying the same origin: %v", got)
	}
	// An entry refused before it ran (here -NOREPLICAS) is not applied:
	// sent again later, it runs.
	d.do(did, "CONFIG", "SET", "min-replicas-to-write", "1")
	h.OpID, h.SrcOpID = 19, 41
	entry = string(wire.AppendEntry(nil, h, [][]byte{[]byte("SET"), []byte("k"), []byte("x")}))
	if got := d.send(ap, entry); len(got) != 2 || !strings.HasPrefix(got[1].Str, "NOREPLICAS") {
		t.Fatalf("applying with min-replicas-to-write 1: %v", got)
	}
	if got := infoField(d.tnode, did, "oplog", "opapply_source_0"); got != "server_id=3,applied_opid=40" {
		t.Fatalf("a refused entry counted as applied: %q", got)
	}
	d.do(did, "CONFIG", "SET", "min-replicas-to-write", "0")
	if got := d.send(ap, entry); len(got) != 2 || got[1].String() != `"OK"` {
		t.Fatalf("applying again: %v", got)
	}
	if got := d.do(did, "GET", "k").String(); got != `"x"` {
		t.Fatalf("GET k %s", got)
	}

	// A bad header is refused; the connection goes on.
	if got := d.do(ap, "opinfo", "short"); got.Kind != wire.Error || !strings.Contains(got.Str, "opinfo header") {
		t.Fatalf("bad header: %s", got)
	}
}

// OPINFO is refused on an ordinary connection, which is then closed.
func TestOPINFORefused(t *testing.T) {
	_, s, id := oneNode(t)
	hdr := wire.AppendHeader(nil, wire.Header{Version: 2, CmdNum: wire.CmdNumOne, OpID: 1, SrcOpID: -1})
	s.Feed(id, wire.AppendCommand(nil, []byte("OPINFO"), hdr))
	out, closed := s.TakeOutput(id, nil)
	if string(out) != "-"+errOpinfoCommon+"\r\n" || !closed {
		t.Fatalf("OPINFO: %q closed=%v", out, closed)
	}
}

// OPDEL keeps the file holding the lowest registered op id from purges;
// a source not updated within opdel-source-timeout no longer counts.
func TestOPDELGuard(t *testing.T) {
	tc, s, id := oneNode(t)
	s.do(id, "SELECT", "6")
	for round := 0; round < 4; round++ {
		for i := 0; i < 100; i++ {
			s.do(id, "SET", "k"+strconv.Itoa(i), strconv.Itoa(round))
		}
		tc.settle(time.Second)
		s.do(id, "AOFFLUSH")
	}
	s.do(id, "SET", "last", "1")
	s.do(id, "BGSAVE")
	for s.SnapshotInProgress() {
		s.advance(time.Millisecond)
	}
	for _, tcase := range []struct{ args, want string }{
		{"a,b 5", "(error) ERR ',' or '=' in opdel source name"},
		{"a=b 5", "(error) ERR ',' or '=' in opdel source name"},
		{"src 0", "(error) ERR invalid opid"},
		{"src x", "(error) ERR value is not an integer or out of range"},
		{"gone 7", `"OK"`},
		{"gone -1", `"OK"`},
	} {
		if got := s.do(id, append([]string{"OPDEL"}, strings.Fields(tcase.args)...)...).String(); got != tcase.want {
			t.Errorf("OPDEL %s = %s, want %s", tcase.args, got, tcase.want)
		}
	}
	files := func() []string {
		var names []string
		for _, f := range s.aof.log.Files() {
			names = append(names, f.Name)
		}
		return names
	}
	before := files()
	s.do(id, "OPDEL", "source0", "80")
	tc.settle(3 * time.Second)
	s.do(id, "OPDEL", "source1", "230")
	live := before[len(before)-1]
	if got := s.do(id, "PURGEAOFTO", live).String(); got != "(integer) 0" {
		t.Fatalf("PURGEAOFTO with source0 at op id 80: %s", got)
	}
	if got := infoField(s.tnode, id, "oplog", "opdel_source_count"); got != "2" {
		t.Fatalf("opdel_source_count %s", got)
	}
	if got := infoField(s.tnode, id, "oplog", "opdel_source_1"); !strings.HasPrefix(got, "source_name=source1,to_del_opid=230,last_update_time=") {
		t.Fatalf("opdel_source_1 %s", got)
	}
	s.do(id, "CONFIG", "SET", "opdel-source-timeout", "2")
	tc.settle(2 * time.Second) // source0 is 5 s old, source1 2 s
	if got := s.do(id, "PURGEAOFTO", live).String(); got != "(integer) 2" {
		t.Fatalf("PURGEAOFTO after source0 expired: %s (files %v, now %v)", got, before, files())
	}
	if got := infoField(s.tnode, id, "oplog", "opdel_source_0"); !strings.HasPrefix(got, "source_name=source1,") {
		t.Fatalf("opdel_source_0 after the expiry %s", got)
	}
	if min := s.aof.log.MinOpID(); min != 201 {
		t.Fatalf("min op id %d: the file with op id 230 should be the first", min)
	}
	for _, field := range []string{"current_opid", "next_opid", "min_valid_opid"} {
		if infoField(s.tnode, id, "oplog", field) == "" {
			t.Errorf("INFO oplog has no %s", field)
		}
	}
	if got := infoField(s.tnode, id, "oplog", "next_opid"); got != "402" {
		t.Fatalf("next_opid %s", got)
	}

	// The automatic purge (aof-keep-size) respects the guard too.
	s.do(id, "OPDEL", "source1", "300")
	s.do(id, "CONFIG", "SET", "aof-keep-size", "1")
	s.do(id, "BGSAVE")
	for s.SnapshotInProgress() {
		s.advance(time.Millisecond)
	}
	s.do(id, "AOFFLUSH")
	if min := s.aof.log.MinOpID(); min > 300 || s.aof.log.LastOpID() == 0 {
		t.Fatalf("auto purge passed the OPDEL guard: min op id %d", min)
	}
	s.do(id, "OPDEL", "source1", "-1")
	s.do(id, "AOFFLUSH")
	if min := s.aof.log.MinOpID(); min <= 300 && s.aof.log.LastOpID() > 0 {
		t.Fatalf("with no OPDEL source the purge kept op id %d", min)
	}
	if got := infoField(s.tnode, id, "oplog", "min_valid_opid"); got != "402" {
		t.Fatalf("min_valid_opid %s with every entry purged", got)
	}
}

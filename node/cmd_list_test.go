package node

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"opdis/wire"
)

// rawDo runs one command on id and returns its raw RESP output (so that a
// null bulk $-1 and a null array *-1 can be told apart).
func rawDo(tn *tnode, id int64, args ...string) string {
	tn.t.Helper()
	bs := make([][]byte, len(args))
	for i, a := range args {
		bs[i] = []byte(a)
	}
	tn.Feed(id, wire.AppendCommand(nil, bs...))
	out, _ := tn.TakeOutput(id, nil)
	return string(out)
}

// listKeyCmd runs the few non-list commands the list cases need directly on
// the keyspace, so the list tests do not depend on other families.
func listKeyCmd(tn *tnode, db *DB, args []string) (string, bool) {
	switch strings.ToLower(args[0]) {
	case "set":
		tn.setKey(db, []byte(args[1]), newStringObject([]byte(args[2])), false)
		return "+OK\r\n", true
	case "del":
		n := 0
		for _, k := range args[1:] {
			if tn.deleteKey(db, []byte(k)) {
				n++
			}
		}
		return fmt.Sprintf(":%d\r\n", n), true
	case "exists":
		n := 0
		for _, k := range args[1:] {
			if tn.lookupWrite(db, []byte(k)) != nil {
				n++
			}
		}
		return fmt.Sprintf(":%d\r\n", n), true
	}
	return "", false
}

// TestListRedisCases replays command sequences whose replies were recorded
// from redis-server 7.0.15 (listRedisCases) and compares the bytes.
func TestListRedisCases(t *testing.T) {
	tn := newTestNode(t)
	id := tn.connect()
	for i, tc := range listRedisCases {
		got, ok := listKeyCmd(tn, tn.DB(0), tc.args)
		if !ok {
			got = rawDo(tn, id, tc.args...)
		}
		if got != tc.want {
			t.Errorf("case %d %q:\n got %q\nwant %q", i, tc.args, got, tc.want)
		}
	}
	if tn.BlockedClients() != 0 {
		t.Fatalf("a case blocked")
	}
}

// listValues returns the list under key in db 0 (nil if absent).
func listValues(tn *tnode, key string) []string {
	o, ok := tn.DB(0).keys.Get(key)
	if !ok {
		return nil
	}
	if o.Type != TypeList {
		tn.t.Fatalf("%s is a %v", key, o.Type)
	}
	if o.List.Len() == 0 {
		tn.t.Fatalf("empty list left under %s", key)
	}
	var out []string
	for _, v := range o.List.Values() {
		out = append(out, string(v))
	}
	return out
}

func wantList(tn *tnode, key string, want ...string) {
	tn.t.Helper()
	got := listValues(tn, key)
	if strings.Join(got, ",") != strings.Join(want, ",") || len(got) != len(want) {
		tn.t.Errorf("%s = %q, want %q", key, got, want)
	}
}

// listPending remembers, per node, the clients Pending listed that a
// wantOut has not looked at yet.
var listPending = map[*Node]map[int64]bool{}

// wantOut checks the raw output queued for id (e.g. by another client's
// command) and that the node listed id as pending when there is some.
func wantOut(tn *tnode, id int64, want string) {
	tn.t.Helper()
	seen := listPending[tn.Node]
	if seen == nil {
		seen = map[int64]bool{}
		listPending[tn.Node] = seen
	}
	for _, p := range tn.Pending() {
		seen[p] = true
	}
	pending := seen[id]
	delete(seen, id)
	out, _ := tn.TakeOutput(id, nil)
	if string(out) != want {
		tn.t.Errorf("client %d got %q, want %q", id, out, want)
	}
	if want != "" && !pending {
		tn.t.Errorf("client %d has output but was not pending", id)
	}
}

func TestListObjectAndTouch(t *testing.T) {
	tn := newTestNode(t)
	a, b := tn.connect(), tn.connect()
	tn.want(a, "(integer) 2", "RPUSH", "l", "x", "y")
	// WATCH sees in-place changes.
	for _, cmd := range [][]string{
		{"RPUSH", "l", "z"}, {"LSET", "l", "0", "q"}, {"LINSERT", "l", "BEFORE", "q", "p"},
		{"LREM", "l", "1", "p"}, {"LPOP", "l"}, {"LTRIM", "l", "0", "-1"},
		{"LMOVE", "l", "l", "LEFT", "RIGHT"}, {"RPOPLPUSH", "other", "l"},
	} {
		tn.want(a, `"OK"`, "WATCH", "l")
		tn.want(a, `"OK"`, "MULTI")
		tn.want(a, `"QUEUED"`, "LLEN", "l")
		tn.do(b, cmd...)
		if strings.ToUpper(cmd[0]) == "RPOPLPUSH" {
			// nothing moved: the key was not touched
			tn.want(a, "[(integer) 2]", "EXEC")
			continue
		}
		if got := tn.do(a, "EXEC"); !got.Null {
			t.Errorf("%q did not touch the watched key: EXEC = %v", cmd, got)
		}
	}
}

func TestListPopCountAndDelete(t *testing.T) {
	tn := newTestNode(t)
	a := tn.connect()
	tn.want(a, "(integer) 3", "LPUSH", "l", "a", "b", "c")
	wantList(tn, "l", "c", "b", "a")
	tn.want(a, `["a", "b", "c"]`, "RPOP", "l", "10")
	if listValues(tn, "l") != nil {
		t.Fatal("emptied list not deleted")
	}
	// A large list through the ring buffer and back.
	args := []string{"RPUSH", "big"}
	for i := 0; i < 1000; i++ {
		args = append(args, fmt.Sprint(i))
	}
	tn.want(a, "(integer) 1000", args...)
	tn.want(a, `"500"`, "LINDEX", "big", "500")
	tn.want(a, `"999"`, "LINDEX", "big", "-1")
	tn.want(a, `"OK"`, "LTRIM", "big", "100", "199")
	tn.want(a, "(integer) 100", "LLEN", "big")
	tn.want(a, `["100", "101"]`, "LRANGE", "big", "0", "1")
	tn.want(a, "(integer) 99", "LPOS", "big", "199")
}

// ---- blocking ----

func TestBlockingPopServedByPush(t *testing.T) {
	tn := newTestNode(t)
	a, b := tn.connect(), tn.connect()
	if out := rawDo(tn, a, "BLPOP", "k", "0"); out != "" {
		t.Fatalf("BLPOP on empty replied %q", out)
	}
	if tn.BlockedClients() != 1 {
		t.Fatal("not blocked")
	}
	tn.want(b, "(integer) 2", "RPUSH", "k", "x", "y")
	wantOut(tn, a, "*2\r\n$1\r\nk\r\n$1\r\nx\r\n")
	wantList(tn, "k", "y")
	if tn.BlockedClients() != 0 {
		t.Fatal("still blocked")
	}
	// BRPOP takes from the tail; the list is deleted once emptied.
	rawDo(tn, a, "BRPOP", "k2", "0")
	tn.want(b, "(integer) 3", "LPUSH", "k2", "1", "2", "3")
	wantOut(tn, a, "*2\r\n$2\r\nk2\r\n$1\r\n1\r\n")
	// Counted as one call, not one per (re-)run.
	if c := tn.commands["blpop"].Calls; c != 1 {
		t.Errorf("blpop calls = %d", c)
	}
}

func TestBlockingFIFO(t *testing.T) {
	tn := newTestNode(t)
	a, b, c, d := tn.connect(), tn.connect(), tn.connect(), tn.connect()
	rawDo(tn, a, "BLPOP", "q", "0")
	rawDo(tn, b, "BRPOP", "q", "0")
	rawDo(tn, c, "BLMPOP", "0", "1", "q", "LEFT", "COUNT", "2")
	tn.want(d, "(integer) 4", "RPUSH", "q", "1", "2", "3", "4")
	wantOut(tn, a, "*2\r\n$1\r\nq\r\n$1\r\n1\r\n")
	wantOut(tn, b, "*2\r\n$1\r\nq\r\n$1\r\n4\r\n")
	wantOut(tn, c, "*2\r\n$1\r\nq\r\n*2\r\n$1\r\n2\r\n$1\r\n3\r\n")
	if listValues(tn, "q") != nil {
		t.Fatal("q not deleted")
	}

	// Two clients, one element: the first served, the second stays first
	// in line for the next push.
	rawDo(tn, a, "BLPOP", "q", "0")
	rawDo(tn, b, "BLPOP", "q", "0")
	tn.want(d, "(integer) 1", "RPUSH", "q", "x")
	wantOut(tn, a, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n")
	wantOut(tn, b, "")
	rawDo(tn, c, "BLPOP", "q", "0")
	tn.want(d, "(integer) 1", "RPUSH", "q", "y")
	wantOut(tn, b, "*2\r\n$1\r\nq\r\n$1\r\ny\r\n")
	tn.want(d, "(integer) 1", "RPUSH", "q", "z")
	wantOut(tn, c, "*2\r\n$1\r\nq\r\n$1\r\nz\r\n")
}

// A push and a pop in one transaction leave the key empty: the parked
// clients stay parked, in their order.
func TestBlockingReblockKeepsOrder(t *testing.T) {
	tn := newTestNode(t)
	a, b, d := tn.connect(), tn.connect(), tn.connect()
	rawDo(tn, a, "BLPOP", "q", "0")
	rawDo(tn, b, "BLPOP", "q", "0")
	tn.want(d, `"OK"`, "MULTI")
	tn.want(d, `"QUEUED"`, "RPUSH", "q", "1")
	tn.want(d, `"QUEUED"`, "LPOP", "q")
	tn.want(d, `[(integer) 1, "1"]`, "EXEC")
	wantOut(tn, a, "")
	wantOut(tn, b, "")
	if tn.BlockedClients() != 2 {
		t.Fatalf("blocked = %d", tn.BlockedClients())
	}
	tn.want(d, "(integer) 1", "RPUSH", "q", "x")
	wantOut(tn, a, "*2\r\n$1\r\nq\r\n$1\r\nx\r\n")
	wantOut(tn, b, "")
}

// Redis 7.0 serves a client parked on several keys from the key that got
// data first (checked against redis-server 7.0.15), and only once.
func TestBlockingServesReadyKey(t *testing.T) {
	tn := newTestNode(t)
	a, d := tn.connect(), tn.connect()
	rawDo(tn, a, "BLPOP", "a", "b", "0")
	tn.want(d, `"OK"`, "MULTI")
	tn.want(d, `"QUEUED"`, "RPUSH", "b", "x")
	tn.want(d, `"QUEUED"`, "RPUSH", "a", "y")
	tn.want(d, "[(integer) 1, (integer) 1]", "EXEC")
	wantOut(tn, a, "*2\r\n$1\r\nb\r\n$1\r\nx\r\n")
	wantList(tn, "a", "y")
	// Not blocked: the first non-empty key in argument order.
	tn.want(d, "(integer) 1", "RPUSH", "b", "z")
	tn.want(a, `["a", "y"]`, "BLPOP", "a", "b", "0")
}

// A key that became another type does not serve (nor error) a parked
// client; it is served once the key is a list again.
func TestBlockingKeyChangedType(t *testing.T) {
	tn := newTestNode(t)
	a, d := tn.connect(), tn.connect()
	rawDo(tn, a, "BLPOP", "k", "0")
	tn.setKey(tn.DB(0), []byte("k"), newStringObject([]byte("s")), false)
	tn.signalReady(tn.DB(0), []byte("k"))
	tn.handleReadyKeys()
	wantOut(tn, a, "")
	if tn.BlockedClients() != 1 {
		t.Fatal("client left its queue")
	}
	tn.removeKey(tn.DB(0), "k")
	tn.want(d, "(integer) 1", "RPUSH", "k", "v")
	wantOut(tn, a, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n")
}

func TestBlockingTimeout(t *testing.T) {
	tn := newTestNode(t)
	a, b, d := tn.connect(), tn.connect(), tn.connect()
	rawDo(tn, a, "BLPOP", "k", "1.5")
	rawDo(tn, b, "BLMOVE", "k", "dst", "LEFT", "RIGHT", "0")
	tn.advance(time.Second)
	wantOut(tn, a, "")
	tn.advance(600 * time.Millisecond)
	wantOut(tn, a, "*-1\r\n")
	wantOut(tn, b, "")
	// timeout 0 waits forever
	tn.advance(time.Hour)
	wantOut(tn, b, "")
	// every blocking list command times out with a null array
	for _, cmd := range [][]string{
		{"BRPOP", "k", "0.01"}, {"BLMOVE", "k", "x", "LEFT", "LEFT", "0.01"},
		{"BRPOPLPUSH", "k", "x", "0.01"}, {"BLMPOP", "0.01", "1", "k", "LEFT"},
		{"BLPOP", "k", "0.0001"}, // rounded up to 1ms
	} {
		rawDo(tn, a, cmd...)
		tn.advance(10 * time.Millisecond)
		wantOut(tn, a, "*-1\r\n")
	}
	// -0.001 rounds (in long double) to 0: forever, as in Redis 7.0.15.
	rawDo(tn, a, "BLPOP", "k", "-0.001")
	tn.advance(time.Hour)
	wantOut(tn, a, "")
	tn.want(d, "(integer) 1", "RPUSH", "k", "v")
	wantOut(tn, b, "$1\r\nv\r\n") // b was first in line
	tn.want(d, "(integer) 1", "RPUSH", "k", "w")
	wantOut(tn, a, "*2\r\n$1\r\nk\r\n$1\r\nw\r\n")
}

func TestBlockingMoveWakesDestination(t *testing.T) {
	tn := newTestNode(t)
	a, c, d := tn.connect(), tn.connect(), tn.connect()
	rawDo(tn, a, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
	rawDo(tn, c, "BLPOP", "dst", "0")
	tn.want(d, "(integer) 1", "RPUSH", "src", "z")
	wantOut(tn, a, "$1\r\nz\r\n")
	wantOut(tn, c, "*2\r\n$3\r\ndst\r\n$1\r\nz\r\n")
	if listValues(tn, "src") != nil || listValues(tn, "dst") != nil {
		t.Fatal("keys left behind")
	}
	// BRPOPLPUSH chain: src -> mid -> dst
	rawDo(tn, a, "BRPOPLPUSH", "src", "mid", "0")
	rawDo(tn, c, "BRPOPLPUSH", "mid", "dst", "0")
	tn.want(d, "(integer) 2", "RPUSH", "src", "1", "2")
	wantOut(tn, a, "$1\r\n2\r\n")
	wantOut(tn, c, "$1\r\n2\r\n")
	wantList(tn, "src", "1")
	wantList(tn, "dst", "2")
}

// A parked BLMOVE whose destination became another type gets WRONGTYPE
// when the source gets data, and the element stays (Redis 7.0.15).
func TestBlockingMoveWrongTypeDestination(t *testing.T) {
	tn := newTestNode(t)
	a, d := tn.connect(), tn.connect()
	rawDo(tn, a, "BLMOVE", "src", "dst", "RIGHT", "LEFT", "0")
	tn.setKey(tn.DB(0), []byte("dst"), newStringObject([]byte("s")), false)
	tn.want(d, "(integer) 1", "RPUSH", "src", "z")
	wantOut(tn, a, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
	wantList(tn, "src", "z")
	if tn.BlockedClients() != 0 {
		t.Fatal("still blocked")
	}
}

func TestBlockingPipelinedCommandsRunAfter(t *testing.T) {
	tn := newTestNode(t)
	a, d := tn.connect(), tn.connect()
	var raw []byte
	raw = wire.AppendCommand(raw, []byte("BLPOP"), []byte("k"), []byte("0"))
	raw = wire.AppendCommand(raw, []byte("LLEN"), []byte("k"))
	raw = wire.AppendCommand(raw, []byte("RPUSH"), []byte("k2"), []byte("p"))
	tn.Feed(a, raw[:len(raw)-3]) // the last command arrives in two parts
	wantOut(tn, a, "")
	tn.Feed(a, raw[len(raw)-3:])
	wantOut(tn, a, "")
	wantList(tn, "k2") // not run yet
	tn.want(d, "(integer) 2", "RPUSH", "k", "x", "y")
	wantOut(tn, a, "*2\r\n$1\r\nk\r\n$1\r\nx\r\n:1\r\n:1\r\n")
	wantList(tn, "k2", "p")
}

// A pipelined push behind a client that times out runs then, and serves
// the next parked client.
func TestBlockingPipelinedAfterTimeout(t *testing.T) {
	tn := newTestNode(t)
	a, b := tn.connect(), tn.connect()
	rawDo(tn, b, "BLPOP", "k", "0")
	var raw []byte
	raw = wire.AppendCommand(raw, []byte("BLPOP"), []byte("other"), []byte("1"))
	raw = wire.AppendCommand(raw, []byte("RPUSH"), []byte("k"), []byte("v"))
	tn.Feed(a, raw)
	wantOut(tn, a, "")
	tn.advance(time.Second)
	wantOut(tn, a, "*-1\r\n:1\r\n")
	wantOut(tn, b, "*2\r\n$1\r\nk\r\n$1\r\nv\r\n")
}

func TestBlockingDisconnect(t *testing.T) {
	tn := newTestNode(t)
	a, b, d := tn.connect(), tn.connect(), tn.connect()
	rawDo(tn, a, "BLPOP", "k", "0")
	rawDo(tn, b, "BLPOP", "k", "0")
	tn.Disconnect(a)
	if tn.BlockedClients() != 1 {
		t.Fatalf("blocked = %d", tn.BlockedClients())
	}
	tn.want(d, "(integer) 2", "RPUSH", "k", "x", "y")
	wantOut(tn, b, "*2\r\n$1\r\nk\r\n$1\r\nx\r\n")
	wantList(tn, "k", "y")
	rawDo(tn, b, "BLPOP", "none", "0")
	tn.Disconnect(b)
	tn.advance(time.Hour)
	if tn.BlockedClients() != 0 {
		t.Fatal("disconnected client still parked")
	}
}

// Inside MULTI/EXEC blocking commands answer at once (checked against
// redis-server 7.0.15: BLMOVE/BRPOPLPUSH reply a null bulk there).
func TestBlockingInsideExec(t *testing.T) {
	tn := newTestNode(t)
	a := tn.connect()
	rawDo(tn, a, "MULTI")
	for _, cmd := range [][]string{
		{"BLPOP", "a", "0"}, {"BRPOP", "a", "0"}, {"BLMOVE", "a", "b", "LEFT", "LEFT", "0"},
		{"BRPOPLPUSH", "a", "b", "0"}, {"BLMPOP", "0", "1", "a", "LEFT"},
		{"BLPOP", "a", "-1"}, {"BLPOP", "a", "abc"}, {"RPUSH", "a", "1"}, {"BLPOP", "a", "0"},
	} {
		if out := rawDo(tn, a, cmd...); out != "+QUEUED\r\n" {
			t.Fatalf("%q: %q", cmd, out)
		}
	}
	want := "*9\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n-ERR timeout is negative\r\n" +
		"-ERR timeout is not a float or out of range\r\n:1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
	if out := rawDo(tn, a, "EXEC"); out != want {
		t.Fatalf("EXEC = %q\nwant   %q", out, want)
	}
	if tn.BlockedClients() != 0 {
		t.Fatal("blocked inside EXEC")
	}
}

// ---- propagation ----

// replayer applies propagated commands to another node through a client
// whose database is set directly, as a replica applies its stream.
type replayer struct {
	tn *tnode
	id int64
}

func (r *replayer) apply(db int, args [][]byte) {
	c := r.tn.clients[r.id]
	c.db = r.tn.DB(db)
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = string(a)
	}
	if got := r.tn.do(r.id, s...); got.Kind == wire.Error {
		r.tn.t.Fatalf("replayed %q: %v", s, got)
	}
}

// dumpLists renders every key of db 0 (lists only) in sorted order.
func dumpLists(tn *tnode) string {
	var keys []string
	tn.DB(0).Range(func(k string, o *Object, _ int64) bool {
		var vals []string
		for _, v := range o.List.Values() {
			vals = append(vals, string(v))
		}
		keys = append(keys, k+"="+strings.Join(vals, ","))
		return true
	})
	sortStrings(keys)
	return strings.Join(keys, " ")
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func TestListPropagation(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		a := newTestNode(t)
		b := newTestNode(t)
		rep := &replayer{tn: b, id: b.connect()}
		var log [][]string
		a.OnPropagate = func(db int, args [][]byte) {
			s := make([]string, len(args))
			for i, x := range args {
				s[i] = string(x)
			}
			log = append(log, s)
			rep.apply(db, args)
		}
		r := rand.New(rand.NewSource(seed))
		writer := a.connect()
		blockers := []int64{a.connect(), a.connect(), a.connect()}
		keys := []string{"a", "b", "c"}
		key := func() string { return keys[r.Intn(len(keys))] }
		next := 0
		val := func() string { next++; return fmt.Sprint("v", next) }
		end := func() string { return []string{"LEFT", "RIGHT", "left", "right"}[r.Intn(4)] }
		idx := func() string { return fmt.Sprint(r.Intn(9) - 4) }
		woken := 0
		for step := 0; step < 400; step++ {
			var cmd []string
			id := writer
			switch r.Intn(17) {
			case 0, 1:
				cmd = []string{[]string{"LPUSH", "RPUSH", "LPUSHX", "RPUSHX"}[r.Intn(4)], key()}
				for i := r.Intn(3); i >= 0; i-- {
					cmd = append(cmd, val())
				}
			case 2:
				cmd = []string{[]string{"LPOP", "RPOP"}[r.Intn(2)], key()}
				if r.Intn(2) == 0 {
					cmd = append(cmd, fmt.Sprint(r.Intn(4)))
				}
			case 3:
				cmd = []string{"LSET", key(), idx(), val()}
			case 4:
				cmd = []string{"LTRIM", key(), idx(), idx()}
			case 5:
				cmd = []string{"LINSERT", key(), []string{"BEFORE", "AFTER"}[r.Intn(2)], fmt.Sprint("v", r.Intn(next+1)), val()}
			case 6:
				cmd = []string{"LREM", key(), idx(), fmt.Sprint("v", r.Intn(next+1))}
			case 7:
				cmd = []string{"LMOVE", key(), key(), end(), end()}
			case 8:
				cmd = []string{"RPOPLPUSH", key(), key()}
			case 9:
				cmd = []string{"LMPOP", "2", key(), key(), end()}
				if r.Intn(2) == 0 {
					cmd = append(cmd, "COUNT", fmt.Sprint(r.Intn(3)+1))
				}
			default:
				id = blockers[r.Intn(len(blockers))]
				if a.clients[id].blockedOn != nil {
					id = writer
					cmd = []string{"RPUSH", key(), val(), val()}
					break
				}
				switch r.Intn(5) {
				case 0:
					cmd = []string{"BLPOP", key(), key(), "0"}
				case 1:
					cmd = []string{"BRPOP", key(), "0"}
				case 2:
					cmd = []string{"BLMOVE", key(), key(), end(), end(), "0"}
				case 3:
					cmd = []string{"BRPOPLPUSH", key(), key(), "0"}
				case 4:
					cmd = []string{"BLMPOP", "0", "2", key(), key(), end(), "COUNT", "2"}
				}
			}
			bs := make([][]byte, len(cmd))
			for i, x := range cmd {
				bs[i] = []byte(x)
			}
			before := len(log)
			a.Feed(id, wire.AppendCommand(nil, bs...))
			if strings.HasSuffix(cmd[0], "PUSH") && len(log) > before+1 {
				woken++ // a push served parked clients
			}
			a.TakeOutput(id, nil)
			for _, p := range a.Pending() {
				a.TakeOutput(p, nil)
			}
			if ga, gb := dumpLists(a), dumpLists(b); ga != gb {
				t.Fatalf("seed %d step %d after %q:\nA: %s\nB: %s\nlog tail: %q", seed, step, cmd, ga, gb, log[max(0, len(log)-5):])
			}
		}
		served := 0
		for _, e := range log {
			switch strings.ToLower(e[0]) {
			case "blpop", "brpop", "blmove", "brpoplpush", "blmpop", "lmpop":
				t.Fatalf("propagated %q", e)
			case "lpop", "rpop", "lmove", "rpoplpush":
				served++
			}
		}
		if served == 0 || woken == 0 {
			t.Fatalf("seed %d: %d pops propagated, %d pushes served parked clients", seed, served, woken)
		}
	}
}

// Blocking pops propagate as the plain command on the served key.
func TestListPropagationForms(t *testing.T) {
	tn := newTestNode(t)
	var log []string
	tn.OnPropagate = func(db int, args [][]byte) {
		var s []string
		for _, x := range args {
			s = append(s, string(x))
		}
		log = append(log, strings.Join(s, " "))
	}
	a, b, c, d := tn.connect(), tn.connect(), tn.connect(), tn.connect()
	rawDo(tn, a, "BLPOP", "x", "k", "0")
	rawDo(tn, b, "BLMPOP", "0", "1", "k", "RIGHT", "COUNT", "5")
	rawDo(tn, c, "BLMOVE", "k2", "d", "RIGHT", "LEFT", "0")
	tn.want(d, "(integer) 3", "RPUSH", "k", "1", "2", "3")
	tn.want(d, "(integer) 1", "RPUSH", "k2", "z")
	rawDo(tn, c, "BRPOPLPUSH", "d", "e", "0")
	tn.want(d, "(integer) 1", "RPUSH", "k", "q")
	tn.want(d, `["k", ["q"]]`, "LMPOP", "1", "k", "LEFT", "COUNT", "9")
	tn.want(d, "(integer) 0", "LPUSHX", "k", "q")
	tn.want(d, "[]", "LPOP", "e", "0")
	tn.want(d, "(integer) 0", "LREM", "e", "0", "nothere")
	tn.want(d, `"OK"`, "LTRIM", "e", "0", "-1")
	tn.want(d, "(integer) -1", "LINSERT", "e", "BEFORE", "nothere", "v")
	want := []string{
		"RPUSH k 1 2 3", "lpop k", "rpop k 2",
		"RPUSH k2 z", "lmove k2 d RIGHT LEFT",
		"rpoplpush d e",
		"RPUSH k q", "lpop k 1",
	}
	if strings.Join(log, "|") != strings.Join(want, "|") {
		t.Errorf("propagated:\n%q\nwant\n%q", log, want)
	}
}

var listRedisCases = []struct {
	args []string
	want string
}{
	// push
	{[]string{"lpush", "l", "a", "b", "c"}, ":3\r\n"},
	{[]string{"rpush", "l", "d", "e"}, ":5\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*5\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n"},
	{[]string{"lpushx", "nokey", "a"}, ":0\r\n"},
	{[]string{"rpushx", "nokey", "a"}, ":0\r\n"},
	{[]string{"exists", "nokey"}, ":0\r\n"},
	{[]string{"lpushx", "l", "x"}, ":6\r\n"},
	{[]string{"rpushx", "l", "y", "z"}, ":8\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*8\r\n$1\r\nx\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\ny\r\n$1\r\nz\r\n"},
	{[]string{"llen", "l"}, ":8\r\n"},
	{[]string{"llen", "nokey"}, ":0\r\n"},
	{[]string{"set", "s", "str"}, "+OK\r\n"},
	{[]string{"lpush", "s", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"rpush", "s", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lpushx", "s", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"rpushx", "s", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"llen", "s"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	// pop
	{[]string{"del", "l"}, ":1\r\n"},
	{[]string{"rpush", "l", "a", "b", "c", "d", "e"}, ":5\r\n"},
	{[]string{"lpop", "l"}, "$1\r\na\r\n"},
	{[]string{"rpop", "l"}, "$1\r\ne\r\n"},
	{[]string{"lpop", "l", "0"}, "*0\r\n"},
	{[]string{"lpop", "l", "2"}, "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"},
	{[]string{"rpop", "l", "5"}, "*1\r\n$1\r\nd\r\n"},
	{[]string{"exists", "l"}, ":0\r\n"},
	{[]string{"lpop", "l"}, "$-1\r\n"},
	{[]string{"lpop", "l", "1"}, "*-1\r\n"},
	{[]string{"lpop", "l", "0"}, "*-1\r\n"},
	{[]string{"rpop", "l", "-1"}, "-ERR value is out of range, must be positive\r\n"},
	{[]string{"rpop", "l", "abc"}, "-ERR value is out of range, must be positive\r\n"},
	{[]string{"lpop", "l", "1", "2"}, "-ERR wrong number of arguments for 'lpop' command\r\n"},
	{[]string{"lpop", "s"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lpop", "s", "1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lpop", "s", "abc"}, "-ERR value is out of range, must be positive\r\n"},
	{[]string{"rpush", "l", "only"}, ":1\r\n"},
	{[]string{"rpop", "l", "1"}, "*1\r\n$4\r\nonly\r\n"},
	{[]string{"exists", "l"}, ":0\r\n"},
	// lindex / lset
	{[]string{"rpush", "l", "a", "b", "c"}, ":3\r\n"},
	{[]string{"lindex", "l", "0"}, "$1\r\na\r\n"},
	{[]string{"lindex", "l", "-1"}, "$1\r\nc\r\n"},
	{[]string{"lindex", "l", "-3"}, "$1\r\na\r\n"},
	{[]string{"lindex", "l", "-4"}, "$-1\r\n"},
	{[]string{"lindex", "l", "3"}, "$-1\r\n"},
	{[]string{"lindex", "l", "abc"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"lindex", "nokey", "abc"}, "$-1\r\n"},
	{[]string{"lindex", "nokey", "0"}, "$-1\r\n"},
	{[]string{"lindex", "s", "0"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lindex", "s", "abc"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lindex", "l", "9223372036854775807"}, "$-1\r\n"},
	{[]string{"lindex", "l", "-9223372036854775808"}, "$-1\r\n"},
	{[]string{"lindex", "l", "99999999999999999999"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"lset", "l", "0", "A"}, "+OK\r\n"},
	{[]string{"lset", "l", "-1", "C"}, "+OK\r\n"},
	{[]string{"lset", "l", "3", "x"}, "-ERR index out of range\r\n"},
	{[]string{"lset", "l", "-4", "x"}, "-ERR index out of range\r\n"},
	{[]string{"lset", "l", "abc", "x"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"lset", "nokey", "0", "x"}, "-ERR no such key\r\n"},
	{[]string{"lset", "nokey", "abc", "x"}, "-ERR no such key\r\n"},
	{[]string{"lset", "s", "0", "x"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*3\r\n$1\r\nA\r\n$1\r\nb\r\n$1\r\nC\r\n"},
	// lrange
	{[]string{"del", "l"}, ":1\r\n"},
	{[]string{"rpush", "l", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, ":10\r\n"},
	{[]string{"lrange", "l", "0", "2"}, "*3\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n"},
	{[]string{"lrange", "l", "-3", "-1"}, "*3\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n"},
	{[]string{"lrange", "l", "-100", "100"}, "*10\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n"},
	{[]string{"lrange", "l", "5", "3"}, "*0\r\n"},
	{[]string{"lrange", "l", "10", "20"}, "*0\r\n"},
	{[]string{"lrange", "l", "9", "9"}, "*1\r\n$1\r\n9\r\n"},
	{[]string{"lrange", "l", "-1", "-2"}, "*0\r\n"},
	{[]string{"lrange", "l", "2", "-9223372036854775808"}, "*0\r\n"},
	{[]string{"lrange", "l", "-9223372036854775808", "9223372036854775807"}, "*10\r\n$1\r\n0\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n$1\r\n9\r\n"},
	{[]string{"lrange", "l", "0", "a"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"lrange", "nokey", "0", "-1"}, "*0\r\n"},
	{[]string{"lrange", "nokey", "a", "b"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"lrange", "s", "0", "-1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lrange", "s", "a", "0"}, "-ERR value is not an integer or out of range\r\n"},
	// ltrim
	{[]string{"ltrim", "l", "1", "-2"}, "+OK\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*8\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n"},
	{[]string{"ltrim", "l", "0", "-1"}, "+OK\r\n"},
	{[]string{"ltrim", "l", "-3", "100"}, "+OK\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*3\r\n$1\r\n6\r\n$1\r\n7\r\n$1\r\n8\r\n"},
	{[]string{"ltrim", "l", "5", "1"}, "+OK\r\n"},
	{[]string{"exists", "l"}, ":0\r\n"},
	{[]string{"ltrim", "nokey", "0", "1"}, "+OK\r\n"},
	{[]string{"ltrim", "nokey", "a", "1"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"ltrim", "s", "0", "1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"ltrim", "s", "0", "a"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"rpush", "l", "a", "b", "c"}, ":3\r\n"},
	{[]string{"ltrim", "l", "-100", "-3"}, "+OK\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*1\r\n$1\r\na\r\n"},
	{[]string{"ltrim", "l", "1", "0"}, "+OK\r\n"},
	{[]string{"exists", "l"}, ":0\r\n"},
	// linsert
	{[]string{"rpush", "l", "a", "b", "c", "b"}, ":4\r\n"},
	{[]string{"linsert", "l", "before", "b", "X"}, ":5\r\n"},
	{[]string{"linsert", "l", "AFTER", "b", "Y"}, ":6\r\n"},
	{[]string{"linsert", "l", "after", "c", "END"}, ":7\r\n"},
	{[]string{"linsert", "l", "before", "a", "START"}, ":8\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*8\r\n$5\r\nSTART\r\n$1\r\na\r\n$1\r\nX\r\n$1\r\nb\r\n$1\r\nY\r\n$1\r\nc\r\n$3\r\nEND\r\n$1\r\nb\r\n"},
	{[]string{"linsert", "l", "before", "zz", "v"}, ":-1\r\n"},
	{[]string{"linsert", "l", "middle", "a", "v"}, "-ERR syntax error\r\n"},
	{[]string{"linsert", "nokey", "before", "a", "v"}, ":0\r\n"},
	{[]string{"linsert", "nokey", "middle", "a", "v"}, "-ERR syntax error\r\n"},
	{[]string{"linsert", "s", "before", "a", "v"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"linsert", "s", "middle", "a", "v"}, "-ERR syntax error\r\n"},
	// lrem
	{[]string{"del", "l"}, ":1\r\n"},
	{[]string{"rpush", "l", "a", "b", "a", "c", "a", "b", "a"}, ":7\r\n"},
	{[]string{"lrem", "l", "2", "a"}, ":2\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*5\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\na\r\n"},
	{[]string{"lrem", "l", "-1", "a"}, ":1\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"},
	{[]string{"lrem", "l", "0", "b"}, ":2\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*2\r\n$1\r\nc\r\n$1\r\na\r\n"},
	{[]string{"lrem", "l", "0", "zz"}, ":0\r\n"},
	{[]string{"lrem", "l", "x", "a"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"lrem", "nokey", "1", "a"}, ":0\r\n"},
	{[]string{"lrem", "nokey", "x", "a"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"lrem", "s", "1", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"rpush", "l", "a", "a", "a"}, ":5\r\n"},
	{[]string{"lrem", "l", "-9223372036854775808", "a"}, ":4\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*1\r\n$1\r\nc\r\n"},
	{[]string{"lrem", "l", "1", "c"}, ":1\r\n"},
	{[]string{"exists", "l"}, ":0\r\n"},
	{[]string{"rpush", "l", "a", "b", "a", "b"}, ":4\r\n"},
	{[]string{"lrem", "l", "-2", "b"}, ":2\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*2\r\n$1\r\na\r\n$1\r\na\r\n"},
	{[]string{"lrem", "l", "10", "a"}, ":2\r\n"},
	{[]string{"exists", "l"}, ":0\r\n"},
	// lpos
	{[]string{"rpush", "l", "a", "b", "a", "c", "a"}, ":5\r\n"},
	{[]string{"lpos", "l", "a"}, ":0\r\n"},
	{[]string{"lpos", "l", "a", "rank", "2"}, ":2\r\n"},
	{[]string{"lpos", "l", "a", "RANK", "-1"}, ":4\r\n"},
	{[]string{"lpos", "l", "a", "rank", "-2"}, ":2\r\n"},
	{[]string{"lpos", "l", "a", "rank", "4"}, "$-1\r\n"},
	{[]string{"lpos", "l", "a", "count", "0"}, "*3\r\n:0\r\n:2\r\n:4\r\n"},
	{[]string{"lpos", "l", "a", "count", "2"}, "*2\r\n:0\r\n:2\r\n"},
	{[]string{"lpos", "l", "a", "rank", "2", "count", "0"}, "*2\r\n:2\r\n:4\r\n"},
	{[]string{"lpos", "l", "a", "rank", "-1", "count", "2", "maxlen", "3"}, "*2\r\n:4\r\n:2\r\n"},
	{[]string{"lpos", "l", "a", "count", "0", "maxlen", "1"}, "*1\r\n:0\r\n"},
	{[]string{"lpos", "l", "a", "maxlen", "2", "rank", "2"}, "$-1\r\n"},
	{[]string{"lpos", "l", "a", "rank", "-9223372036854775808"}, ":4\r\n"},
	{[]string{"lpos", "l", "a", "rank", "-9223372036854775808", "count", "2"}, "*3\r\n:4\r\n:2\r\n:0\r\n"},
	{[]string{"lpos", "l", "a", "rank", "9223372036854775807"}, "$-1\r\n"},
	{[]string{"lpos", "l", "a", "RANK", "1", "rank", "3"}, ":4\r\n"},
	{[]string{"lpos", "l", "a", "count", "1", "count", "2"}, "*2\r\n:0\r\n:2\r\n"},
	{[]string{"lpos", "l", "z", "count", "1"}, "*0\r\n"},
	{[]string{"lpos", "l", "z"}, "$-1\r\n"},
	{[]string{"lpos", "l", "a", "rank", "0"}, "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"},
	{[]string{"lpos", "l", "a", "rank", "abc"}, "-ERR value is not an integer or out of range\r\n"},
	{[]string{"lpos", "l", "a", "count", "-1"}, "-ERR COUNT can't be negative\r\n"},
	{[]string{"lpos", "l", "a", "count", "abc"}, "-ERR COUNT can't be negative\r\n"},
	{[]string{"lpos", "l", "a", "maxlen", "-1"}, "-ERR MAXLEN can't be negative\r\n"},
	{[]string{"lpos", "l", "a", "maxlen", "abc"}, "-ERR MAXLEN can't be negative\r\n"},
	{[]string{"lpos", "l", "a", "foo"}, "-ERR syntax error\r\n"},
	{[]string{"lpos", "l", "a", "rank"}, "-ERR syntax error\r\n"},
	{[]string{"lpos", "l", "a", "count"}, "-ERR syntax error\r\n"},
	{[]string{"lpos", "nokey", "a", "rank", "0"}, "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"},
	{[]string{"lpos", "nokey", "a", "count", "0"}, "*0\r\n"},
	{[]string{"lpos", "nokey", "a"}, "$-1\r\n"},
	{[]string{"lpos", "s", "a"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lpos", "s", "a", "count", "1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lpos", "s", "a", "rank", "0"}, "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n"},
	// lmove / rpoplpush
	{[]string{"del", "l"}, ":1\r\n"},
	{[]string{"rpush", "l", "1", "2", "3"}, ":3\r\n"},
	{[]string{"lmove", "l", "d", "left", "right"}, "$1\r\n1\r\n"},
	{[]string{"lmove", "l", "d", "RIGHT", "LEFT"}, "$1\r\n3\r\n"},
	{[]string{"lrange", "d", "0", "-1"}, "*2\r\n$1\r\n3\r\n$1\r\n1\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*1\r\n$1\r\n2\r\n"},
	{[]string{"lmove", "l", "l", "left", "right"}, "$1\r\n2\r\n"},
	{[]string{"lmove", "l", "d", "middle", "left"}, "-ERR syntax error\r\n"},
	{[]string{"lmove", "l", "d", "left", "middle"}, "-ERR syntax error\r\n"},
	{[]string{"lmove", "nokey", "d", "left", "left"}, "$-1\r\n"},
	{[]string{"lmove", "nokey", "nokey2", "middle", "left"}, "-ERR syntax error\r\n"},
	{[]string{"lmove", "s", "d", "left", "left"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lmove", "l", "s", "left", "left"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*1\r\n$1\r\n2\r\n"},
	{[]string{"lmove", "l", "d", "left", "left"}, "$1\r\n2\r\n"},
	{[]string{"exists", "l"}, ":0\r\n"},
	{[]string{"lrange", "d", "0", "-1"}, "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n1\r\n"},
	{[]string{"rpoplpush", "d", "d"}, "$1\r\n1\r\n"},
	{[]string{"lrange", "d", "0", "-1"}, "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"},
	{[]string{"rpoplpush", "d", "newk"}, "$1\r\n3\r\n"},
	{[]string{"rpoplpush", "d", "newk"}, "$1\r\n2\r\n"},
	{[]string{"rpoplpush", "d", "newk"}, "$1\r\n1\r\n"},
	{[]string{"exists", "d"}, ":0\r\n"},
	{[]string{"lrange", "newk", "0", "-1"}, "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"},
	{[]string{"rpoplpush", "nokey", "s"}, "$-1\r\n"},
	{[]string{"rpoplpush", "s", "newk"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"rpoplpush", "newk", "s"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	// lmpop
	{[]string{"lmpop", "0", "a", "left"}, "-ERR numkeys should be greater than 0\r\n"},
	{[]string{"lmpop", "abc", "a", "left"}, "-ERR numkeys should be greater than 0\r\n"},
	{[]string{"lmpop", "-1", "a", "left"}, "-ERR numkeys should be greater than 0\r\n"},
	{[]string{"lmpop", "2", "a", "left"}, "-ERR syntax error\r\n"},
	{[]string{"lmpop", "1", "a", "middle"}, "-ERR syntax error\r\n"},
	{[]string{"lmpop", "1", "a", "left", "count", "0"}, "-ERR count should be greater than 0\r\n"},
	{[]string{"lmpop", "1", "a", "left", "count", "abc"}, "-ERR count should be greater than 0\r\n"},
	{[]string{"lmpop", "1", "a", "left", "count", "-1"}, "-ERR count should be greater than 0\r\n"},
	{[]string{"lmpop", "1", "a", "left", "count", "1", "count", "2"}, "-ERR syntax error\r\n"},
	{[]string{"lmpop", "1", "a", "left", "count"}, "-ERR syntax error\r\n"},
	{[]string{"lmpop", "1", "a", "left", "foo"}, "-ERR syntax error\r\n"},
	{[]string{"lmpop", "9223372036854775807", "a", "left"}, "-ERR syntax error\r\n"},
	{[]string{"lmpop", "1", "a", "left"}, "*-1\r\n"},
	{[]string{"lmpop", "2", "a", "nokey", "left"}, "*-1\r\n"},
	{[]string{"del", "newk"}, ":1\r\n"},
	{[]string{"rpush", "b", "1", "2", "3"}, ":3\r\n"},
	{[]string{"lmpop", "2", "a", "b", "right", "count", "2"}, "*2\r\n$1\r\nb\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n"},
	{[]string{"lmpop", "2", "a", "b", "LEFT", "COUNT", "10"}, "*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n"},
	{[]string{"exists", "b"}, ":0\r\n"},
	{[]string{"lmpop", "2", "a", "s", "left"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"rpush", "a", "1"}, ":1\r\n"},
	{[]string{"lmpop", "2", "a", "s", "left"}, "*2\r\n$1\r\na\r\n*1\r\n$1\r\n1\r\n"},
	{[]string{"lmpop", "1", "s", "left"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"lmpop", "1", "a", "middle", "count", "0"}, "-ERR syntax error\r\n"},
	// blocking ones that do not block
	{[]string{"rpush", "l", "1", "2", "3"}, ":3\r\n"},
	{[]string{"blpop", "nokey", "l", "0"}, "*2\r\n$1\r\nl\r\n$1\r\n1\r\n"},
	{[]string{"brpop", "l", "0"}, "*2\r\n$1\r\nl\r\n$1\r\n3\r\n"},
	{[]string{"blpop", "s", "l", "0"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"blpop", "l", "s", "0"}, "*2\r\n$1\r\nl\r\n$1\r\n2\r\n"},
	{[]string{"blpop", "nokey", "abc"}, "-ERR timeout is not a float or out of range\r\n"},
	{[]string{"blpop", "nokey", "-1"}, "-ERR timeout is negative\r\n"},
	{[]string{"blpop", "nokey", "-1.5"}, "-ERR timeout is negative\r\n"},
	{[]string{"blpop", "nokey", "1e20"}, "-ERR timeout is negative\r\n"},
	{[]string{"blpop", "nokey", "inf"}, "-ERR timeout is negative\r\n"},
	{[]string{"blpop", "nokey", "-inf"}, "-ERR timeout is negative\r\n"},
	{[]string{"blpop", "nokey", "nan"}, "-ERR timeout is not a float or out of range\r\n"},
	{[]string{"blpop", "nokey", " 1"}, "-ERR timeout is not a float or out of range\r\n"},
	{[]string{"blpop", "nokey", ""}, "-ERR timeout is not a float or out of range\r\n"},
	{[]string{"blpop", "nokey", "1e400"}, "-ERR timeout is negative\r\n"},
	{[]string{"brpop", "s", "abc"}, "-ERR timeout is not a float or out of range\r\n"},
	{[]string{"rpush", "l", "1", "2", "3"}, ":3\r\n"},
	{[]string{"blmove", "l", "d", "left", "middle", "1"}, "-ERR syntax error\r\n"},
	{[]string{"blmove", "l", "d", "left", "left", "abc"}, "-ERR timeout is not a float or out of range\r\n"},
	{[]string{"blmove", "l", "d", "left", "left", "-1"}, "-ERR timeout is negative\r\n"},
	{[]string{"blmove", "s", "d", "left", "left", "1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"blmove", "l", "s", "left", "left", "1"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"blmove", "l", "d", "right", "left", "0"}, "$1\r\n3\r\n"},
	{[]string{"lrange", "d", "0", "-1"}, "*1\r\n$1\r\n3\r\n"},
	{[]string{"brpoplpush", "nokey", "d", "abc"}, "-ERR timeout is not a float or out of range\r\n"},
	{[]string{"brpoplpush", "s", "d", "0"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"brpoplpush", "d", "l", "0"}, "$1\r\n3\r\n"},
	{[]string{"lrange", "l", "0", "-1"}, "*3\r\n$1\r\n3\r\n$1\r\n1\r\n$1\r\n2\r\n"},
	{[]string{"blmpop", "abc", "1", "a", "left"}, "-ERR timeout is not a float or out of range\r\n"},
	{[]string{"blmpop", "-1", "1", "a", "left"}, "-ERR timeout is negative\r\n"},
	{[]string{"blmpop", "abc", "0", "a", "left"}, "-ERR numkeys should be greater than 0\r\n"},
	{[]string{"blmpop", "abc", "1", "a", "middle"}, "-ERR syntax error\r\n"},
	{[]string{"blmpop", "0", "1", "a", "left", "count", "0"}, "-ERR count should be greater than 0\r\n"},
	{[]string{"blmpop", "0", "2", "s", "a", "left"}, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
	{[]string{"blmpop", "0", "2", "nokey", "l", "right", "count", "5"}, "*2\r\n$1\r\nl\r\n*3\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n3\r\n"},
	{[]string{"exists", "l"}, ":0\r\n"},
}

// A parked client that is being closed (killed, not yet freed) must not
// take an element that nobody would receive.
func TestBlockingClosingClientNotServed(t *testing.T) {
	tn := newTestNode(t)
	a, b, d := tn.connect(), tn.connect(), tn.connect()
	rawDo(tn, a, "BLPOP", "k", "0")
	rawDo(tn, b, "BLPOP", "k", "0")
	tn.clients[a].closeAfterReply()
	tn.want(d, "(integer) 1", "RPUSH", "k", "x")
	wantOut(tn, b, "*2\r\n$1\r\nk\r\n$1\r\nx\r\n")
	if listValues(tn, "k") != nil {
		t.Fatal("k not emptied")
	}
	if _, closeConn := tn.TakeOutput(a, nil); !closeConn {
		t.Fatal("a not closed")
	}
	if tn.BlockedClients() != 0 {
		t.Fatal("a still parked")
	}
}

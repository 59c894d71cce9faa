package model

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"
)

// op builds one operation; ret == Infinity marks an unknown outcome.
func op(client int, in Input, out Output, call, ret int64) porcupine.Operation {
	return porcupine.Operation{ClientId: client, Input: in, Output: out, Call: call, Return: ret}
}

var (
	ok     = Reply{Kind: OK}
	null   = Reply{Kind: Nil}
	bulk   = func(s string) Reply { return Reply{Kind: Bulk, Str: s} }
	num    = func(n int64) Reply { return Reply{Kind: Int, Int: n} }
	get    = func(k string) Input { return One(Get, k, "") }
	set    = func(k, v string) Input { return One(Set, k, v) }
	incr   = func(k string) Input { return One(Incr, k, "") }
	appnd  = func(k, v string) Input { return One(Append, k, v) }
	setGet = func(k, v string) Input { return One(SetGet, k, v) }
	del    = func(k string) Input { return One(Del, k, "") }
)

func check(t *testing.T, want porcupine.CheckResult, ops ...porcupine.Operation) {
	t.Helper()
	res, info := Check(ops, 0)
	if res != want {
		var b bytes.Buffer
		porcupine.Visualize(Model(), info, &b)
		t.Fatalf("got %s, want %s", res, want)
	}
}

func TestHandWrittenHistories(t *testing.T) {
	cases := []struct {
		name string
		want porcupine.CheckResult
		ops  []porcupine.Operation
	}{
		{"read concurrent with write sees old", porcupine.Ok, []porcupine.Operation{
			op(0, set("x", "1"), Replied(ok), 0, 10),
			op(1, get("x"), Replied(null), 5, 8),
		}},
		{"read concurrent with write sees new", porcupine.Ok, []porcupine.Operation{
			op(0, set("x", "1"), Replied(ok), 0, 10),
			op(1, get("x"), Replied(bulk("1")), 5, 8),
		}},
		{"stale read after the write completed", porcupine.Illegal, []porcupine.Operation{
			op(0, set("x", "1"), Replied(ok), 0, 10),
			op(1, get("x"), Replied(null), 20, 30),
		}},
		{"stale read of an overwritten value", porcupine.Illegal, []porcupine.Operation{
			op(0, set("x", "1"), Replied(ok), 0, 10),
			op(0, set("x", "2"), Replied(ok), 11, 20),
			op(1, get("x"), Replied(bulk("2")), 21, 25),
			op(2, get("x"), Replied(bulk("1")), 26, 30),
		}},
		{"sequential increments", porcupine.Ok, []porcupine.Operation{
			op(0, incr("c"), Replied(num(1)), 0, 10),
			op(1, incr("c"), Replied(num(2)), 20, 30),
			op(2, get("c"), Replied(bulk("2")), 40, 50),
		}},
		{"lost increment: two concurrent INCRs both return 1", porcupine.Illegal, []porcupine.Operation{
			op(0, incr("c"), Replied(num(1)), 0, 10),
			op(1, incr("c"), Replied(num(1)), 5, 15),
		}},
		{"lost increment: the count falls short", porcupine.Illegal, []porcupine.Operation{
			op(0, incr("c"), Replied(num(1)), 0, 10),
			op(1, incr("c"), Replied(num(2)), 5, 15),
			op(2, get("c"), Replied(bulk("1")), 20, 30),
		}},
		{"concurrent appends in either order", porcupine.Ok, []porcupine.Operation{
			op(0, appnd("s", "x"), Replied(num(2)), 0, 10),
			op(1, appnd("s", "y"), Replied(num(1)), 0, 10),
			op(2, get("s"), Replied(bulk("yx")), 20, 30),
		}},
		{"append reordered", porcupine.Illegal, []porcupine.Operation{
			op(0, appnd("s", "x"), Replied(num(1)), 0, 10),
			op(1, appnd("s", "y"), Replied(num(2)), 20, 30),
			op(2, get("s"), Replied(bulk("yx")), 40, 50),
		}},
		{"append lengths contradict the content order", porcupine.Illegal, []porcupine.Operation{
			op(0, appnd("s", "x"), Replied(num(2)), 0, 10),
			op(1, appnd("s", "y"), Replied(num(1)), 0, 10),
			op(2, get("s"), Replied(bulk("xy")), 20, 30),
		}},
		{"SET GET chain", porcupine.Ok, []porcupine.Operation{
			op(0, setGet("k", "a"), Replied(null), 0, 10),
			op(1, setGet("k", "b"), Replied(bulk("a")), 5, 20),
			op(2, setGet("k", "c"), Replied(bulk("b")), 25, 30),
		}},
		{"SET GET sees a value twice", porcupine.Illegal, []porcupine.Operation{
			op(0, setGet("k", "a"), Replied(null), 0, 10),
			op(1, setGet("k", "b"), Replied(bulk("a")), 5, 20),
			op(2, setGet("k", "c"), Replied(bulk("a")), 5, 30),
		}},
		{"DEL counts only an existing key", porcupine.Illegal, []porcupine.Operation{
			op(0, set("k", "a"), Replied(ok), 0, 10),
			op(1, del("k"), Replied(num(1)), 20, 30),
			op(2, del("k"), Replied(num(1)), 40, 50),
		}},
		{"INCR of a non-number fails and changes nothing", porcupine.Ok, []porcupine.Operation{
			op(0, set("k", "abc"), Replied(ok), 0, 10),
			op(1, incr("k"), Replied(Reply{Kind: Err, Str: ErrNotInt}), 20, 30),
			op(2, get("k"), Replied(bulk("abc")), 40, 50),
		}},
		{"INCR of a non-number cannot succeed", porcupine.Illegal, []porcupine.Operation{
			op(0, set("k", "abc"), Replied(ok), 0, 10),
			op(1, incr("k"), Replied(num(1)), 20, 30),
		}},
		{"INCR overflows", porcupine.Ok, []porcupine.Operation{
			op(0, set("k", "9223372036854775807"), Replied(ok), 0, 10),
			op(1, incr("k"), Replied(Reply{Kind: Err, Str: ErrOverflow}), 20, 30),
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check(t, c.want, c.ops...) })
	}
}

func TestUnknownOutcomes(t *testing.T) {
	t.Run("a write that timed out may have happened", func(t *testing.T) {
		check(t, porcupine.Ok,
			op(0, set("x", "1"), Unknown, 0, Infinity),
			op(1, get("x"), Replied(bulk("1")), 100, 110))
	})
	t.Run("or not", func(t *testing.T) {
		check(t, porcupine.Ok,
			op(0, set("x", "1"), Unknown, 0, Infinity),
			op(1, get("x"), Replied(null), 100, 110))
	})
	t.Run("it may take effect long after the client gave up", func(t *testing.T) {
		check(t, porcupine.Ok,
			op(0, incr("c"), Unknown, 0, Infinity),
			op(1, get("c"), Replied(null), 100, 110),
			op(1, incr("c"), Replied(num(1)), 200, 210),
			op(2, get("c"), Replied(bulk("2")), 300, 310))
	})
	t.Run("once seen it cannot be undone", func(t *testing.T) {
		check(t, porcupine.Illegal,
			op(0, set("x", "1"), Unknown, 0, Infinity),
			op(1, get("x"), Replied(bulk("1")), 100, 110),
			op(1, get("x"), Replied(null), 200, 210))
	})
	t.Run("it cannot take effect before it was sent", func(t *testing.T) {
		check(t, porcupine.Illegal,
			op(1, get("x"), Replied(bulk("1")), 0, 10),
			op(0, set("x", "1"), Unknown, 20, Infinity))
	})
	t.Run("an unknown outcome does not excuse a value nobody wrote", func(t *testing.T) {
		check(t, porcupine.Illegal,
			op(0, set("x", "1"), Unknown, 0, Infinity),
			op(1, get("x"), Replied(bulk("2")), 100, 110))
	})
}

func TestMultiKeyGroups(t *testing.T) {
	a, b := "{g}a", "{g}b"
	t.Run("MSET is atomic", func(t *testing.T) {
		check(t, porcupine.Illegal,
			op(0, MSetOf(a, "1", b, "1"), Replied(ok), 0, 10),
			op(1, MultiOf(Cmd{Get, a, ""}, Cmd{Get, b, ""}), Replied(bulk("1"), null), 5, 8))
	})
	t.Run("a transaction sees all or nothing", func(t *testing.T) {
		check(t, porcupine.Ok,
			op(0, MSetOf(a, "1", b, "1"), Replied(ok), 0, 10),
			op(1, MultiOf(Cmd{Get, a, ""}, Cmd{Get, b, ""}), Replied(null, null), 5, 8),
			op(2, MultiOf(Cmd{Get, a, ""}, Cmd{Get, b, ""}), Replied(bulk("1"), bulk("1")), 6, 9))
	})
	t.Run("commands inside a transaction see each other", func(t *testing.T) {
		check(t, porcupine.Ok,
			op(0, MultiOf(Cmd{Incr, a, ""}, Cmd{Incr, a, ""}, Cmd{SetGet, b, "x"}, Cmd{Append, b, "y"}, Cmd{Del, a, ""}),
				Replied(num(1), num(2), null, num(2), num(1)), 0, 10),
			op(1, MultiOf(Cmd{Get, a, ""}, Cmd{Get, b, ""}), Replied(null, bulk("xy")), 20, 30))
	})
	t.Run("a failing command does not abort the transaction", func(t *testing.T) {
		check(t, porcupine.Ok,
			op(0, MultiOf(Cmd{Set, a, "z"}, Cmd{Incr, a, ""}, Cmd{Append, a, "1"}),
				Replied(ok, Reply{Kind: Err, Str: ErrNotInt}, num(2)), 0, 10))
	})
	t.Run("a torn transaction is caught", func(t *testing.T) {
		check(t, porcupine.Illegal,
			op(0, MultiOf(Cmd{Set, a, "1"}, Cmd{Set, b, "1"}), Replied(ok, ok), 0, 10),
			op(1, get(a), Replied(bulk("1")), 5, 8),
			op(2, get(b), Replied(null), 9, 12),
			op(1, get(a), Replied(bulk("1")), 13, 14))
	})
}

func TestRestore(t *testing.T) {
	a, b := "{g}a", "{g}b"
	keys := []string{a, b}
	t.Run("a restore may roll back an acknowledged write", func(t *testing.T) {
		check(t, porcupine.Ok,
			op(0, set(a, "1"), Replied(ok), 0, 10),
			op(0, set(a, "2"), Replied(ok), 20, 30),
			op(1, RestoreOf(keys, map[string]string{a: "1"}), Replied(), 40, 40),
			op(2, MultiOf(Cmd{Get, a, ""}, Cmd{Get, b, ""}), Replied(bulk("1"), null), 50, 60))
	})
	t.Run("what follows a restore is checked against it", func(t *testing.T) {
		check(t, porcupine.Illegal,
			op(0, set(a, "1"), Replied(ok), 0, 10),
			op(1, RestoreOf(keys, map[string]string{b: "x"}), Replied(), 40, 40),
			op(2, get(a), Replied(bulk("1")), 50, 60))
	})
	t.Run("writes after the restore build on it", func(t *testing.T) {
		check(t, porcupine.Ok,
			op(1, RestoreOf(keys, map[string]string{a: "5"}), Replied(), 0, 0),
			op(0, incr(a), Replied(num(6)), 10, 20))
	})
	if got := RestoreOf(keys, map[string]string{b: "x"}).String(); got != `RESTORE[DEL {g}a; SET {g}b "x"]` {
		t.Fatalf("String = %s", got)
	}
}

func TestPartition(t *testing.T) {
	ops := []porcupine.Operation{
		op(0, set("{u}1", "a"), Replied(ok), 0, 1),
		op(0, set("plain", "a"), Replied(ok), 2, 3),
		op(0, set("{t}1", "a"), Replied(ok), 4, 5),
		op(0, get("{u}2"), Replied(null), 6, 7),
		op(0, set("x{}y", "a"), Replied(ok), 8, 9), // empty tag: the whole key
		op(0, MultiOf(Cmd{Get, "{v}1", ""}, Cmd{Get, "{w}1", ""}), Replied(null, null), 10, 11),
		op(0, get("{w}2"), Replied(null), 12, 13),
	}
	parts := Partition(ops)
	var got []string
	for _, p := range parts {
		var keys []string
		for _, o := range p {
			keys = append(keys, strings.Join(o.Input.(Input).Keys(), "+"))
		}
		got = append(got, strings.Join(keys, ","))
	}
	want := "plain | {t}1 | {u}1,{u}2 | {v}1+{w}1,{w}2 | x{}y"
	if s := strings.Join(got, " | "); s != want {
		t.Fatalf("parts:\n got  %s\n want %s", s, want)
	}
	for _, k := range [][2]string{{"{a}b", "a"}, {"x{a}{b}", "a"}, {"{}a", "{}a"}, {"a{b", "a{b"}, {"a}b{", "a}b{"}, {"{{a}}", "{a"}} {
		if g := Group(k[0]); g != k[1] {
			t.Errorf("Group(%q) = %q, want %q", k[0], g, k[1])
		}
	}
	// A violation in one key is found among many healthy ones.
	var many []porcupine.Operation
	for i := 0; i < 200; i++ {
		k := fmt.Sprintf("k%d", i)
		many = append(many, op(0, set(k, "v"), Replied(ok), int64(4*i), int64(4*i+1)), op(1, get(k), Replied(bulk("v")), int64(4*i+2), int64(4*i+3)))
	}
	check(t, porcupine.Ok, many...)
	many[301].Output = Replied(null) // GET k150 after its SET completed
	check(t, porcupine.Illegal, many...)
}

func TestDescribe(t *testing.T) {
	m := Model()
	for _, c := range []struct {
		in   Input
		out  Output
		want string
	}{
		{set("k", "v"), Replied(ok), `SET k "v" → OK`},
		{get("k"), Replied(null), `GET k → nil`},
		{setGet("k", "v"), Replied(bulk("u")), `SET k "v" GET → "u"`},
		{incr("k"), Unknown, `INCR k → ?`},
		{MSetOf("{a}1", "x", "{a}2", "y"), Replied(ok), `MSET {a}1 "x" {a}2 "y" → OK`},
		{MultiOf(Cmd{Incr, "c", ""}, Cmd{Append, "c", "0"}), Replied(num(1), num(2)), `MULTI[INCR c; APPEND c "0"] → [1, 2]`},
		{incr("k"), Replied(Reply{Kind: Err, Str: ErrNotInt}), `INCR k → (error) ` + ErrNotInt},
	} {
		if got := m.DescribeOperation(c.in, c.out); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
	if s := m.DescribeState(State{{"a", "1"}, {"b", "x y"}}); s != `{a: "1", b: "x y"}` {
		t.Errorf("state %s", s)
	}
	// The visualization renders a failing history.
	res, info := Check([]porcupine.Operation{
		op(0, set("x", "1"), Replied(ok), 0, 10),
		op(1, get("x"), Replied(null), 20, 30),
		op(2, incr("y"), Unknown, 0, Infinity),
	}, 0)
	var b bytes.Buffer
	if err := porcupine.Visualize(m, info, &b); err != nil || res != porcupine.Illegal {
		t.Fatalf("visualize: %v (%s)", err, res)
	}
	if !strings.Contains(b.String(), `GET x → nil`) || !strings.Contains(b.String(), `INCR y → ?`) {
		t.Fatal("the HTML does not describe the operations")
	}
}

func TestHistoryBuilder(t *testing.T) {
	var h History
	c := h.NewClient()
	h.Add(c, set("x", "1"), Replied(ok), 0, 10)
	c2 := h.AddUnknown(c, incr("x"), 20)
	if c2 == c {
		t.Fatal("no new client id after an unknown outcome")
	}
	h.Add(c2, get("x"), Replied(bulk("2")), 30, 40)
	if h.Len() != 3 || h.Operations()[1].Return != Infinity {
		t.Fatalf("ops %v", h.Operations())
	}
	c3 := h.AddUnknown(c2, MultiOf(Cmd{Get, "x", ""}), 50) // a read: nothing to check
	if h.Len() != 3 || c3 == c2 {
		t.Fatalf("unknown read recorded: %d ops, client %d", h.Len(), c3)
	}
	h.Add(c3, get("x"), Replied(bulk("2")), 60, 70)
	if res, _ := Check(h.Operations(), 0); res != porcupine.Ok {
		t.Fatal(res)
	}
	if a, b, c := h.Stamp(100), h.Stamp(100), h.Stamp(90); a != 100 || b != 101 || c != 102 {
		t.Fatalf("stamps %d %d %d", a, b, c)
	}
	if d := h.Stamp(500); d != 500 {
		t.Fatalf("stamp %d", d)
	}
	for name, f := range map[string]func(){
		"overlap":       func() { h.Add(c3, get("x"), Replied(null), 65, 80) },
		"after gave up": func() { h.Add(c, get("x"), Replied(null), 100, 110) },
		"bad client":    func() { h.Add(9, get("x"), Replied(null), 100, 110) },
		"return<call":   func() { h.Add(c2, get("x"), Replied(null), 100, 90) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: accepted", name)
				}
			}()
			f()
		}()
	}
}

// genHistory draws a random workload, runs it sequentially on a Keyspace
// (the i-th operation takes effect at time 10i) and gives every operation
// an interval around its point, from sequential clients. A few outcomes
// are unknown (at most 4: each one open forever multiplies the checker's
// search, which is why the simulator caps them per key too); some of
// those never took effect at all. Such a history is linearizable by
// construction.
func genHistory(t *rapid.T) []porcupine.Operation {
	keys := []string{"{a}1", "{a}2", "{b}1", "c"}
	var h History
	clients := []int{h.NewClient(), h.NewClient(), h.NewClient()}
	ks := NewKeyspace()
	n := rapid.IntRange(1, 60).Draw(t, "ops")
	unknown := 0
	for i := 0; i < n; i++ {
		point := int64(10 * (i + 1))
		in := genInput(t, keys, i)
		ci := rapid.IntRange(0, len(clients)-1).Draw(t, "client")
		call := point - int64(rapid.IntRange(0, 40).Draw(t, "before"))
		call = max(call, h.last[clients[ci]]+1)
		if call > point { // this client is still busy: a new one takes over
			clients[ci] = h.NewClient()
			call = point
		}
		outcome := rapid.IntRange(0, 9).Draw(t, "outcome")
		if outcome < 2 && unknown == 4 {
			outcome = 2
		}
		switch outcome {
		case 0: // applied, but the reply was lost
			ks.Apply(in)
			clients[ci] = h.AddUnknown(clients[ci], in, call)
			unknown++
		case 1: // never applied (lost before the server), and unknown
			clients[ci] = h.AddUnknown(clients[ci], in, call)
			unknown++
		default:
			out := ks.Apply(in)
			h.Add(clients[ci], in, out, call, point+int64(rapid.IntRange(0, 40).Draw(t, "after")))
		}
	}
	return h.Operations()
}

func genInput(t *rapid.T, keys []string, i int) Input {
	cmd := func(key string) Cmd {
		op := rapid.SampledFrom([]Op{Get, Set, SetGet, Incr, Append, Del}).Draw(t, "op")
		arg := ""
		switch op {
		case Set, SetGet:
			if rapid.Bool().Draw(t, "numeric") {
				arg = fmt.Sprint(1000 + i) // unique, and INCR-able
			} else {
				arg = fmt.Sprintf("v%d", i)
			}
		case Append:
			arg = fmt.Sprintf("a%d,", i)
		}
		return Cmd{op, key, arg}
	}
	switch rapid.IntRange(0, 5).Draw(t, "kind") {
	case 0: // MSET within group {a}
		return MSetOf("{a}1", fmt.Sprintf("m%d", i), "{a}2", fmt.Sprintf("m%d", i))
	case 1: // MULTI within one group
		key := rapid.SampledFrom(keys).Draw(t, "key")
		var cmds []Cmd
		for j := rapid.IntRange(1, 3).Draw(t, "len"); j > 0; j-- {
			k := key
			if Group(key) == "a" {
				k = rapid.SampledFrom([]string{"{a}1", "{a}2"}).Draw(t, "akey")
			}
			cmds = append(cmds, cmd(k))
		}
		return MultiOf(cmds...)
	}
	return Input{Kind: Single, Cmds: []Cmd{cmd(rapid.SampledFrom(keys).Draw(t, "key"))}}
}

func TestGeneratedHistoriesAreLinearizable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ops := genHistory(t)
		if res, _ := Check(ops, 0); res != porcupine.Ok {
			for _, o := range ops {
				t.Logf("c%d [%d,%d] %s → %s", o.ClientId, o.Call, o.Return, o.Input.(Input), o.Output.(Output))
			}
			t.Fatalf("generated history is %s", res)
		}
	})
}

// TestCorruptedHistoriesAreNot breaks one definite reply of a generated
// history into one no execution can produce; the checker must notice.
func TestCorruptedHistoriesAreNot(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ops := genHistory(t)
		var definite []int
		for i, o := range ops {
			if !o.Output.(Output).Unknown {
				definite = append(definite, i)
			}
		}
		if len(definite) == 0 {
			t.Skip("no definite reply")
		}
		i := rapid.SampledFrom(definite).Draw(t, "victim")
		in, out := ops[i].Input.(Input), ops[i].Output.(Output)
		rs := append([]Reply(nil), out.Replies...)
		j := rapid.IntRange(0, len(rs)-1).Draw(t, "reply")
		switch rs[j].Kind {
		case Bulk, Nil:
			rs[j] = bulk("never written") // GET / SET GET
		case OK:
			rs[j] = null // SET / MSET always say OK
		case Int:
			rs[j] = num(-1) // INCR ≥ 1, APPEND ≥ 1, DEL ∈ {0,1}
		case Err:
			rs[j] = num(-1)
		}
		ops[i].Output = Output{Replies: rs}
		if res, _ := Check(ops, 0); res != porcupine.Illegal {
			t.Fatalf("corrupting op %d (%s: %s → %s) left the history %s", i, in, out, ops[i].Output.(Output), res)
		}
	})
}

func TestKeyspace(t *testing.T) {
	ks := NewKeyspace()
	for _, c := range []struct {
		in   Input
		want string
	}{
		{get("a"), "nil"},
		{set("a", "1"), "OK"},
		{incr("a"), "2"},
		{appnd("a", "0"), "2"},
		{get("a"), `"20"`},
		{setGet("a", "x"), `"20"`},
		{incr("a"), "(error) " + ErrNotInt},
		{del("a"), "1"},
		{del("a"), "0"},
		{MSetOf("{g}1", "p", "{g}2", "q"), "OK"},
		{MultiOf(Cmd{Get, "{g}1", ""}, Cmd{Append, "{g}2", "r"}, Cmd{Incr, "{g}3", ""}), `["p", 2, 1]`},
	} {
		if got := ks.Apply(c.in).String(); got != c.want {
			t.Errorf("%s → %s, want %s", c.in, got, c.want)
		}
	}
	if strings.Join(ks.Keys(), " ") != "{g}1 {g}2 {g}3" || ks.Len() != 3 {
		t.Fatalf("keys %v", ks.Keys())
	}
	if s := ks.Group("g"); len(s) != 3 || s[1] != (KV{"{g}2", "qr"}) {
		t.Fatalf("group %v", s)
	}
	o := ks.Clone()
	if !o.Equal(ks) || len(o.Diff(ks)) != 0 {
		t.Fatal("clone differs")
	}
	o.Apply(set("{g}1", "changed"))
	o.Apply(del("{g}2"))
	o.Apply(set("new", "n"))
	want := `+new = "n"|~{g}1: "p" != "changed"|-{g}2 = "qr"`
	if d := strings.Join(ks.Diff(o), "|"); d != want {
		t.Fatalf("diff %s\nwant %s", d, want)
	}
	if ks.Equal(o) {
		t.Fatal("different keyspaces equal")
	}
}

func TestParseIntIsString2ll(t *testing.T) {
	for s, want := range map[string]bool{
		"0": true, "-1": true, "123": true, "9223372036854775807": true, "-9223372036854775808": true,
		"": false, "-": false, "+1": false, "01": false, "-0": false, " 1": false, "1 ": false,
		"9223372036854775808": false, "1e3": false, "0x10": false, "1_000": false,
	} {
		if _, ok := parseInt(s); ok != want {
			t.Errorf("parseInt(%q) ok=%v, want %v", s, ok, want)
		}
	}
}

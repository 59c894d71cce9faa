package difftest

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestMain maps DIFFTEST_CHECKS and DIFFTEST_STEPS onto rapid's flags
// (explicit -rapid.checks / -rapid.steps win).
func TestMain(m *testing.M) {
	flag.Parse()
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if v := os.Getenv("DIFFTEST_CHECKS"); v != "" && !set["rapid.checks"] {
		flag.Set("rapid.checks", v)
	}
	if !set["rapid.steps"] {
		flag.Set("rapid.steps", fmt.Sprint(envInt("DIFFTEST_STEPS", 50)))
	}
	// Shrinking replays sequences against the servers; 15 s per failing
	// suite is enough for a short reproduction and keeps make test bounded.
	if _, env := os.LookupEnv("RAPID_SHRINKTIME"); !set["rapid.shrinktime"] && !env {
		flag.Set("rapid.shrinktime", "15s")
	}
	os.Exit(m.Run())
}

type family struct {
	weight int
	f      func(*gen) []op
}

var (
	fConn    = func(g *gen) []op { return g.connection() }
	fKeys    = func(g *gen) []op { return g.keysFamily() }
	fExpire  = func(g *gen) []op { return g.expire() }
	fStrings = func(g *gen) []op { return g.strings() }
	fHashes  = func(g *gen) []op { return g.hashes() }
	fLists   = func(g *gen) []op { return g.lists() }
	fSets    = func(g *gen) []op { return g.sets() }
	fZsets   = func(g *gen) []op { return g.zsets() }
	fTx      = func(g *gen) []op { return g.tx() }
	fPubsub  = func(g *gen) []op { return g.pubsub() }
)

// suites: one mixing every family, and one focused on each family (with a
// little of the key commands so that types collide).
var suites = []struct {
	name string
	fams []family
}{
	{"mixed", []family{{3, fConn}, {8, fKeys}, {6, fExpire}, {12, fStrings}, {10, fHashes}, {12, fLists},
		{10, fSets}, {14, fZsets}, {6, fTx}, {5, fPubsub}}},
	{"strings", []family{{12, fStrings}, {2, fKeys}, {2, fExpire}}},
	{"keys", []family{{8, fKeys}, {6, fExpire}, {3, fStrings}, {2, fLists}, {2, fSets}, {2, fConn}}},
	{"hashes", []family{{12, fHashes}, {2, fKeys}}},
	{"lists", []family{{12, fLists}, {2, fKeys}}},
	{"sets", []family{{12, fSets}, {2, fKeys}}},
	{"zsets", []family{{12, fZsets}, {3, fSets}, {1, fKeys}}},
	{"tx", []family{{6, fTx}, {3, fStrings}, {2, fLists}, {1, fKeys}, {1, fExpire}}},
	{"pubsub", []family{{10, fPubsub}, {1, fConn}}},
}

// TestDifferential sends random command sequences to redis-server and opdis
// and compares every reply.
func TestDifferential(t *testing.T) {
	h := newHarness(t)
	// The mixed suite runs rapid.checks sequences, the focused ones half as
	// many (all of them in the long mode's proportion too).
	checks := flag.Lookup("rapid.checks")
	base := atoiOr(checks.Value.String(), 100)
	defer checks.Value.Set(fmt.Sprint(base))
	for i, suite := range suites {
		n := base
		if i > 0 {
			n = max(1, base/2)
		}
		checks.Value.Set(fmt.Sprint(n))
		t.Run(suite.name, func(t *testing.T) {
			rapid.Check(t, func(rt *rapid.T) { h.sequence(rt, suite.fams) })
		})
	}
	if os.Getenv("DIFFTEST_STATS") != "" {
		t.Logf("commands sent (reference replies):\n%s", stats.report())
	}
}

// sequence is one rapid check: a fresh session, rapid.steps steps on
// average (t.Repeat, so that failures shrink by dropping whole steps), then a
// comparison of the whole keyspace.
func (h *harness) sequence(t *rapid.T, fams []family) {
	s := newSession(t, h)
	defer s.close()
	g := &gen{s: s}
	total := 0
	for _, f := range fams {
		total += f.weight
	}
	// Each step is drawn as one value (so a failure's log shows one line
	// per step, not one per random number), then run.
	stepGen := rapid.Custom(func(t *rapid.T) steps {
		g.t = t
		r := g.intn(0, total-1)
		var fam family
		for _, f := range fams {
			if r < f.weight {
				fam = f
				break
			}
			r -= f.weight
		}
		ops := fam.f(g)
		for i := range ops {
			g.finish(&ops[i])
		}
		return ops
	})
	t.Repeat(map[string]func(*rapid.T){"step": func(t *rapid.T) {
		for _, o := range stepGen.Draw(t, "step") {
			s.run(o)
		}
	}})
	s.compareState()
	if os.Getenv("DIFFTEST_LOG") != "" {
		fmt.Printf("--- sequence\n%s", s.sequence())
	}
}

// steps is what one step draws; it prints as the commands.
type steps []op

func (st steps) GoString() string {
	parts := make([]string, len(st))
	for i, o := range st {
		parts[i] = quoteArgs(o.args)
	}
	return strings.Join(parts, "; ")
}

// mutate occasionally drops trailing arguments or adds a stray one.
func (g *gen) mutate(args []string) []string {
	switch r := g.intn(0, 99); {
	case r == 99 && len(args) > 1:
		return args[:g.intn(1, len(args)-1)]
	case r == 98:
		return append(append([]string(nil), args...), g.pick("junk", "1", ""))
	}
	return args
}

// finish draws what is left of an op: its connection and argument mutation.
func (g *gen) finish(o *op) {
	if o.conn < 0 {
		o.conn = connA
		if g.chance(12) {
			o.conn = connB
		}
	}
	if (o.kind == opPlain || o.kind == opLex) && !o.noMutate {
		o.args = g.mutate(o.args)
	}
}

func (s *session) run(o op) {
	ci := o.conn
	if ci == connA && s.inMulti && (o.kind == opScan || o.kind == opRandom || o.kind == opPublish || o.kind == opLex) {
		ci = connB // their replies cannot be compared inside EXEC
	}
	switch o.kind {
	case opPlain:
		s.do(ci, o.cmp, o.args...)
	case opScan:
		s.scanFull(ci, o.args, o.cur, o.pairs)
	case opRandom:
		s.random(ci, o)
	case opPublish:
		s.publish(ci, o.args)
	case opSubscriber:
		s.subscriber(o.args)
	case opBlockServe:
		s.blockServe(o)
	case opLex:
		s.lex(ci, o)
	}
}

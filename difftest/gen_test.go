package difftest

import (
	"math/bits"
	"strconv"
	"strings"

	"pgregory.net/rapid"
)

type opKind int

const (
	opPlain      opKind = iota
	opScan              // full SCAN-family iteration
	opRandom            // random reply: shape and membership only
	opPublish           // PUBLISH + delivered messages on S
	opSubscriber        // a command on S
	opBlockServe        // C blocks, B pushes
	opLex               // lex range on a zset: undefined on mixed scores in a skiplist
)

// op is one generated step.
type op struct {
	kind     opKind
	conn     int // -1: A most of the time, sometimes B
	args     []string
	cmp      cmpFn // nil: exact
	noMutate bool

	cur   int  // opScan: index of the cursor in args
	pairs bool // opScan: HSCAN/ZSCAN

	src      []string // opRandom: command reading the source collection
	srcCmp   cmpFn
	srcPairs bool
	spec     randSpec
	popKey   string // opRandom: SPOP key to re-synchronise; opLex: key written
	lexKey   string // opLex: the zset read

	push      []string // opBlockServe: B's command
	blockKeys []string // opBlockServe: the keys C waits on
	blockDst  string   // opBlockServe: BLMOVE's destination
	blockType string   // opBlockServe: the type blockDst must have
}

func plain(args ...string) op { return op{conn: -1, args: args} }
func with(f cmpFn, args ...string) op {
	return op{conn: -1, args: args, cmp: f}
}

// gen draws arguments.
type gen struct {
	t *rapid.T
	s *session
}

// intn draws uniformly from [lo, hi]. rapid's IntRange is biased towards
// small values, which would make every "2% of the time" far more frequent
// and the first alternatives of every choice dominant. Uniform draws are
// built from single bits (which shrink towards 0, so failures still shrink
// towards the first alternatives).
func (g *gen) intn(lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + uniform(hi-lo+1).Draw(g.t, "n")
}

var uniformGens = map[int]*rapid.Generator[int]{}

func uniform(n int) *rapid.Generator[int] {
	if u, ok := uniformGens[n]; ok {
		return u
	}
	width := bits.Len(uint(n - 1))
	u := rapid.Custom(func(t *rapid.T) int {
		for {
			v := 0
			for i := 0; i < width; i++ {
				v <<= 1
				if rapid.Bool().Draw(t, "bit") {
					v |= 1
				}
			}
			if v < n {
				return v
			}
		}
	})
	uniformGens[n] = u
	return u
}

// chance is true pct% of the time; it shrinks to false (the plain path).
func (g *gen) chance(pct int) bool { return g.intn(0, 99) >= 100-pct }

func (g *gen) pick(xs ...string) string { return xs[g.intn(0, len(xs)-1)] }

// pool is a set of argument values: core ones most of the time, valid but
// unusual extras sometimes, invalid ones rarely.
type pool struct{ core, extra, bad []string }

func (g *gen) from(p pool) string {
	r := g.intn(0, 99) // shrinks towards the core values
	switch {
	case r >= 96 && len(p.bad) > 0:
		return g.pick(p.bad...)
	case r >= 80 && len(p.extra) > 0:
		return g.pick(p.extra...)
	}
	return g.pick(p.core...)
}

// pickCore draws from core most of the time, from extra otherwise.
func (g *gen) pickCore(core, extra []string) string {
	if len(extra) > 0 && g.chance(8) {
		return g.pick(extra...)
	}
	return g.pick(core...)
}

// kw returns an option word, sometimes in lower or mixed case.
func (g *gen) kw(w string) string {
	switch g.intn(0, 9) {
	case 9:
		return strings.ToLower(w)
	case 8:
		if len(w) > 1 {
			return strings.ToLower(w[:1]) + w[1:]
		}
	}
	return w
}

// Key space: 6 keys per type plus shared names used by every family, so
// WRONGTYPE happens.
var prefixes = []string{"s", "h", "l", "t", "z"} // string, hash, list, set, zset

func (g *gen) key(prefix string) string {
	switch r := g.intn(0, 99); {
	case r >= 92:
		return "k" + strconv.Itoa(g.intn(0, 2))
	case r >= 89:
		prefix = g.pick(prefixes...)
	}
	if g.chance(60) {
		return prefix + strconv.Itoa(g.intn(0, 2))
	}
	return prefix + strconv.Itoa(g.intn(0, 5))
}

func (g *gen) keys(prefix string, lo, hi int) []string {
	n := g.intn(lo, hi)
	ks := make([]string, n)
	for i := range ks {
		ks[i] = g.key(prefix)
	}
	return ks
}

func (g *gen) anyKey() string { return g.key(g.pick(prefixes...)) }

var (
	long70 = strings.Repeat("x", 70)
	values = pool{
		core: []string{"v", "1", "hello", "42", "-7", "", "3.5"},
		extra: []string{"0", "100", "abc", "hello world", "9223372036854775807", "-9223372036854775808",
			"9223372036854775808", " 7", "7 ", "0x1f", "1e3", "inf", "-0.5", "\x00\xff\r\n", "é",
			strings.Repeat("ab", 22), strings.Repeat("ab", 23), long70, "123456789012345678901", "10000"},
	}
	coreMembers = []string{"a", "b", "c", "1", "2", "3"}
	members     = pool{core: coreMembers,
		extra: []string{"d", "e", "10", "-5", "", "a b", "é", long70, "99999999999999999999", "1.5", "*", "A"}}
	ints = pool{
		core:  []string{"1", "0", "-1", "2", "5", "10", "-3"},
		extra: []string{"100", "9223372036854775807", "-9223372036854775808", "-9223372036854775807", "4611686018427387904"},
		bad:   []string{"abc", "1.5", "", " 1", "+1", "007", "1e3", "9223372036854775808"},
	}
	floats = pool{
		core:  []string{"1.5", "0", "-2.25", "10", "0.1", "3"},
		extra: []string{"1e10", "inf", "-inf", "+inf", "5e-3", "17", "1.0e2", "-0", "1e308", "0.3"},
		bad:   []string{"abc", "nan", "1e400", "", "0x10", " 1", "1.5.5"},
	}
	coreScores = []string{"1", "2", "3", "0", "-1", "1.5", "2.5"}
	scores     = pool{
		core:  coreScores,
		extra: []string{"-inf", "+inf", "inf", "10", "1e308", "0.1", "-0", "1e-5", "100"},
		bad:   []string{"abc", "nan", "", "(1"},
	}
	fields = pool{
		core:  []string{"f0", "f1", "f2", "f3", "1", "2"},
		extra: []string{"f4", "f5", "", "a b", long70, "é"},
	}
)

func (g *gen) value() string   { return g.from(values) }
func (g *gen) member() string  { return g.from(members) }
func (g *gen) field() string   { return g.from(fields) }
func (g *gen) integer() string { return g.from(ints) }
func (g *gen) float() string   { return g.from(floats) }
func (g *gen) score() string   { return g.from(scores) }

// index is a list/range index.
func (g *gen) index() string {
	switch r := g.intn(0, 99); {
	case r >= 98:
		return g.pick("abc", "1.5", "")
	case r >= 93:
		return g.pick("9223372036854775807", "-9223372036854775808", "100", "-100")
	}
	return strconv.Itoa(g.intn(-6, 6))
}

func (g *gen) db() string {
	if g.chance(4) {
		return g.pick("16", "-1", "abc", "1.5")
	}
	return strconv.Itoa(g.intn(0, 2))
}

// Expiry times. Valid TTLs are large and all distinct within a sequence
// (base + 10 s * sequence number), so GT/LT comparisons give the same answer
// on both servers even though they see slightly different clocks.
func (g *gen) gridSecs() int64 {
	g.s.ttlSeq++
	base := []int64{1000, 100000, 10000000}[g.intn(0, 2)]
	return base + int64(g.s.ttlSeq)*10
}

func (g *gen) relSecs() string {
	if g.chance(5) {
		return g.pick("0", "-5", "abc", "9223372036854775807", "1.5", "", "4611686018427387")
	}
	return strconv.FormatInt(g.gridSecs(), 10)
}

func (g *gen) relMs() string {
	if g.chance(5) {
		return g.pick("0", "-5", "abc", "9223372036854775807", "1.5", "")
	}
	return strconv.FormatInt(g.gridSecs()*1000, 10)
}

func (g *gen) absSecs() string {
	if g.chance(8) {
		return g.pick("1", "0", "-1", "abc", "9223372036854775807")
	}
	return strconv.FormatInt(g.s.anchor+g.gridSecs(), 10)
}

// setAbsSecs is absSecs for SET EXAT and GETEX: never a time in the past,
// because SET keeps an already expired key until expiry removes it (lazily or
// in the background), which makes DBSIZE/KEYS timing dependent.
func (g *gen) setAbsSecs() string {
	if g.chance(4) {
		return g.pick("0", "-1", "abc", "9223372036854775807")
	}
	return strconv.FormatInt(g.s.anchor+g.gridSecs(), 10)
}

func (g *gen) setAbsMs() string {
	if g.chance(4) {
		return g.pick("0", "-1", "abc", "9223372036854775807")
	}
	return strconv.FormatInt((g.s.anchor+g.gridSecs())*1000, 10)
}

func (g *gen) absMs() string {
	if g.chance(8) {
		return g.pick("1", "0", "-1", "abc", "9223372036854775807")
	}
	return strconv.FormatInt((g.s.anchor+g.gridSecs())*1000, 10)
}

// blockTimeout never returns 0 (block forever).
func (g *gen) blockTimeout() string {
	if g.chance(4) {
		return g.pick("-1", "abc", "0.01x")
	}
	return "0.01"
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func (g *gen) pairs(n int, k, v func() string) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, k(), v())
	}
	return out
}

func (g *gen) repeat(lo, hi int, f func() string) []string {
	n := g.intn(lo, hi)
	out := make([]string, n)
	for i := range out {
		out[i] = f()
	}
	return out
}

// choose runs one of the generators. The first one (the family's "add data"
// command) gets a quarter of the draws so that collections fill up; failures
// shrink towards it.
func (g *gen) choose(fs ...func() op) op {
	if g.chance(25) {
		return fs[0]()
	}
	return fs[g.intn(0, len(fs)-1)]()
}

func (g *gen) chooseUniform(fs ...func() op) op { return fs[g.intn(0, len(fs)-1)]() }

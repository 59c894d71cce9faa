package difftest

import (
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/google/go-cmp/cmp"
)

// cmpFn compares the reference reply a (redis) with b (opdis) and returns
// "" when they agree, else a description of the difference.
type cmpFn func(a, b Value) string

func exact(a, b Value) string {
	if d := cmp.Diff(a, b); d != "" {
		return "replies differ (-redis +opdis):\n" + d
	}
	return ""
}

// sortedElems compares arrays as multisets of elements.
func sortedElems(a, b Value) string {
	if !a.isArray() || !b.isArray() {
		return exact(a, b)
	}
	return exact(sortArray(a), sortArray(b))
}

func sortArray(v Value) Value {
	e := slices.Clone(v.Elems)
	sort.SliceStable(e, func(i, j int) bool { return e[i].String() < e[j].String() })
	v.Elems = e
	return v
}

// sortedPairs compares flat field/value arrays (HGETALL) as sets of pairs.
func sortedPairs(a, b Value) string {
	if !a.isArray() || !b.isArray() || len(a.Elems)%2 != 0 || len(b.Elems)%2 != 0 {
		return exact(a, b)
	}
	return exact(sortPairs(a), sortPairs(b))
}

type pair struct{ K, V Value }

func pairsOf(v Value) []pair {
	var ps []pair
	for i := 0; i+1 < len(v.Elems); i += 2 {
		ps = append(ps, pair{v.Elems[i], v.Elems[i+1]})
	}
	return ps
}

func sortPairs(v Value) Value {
	ps := pairsOf(v)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].K.String() < ps[j].K.String() })
	out := Value{Kind: '*', Elems: []Value{}}
	for _, p := range ps {
		out.Elems = append(out.Elems, p.K, p.V)
	}
	return out
}

// tolerance compares integer replies of TTL-like commands: negative values
// (no key / no expiry) exactly, others within tol.
func tolerance(tol int64) cmpFn {
	return func(a, b Value) string {
		x, okA := a.int()
		y, okB := b.int()
		if !okA || !okB || x < 0 || y < 0 {
			return exact(a, b)
		}
		if d := x - y; d > tol || d < -tol {
			return fmt.Sprintf("values differ by more than %d: %d vs %d", tol, x, y)
		}
		return ""
	}
}

// shape compares only the reply type and, for arrays, the length.
func shape(a, b Value) string {
	if a.isErr() || b.isErr() {
		return exact(a, b)
	}
	if a.Kind != b.Kind || a.Null != b.Null || len(a.Elems) != len(b.Elems) {
		return fmt.Sprintf("reply shapes differ: %s vs %s", a, b)
	}
	for i := range a.Elems {
		if a.Elems[i].Kind != b.Elems[i].Kind {
			return fmt.Sprintf("element %d types differ: %s vs %s", i, a, b)
		}
	}
	return ""
}

// sameKind compares errors exactly and otherwise only the reply type.
func sameKind(a, b Value) string {
	if a.isErr() || b.isErr() {
		return exact(a, b)
	}
	if a.Kind != b.Kind {
		return fmt.Sprintf("reply types differ: %s vs %s", a, b)
	}
	return ""
}

// execCmp compares EXEC replies element by element with the comparators of
// the queued commands.
func execCmp(queued []cmpFn) cmpFn {
	return func(a, b Value) string {
		if !a.isArray() || !b.isArray() || len(a.Elems) != len(queued) || len(b.Elems) != len(queued) {
			return exact(a, b)
		}
		for i, f := range queued {
			if msg := f(a.Elems[i], b.Elems[i]); msg != "" {
				return fmt.Sprintf("EXEC element %d: %s", i, msg)
			}
		}
		return ""
	}
}

// randSpec describes the legal replies of a random command (SRANDMEMBER,
// SPOP, HRANDFIELD, ZRANDMEMBER, RANDOMKEY): elements must come from src
// (member -> value; value checked only when pairs), distinct when asked.
type randSpec struct {
	src      map[string]string // nil: source unknown, check shape only
	pairs    bool              // reply is field, value, field, value...
	distinct bool
	count    int // >= 0: exact array length expected is min(count,len(src)) (distinct) or count
	hasCount bool
}

func (r randSpec) check(v Value) string {
	if v.isErr() || v.Null {
		return ""
	}
	var elems []Value
	switch v.Kind {
	case '$':
		elems = []Value{v}
	case '*':
		elems = v.Elems
	default:
		return fmt.Sprintf("unexpected reply type %s", v)
	}
	step := 1
	if r.pairs {
		step = 2
		if len(elems)%2 != 0 {
			return fmt.Sprintf("odd number of elements in %s", v)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < len(elems); i += step {
		k := elems[i]
		if k.Kind != '$' || k.Null {
			return fmt.Sprintf("element %d is not a bulk string: %s", i, v)
		}
		if r.src != nil {
			want, ok := r.src[k.Str]
			if !ok {
				return fmt.Sprintf("element %s is not in the source %v", k, r.src)
			}
			if r.pairs && elems[i+1].Str != want {
				return fmt.Sprintf("element %s has value %s, source has %q", k, elems[i+1], want)
			}
		}
		if r.distinct && seen[k.Str] {
			return fmt.Sprintf("element %s repeated in %s", k, v)
		}
		seen[k.Str] = true
	}
	if r.hasCount && r.src != nil && v.Kind == '*' {
		want := r.count
		if r.distinct && want > len(r.src) {
			want = len(r.src)
		}
		if len(r.src) == 0 {
			want = 0
		}
		if got := len(elems) / step; got != want {
			return fmt.Sprintf("%d elements, want %d", got, want)
		}
	}
	return ""
}

func (r randSpec) cmp(a, b Value) string {
	if a.isErr() || b.isErr() {
		return exact(a, b)
	}
	if msg := shape(Value{Kind: a.Kind, Null: a.Null}, Value{Kind: b.Kind, Null: b.Null}); msg != "" {
		return msg
	}
	if len(a.Elems) != len(b.Elems) {
		return fmt.Sprintf("reply lengths differ: %d vs %d", len(a.Elems), len(b.Elems))
	}
	if msg := r.check(a); msg != "" {
		return "redis reply: " + msg
	}
	if msg := r.check(b); msg != "" {
		return "opdis reply: " + msg
	}
	return ""
}

// setOf turns an array reply into a set of its bulk strings.
func setOf(v Value) map[string]string {
	if !v.isArray() {
		return nil
	}
	m := map[string]string{}
	for _, e := range v.Elems {
		m[e.Str] = ""
	}
	return m
}

// mapOf turns a flat pair array (HGETALL, ZRANGE WITHSCORES) into a map.
func mapOf(v Value) map[string]string {
	if !v.isArray() {
		return nil
	}
	m := map[string]string{}
	for _, p := range pairsOf(v) {
		m[p.K.Str] = p.V.Str
	}
	return m
}

func atoiOr(s string, def int) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return def
	}
	return n
}

package node

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// zmodel is a sorted slice of (score, member): the reference a ZSet must
// agree with.
type zmodel []zmodelElem

type zmodelElem struct {
	member string
	score  float64
}

func (m zmodel) sorted() zmodel {
	out := slices.Clone(m)
	slices.SortFunc(out, func(a, b zmodelElem) int {
		switch {
		case zslLess(a.score, a.member, b.score, b.member):
			return -1
		case zslLess(b.score, b.member, a.score, a.member):
			return 1
		}
		return 0
	})
	return out
}

func (m zmodel) find(member string) int {
	for i, e := range m {
		if e.member == member {
			return i
		}
	}
	return -1
}

// zslCheck verifies the skiplist's internal invariants: spans add up to
// level-0 ranks, backward links, tail, length and the dict.
func zslCheck(t *testing.T, z *ZSet) {
	t.Helper()
	rank := map[*zslNode]int{z.header: 0}
	i := 0
	var prev *zslNode
	for x := z.first(); x != nil; x = x.next() {
		i++
		rank[x] = i
		if x.backward != prev {
			t.Fatalf("backward link of %q wrong", x.member)
		}
		if prev != nil && !zslLess(prev.score, prev.member, x.score, x.member) {
			t.Fatalf("order broken at %q", x.member)
		}
		if s, ok := z.dict.Get(x.member); !ok || s != x.score || math.Signbit(s) != math.Signbit(x.score) {
			t.Fatalf("dict disagrees on %q", x.member)
		}
		prev = x
	}
	inv := 0
	for x := z.first(); x != nil && x.next() != nil; x = x.next() {
		inv += zlexInvPair(x, x.next())
	}
	if z.lexExact && inv != z.lexInv || !z.lexExact && inv < z.lexInv {
		t.Fatalf("lexInv = %d (exact %v), counted %d", z.lexInv, z.lexExact, inv)
	}
	if z.tail != prev || z.length != i || z.dict.Len() != i {
		t.Fatalf("tail/length/dict size wrong: length %d walked %d dict %d", z.length, i, z.dict.Len())
	}
	for lvl := 0; lvl < z.level; lvl++ {
		for x := z.header; x.lv(lvl).forward != nil; x = x.lv(lvl).forward {
			if got, want := x.lv(lvl).span, rank[x.lv(lvl).forward]-rank[x]; got != want {
				t.Fatalf("level %d span after %q = %d, want %d", lvl, x.member, got, want)
			}
			if got, want := x.lv(lvl).score, x.lv(lvl).forward.score; got != want {
				t.Fatalf("level %d score after %q = %v, its forward has %v", lvl, x.member, got, want)
			}
		}
	}
	for lvl := z.level; lvl < zslMaxLevel; lvl++ {
		if z.header.lv(lvl).forward != nil {
			t.Fatalf("header level %d above z.level %d is linked", lvl, z.level)
		}
	}
}

func TestZSetSkiplistAgainstModel(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		z := NewZSet(&testRand{s: seed})
		var m zmodel
		members := make([]string, 60)
		for i := range members {
			members[i] = fmt.Sprintf("m%02d", rng.IntN(80))
		}
		scores := []float64{-2, -1, 0, 1, 1, 1, 2, 3.5, math.Inf(1), math.Inf(-1)}
		randRange := func() zScoreRange {
			r := zScoreRange{min: scores[rng.IntN(len(scores))], max: scores[rng.IntN(len(scores))]}
			r.minex, r.maxex = rng.IntN(3) == 0, rng.IntN(3) == 0
			return r
		}
		for step := 0; step < 600; step++ {
			mem := members[rng.IntN(len(members))]
			switch op := rng.IntN(10); {
			case op < 5:
				s := scores[rng.IntN(len(scores))]
				added := z.Add(mem, s)
				if i := m.find(mem); i >= 0 {
					if added {
						t.Fatalf("Add(%q) reported new for an existing member", mem)
					}
					m[i].score = s
				} else {
					if !added {
						t.Fatalf("Add(%q) reported existing for a new member", mem)
					}
					m = append(m, zmodelElem{mem, s})
				}
			case op < 7:
				removed := z.Remove(mem)
				i := m.find(mem)
				if removed != (i >= 0) {
					t.Fatalf("Remove(%q) = %v", mem, removed)
				}
				if i >= 0 {
					m = append(m[:i], m[i+1:]...)
				}
			case op == 7:
				r := randRange()
				sm := m.sorted()
				var keep zmodel
				want := 0
				for _, e := range sm {
					if r.gteMin(e.score) && r.lteMax(e.score) {
						want++
					} else {
						keep = append(keep, e)
					}
				}
				if got := z.deleteRangeByScore(&r); got != want {
					t.Fatalf("deleteRangeByScore %+v = %d, want %d", r, got, want)
				}
				m = keep
			case op == 8 && len(m) > 0:
				start := rng.IntN(len(m)) + 1
				end := start + rng.IntN(3)
				sm := m.sorted()
				want := min(end, len(sm)) - start + 1
				if got := z.deleteRangeByRank(start, end); got != want {
					t.Fatalf("deleteRangeByRank(%d,%d) = %d, want %d", start, end, got, want)
				}
				m = append(sm[:start-1:start-1], sm[min(end, len(sm)):]...)
			}
			zslCheck(t, z)
			sm := m.sorted()
			// order, ranks, rank lookups
			i := 0
			z.Range(func(member string, score float64) bool {
				if sm[i].member != member || sm[i].score != score {
					t.Fatalf("step %d: element %d = (%q,%v), want (%q,%v)", step, i, member, score, sm[i].member, sm[i].score)
				}
				if r, ok := z.Rank(member); !ok || r != i {
					t.Fatalf("Rank(%q) = %d,%v want %d", member, r, ok, i)
				}
				if x := z.byRank(i); x == nil || x.member != member {
					t.Fatalf("byRank(%d) wrong", i)
				}
				i++
				return true
			})
			if i != len(sm) || z.Len() != len(sm) {
				t.Fatalf("walked %d, Len %d, model %d", i, z.Len(), len(sm))
			}
			if z.byRank(len(sm)) != nil || z.byRank(-1) != nil {
				t.Fatal("byRank out of range returned a node")
			}
			// score ranges
			r := randRange()
			wantFirst, wantLast := -1, -1
			for k, e := range sm {
				if r.gteMin(e.score) && r.lteMax(e.score) {
					if wantFirst < 0 {
						wantFirst = k
					}
					wantLast = k
				}
			}
			first, last := z.firstInRange(&r), z.lastInRange(&r)
			if (first == nil) != (wantFirst < 0) || (first != nil && first.member != sm[wantFirst].member) {
				t.Fatalf("firstInRange(%+v) wrong", r)
			}
			if (last == nil) != (wantLast < 0) || (last != nil && last.member != sm[wantLast].member) {
				t.Fatalf("lastInRange(%+v) wrong", r)
			}
		}
	}
}

// Lex ranges are defined when every member has the same score.
func TestZSetLexAgainstModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	z := NewZSet(&testRand{s: 9})
	var m []string
	alphabet := []string{"", "a", "aa", "ab", "b", "ba", "c", "d", "dd", "e"}
	bound := func() (zLexBound, bool) {
		switch rng.IntN(6) {
		case 0:
			return zLexBound{kind: -1}, true
		case 1:
			return zLexBound{kind: 1}, true
		}
		return zLexBound{s: alphabet[rng.IntN(len(alphabet))]}, rng.IntN(2) == 0
	}
	for step := 0; step < 2000; step++ {
		mem := alphabet[rng.IntN(len(alphabet))]
		if rng.IntN(3) > 0 {
			if z.Add(mem, 0) {
				m = append(m, mem)
			}
		} else if z.Remove(mem) {
			m = slices.DeleteFunc(m, func(s string) bool { return s == mem })
		}
		slices.Sort(m)
		var r zLexRange
		r.min, r.minex = bound()
		r.max, r.maxex = bound()
		var in []string
		for _, s := range m {
			if r.gteMin(s) && r.lteMax(s) {
				in = append(in, s)
			}
		}
		empty := zLexCmpBounds(r.min, r.max) > 0
		for _, listpack := range []bool{false, true} {
			first, last := z.lexFirst(&r, listpack), z.lexLast(&r, listpack)
			if len(in) == 0 || empty {
				if first != nil || last != nil {
					t.Fatalf("step %d: range %+v over %q: found %v %v, want none", step, r, m, first, last)
				}
				continue
			}
			if first == nil || last == nil || first.member != in[0] || last.member != in[len(in)-1] {
				t.Fatalf("step %d: range %+v over %q: first/last wrong", step, r, m)
			}
		}
		if rng.IntN(10) == 0 {
			var got int
			got = z.lexDelete(&r, rng.IntN(2) == 0)
			want := len(in)
			if empty {
				want = 0
			}
			if got != want {
				t.Fatalf("deleteRangeByLex %+v over %q = %d, want %d", r, m, got, want)
			}
			m = slices.DeleteFunc(m, func(s string) bool { return want > 0 && slices.Contains(in, s) })
			zslCheck(t, z)
		}
	}
}

func TestZSetCloneAndUpdate(t *testing.T) {
	z := NewZSet(&testRand{s: 5})
	for i := 0; i < 300; i++ {
		z.Add(fmt.Sprintf("k%03d", i), float64(i%17))
	}
	// score updates, in place and moving
	for i := 0; i < 300; i += 3 {
		z.Add(fmt.Sprintf("k%03d", i), float64(i%17)+0.5)
		z.Add(fmt.Sprintf("k%03d", i+1), float64(300-i))
	}
	zslCheck(t, z)
	c := z.Clone()
	zslCheck(t, c)
	var a, b []string
	z.Range(func(m string, s float64) bool { a = append(a, fmt.Sprint(m, s)); return true })
	c.Range(func(m string, s float64) bool { b = append(b, fmt.Sprint(m, s)); return true })
	if !slices.Equal(a, b) {
		t.Fatal("clone differs")
	}
	c.Remove("k000")
	if _, ok := z.Score("k000"); !ok {
		t.Fatal("clone shares state")
	}
}

// TestZSetLexMixedScores checks the lex searches on members whose lex
// order may disagree with their score order against a model of the
// content-determined answers, through phases that move lexInv between
// exact and lower-bound tracking and back (many random scores, then all
// scores equal again).
func TestZSetLexMixedScores(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	z := NewZSet(&testRand{s: 3})
	var m zmodel
	members := make([]string, 300)
	for i := range members {
		members[i] = fmt.Sprintf("%c%03d", 'a'+rng.IntN(26), rng.IntN(1000))
	}
	bound := func() (zLexBound, bool) {
		switch rng.IntN(8) {
		case 0:
			return zLexBound{kind: -1}, true
		case 1:
			return zLexBound{kind: 1}, true
		}
		return zLexBound{s: members[rng.IntN(len(members))]}, rng.IntN(2) == 0
	}
	exactSeen, boundSeen := 0, 0
	for step := 0; step < 6000; step++ {
		mixed := (step/1000)%2 == 1 // phases: equal scores, then random ones
		mem := members[rng.IntN(len(members))]
		score := 0.0
		if mixed {
			score = float64(rng.IntN(50))
		}
		if rng.IntN(4) > 0 {
			z.Add(mem, score)
			if i := m.find(mem); i >= 0 {
				m[i].score = score
			} else {
				m = append(m, zmodelElem{mem, score})
			}
		} else if z.Remove(mem) {
			m = slices.DeleteFunc(m, func(e zmodelElem) bool { return e.member == mem })
		}
		if z.lexExact {
			exactSeen++
		} else {
			boundSeen++
		}
		zslCheck(t, z) // an exact lexInv, or a lower bound that holds
		if rng.IntN(3) > 0 {
			continue
		}
		sorted := m.sorted()
		var r zLexRange
		r.min, r.minex = bound()
		r.max, r.maxex = bound()
		for _, listpack := range []bool{false, true} {
			wantFirst, wantLast := lexModel(sorted, &r, listpack)
			first, last := z.lexFirst(&r, listpack), z.lexLast(&r, listpack)
			if name(first) != wantFirst || name(last) != wantLast {
				t.Fatalf("step %d: range %+v (listpack %v): first/last %q %q, want %q %q",
					step, r, listpack, name(first), name(last), wantFirst, wantLast)
			}
		}
	}
	if exactSeen == 0 || boundSeen == 0 {
		t.Fatalf("phases not exercised: %d steps exact, %d with a bound", exactSeen, boundSeen)
	}
}

func name(x *zslNode) string {
	if x == nil {
		return "<nil>"
	}
	return x.member
}

// lexModel gives the first and last members lexFirst/lexLast must find in
// sorted: the walks of firstInLexRangeLinear and (listpack) the tail walk
// or (skiplist) the level-0 walk, which agree with the true range when
// the members are in lex order.
func lexModel(sorted zmodel, r *zLexRange, listpack bool) (first, last string) {
	first, last = "<nil>", "<nil>"
	if len(sorted) == 0 || zLexCmpBounds(r.min, r.max) > 0 ||
		(zLexCmpBounds(r.min, r.max) == 0 && (r.minex || r.maxex)) ||
		!r.gteMin(sorted[len(sorted)-1].member) || !r.lteMax(sorted[0].member) {
		return first, last
	}
	for _, e := range sorted {
		if r.gteMin(e.member) {
			if r.lteMax(e.member) {
				first = e.member
			}
			break
		}
	}
	if listpack {
		for i := len(sorted) - 1; i >= 0; i-- {
			if r.lteMax(sorted[i].member) {
				if r.gteMin(sorted[i].member) {
					last = sorted[i].member
				}
				break
			}
		}
		return first, last
	}
	x := -1
	for i := 0; i < len(sorted) && r.lteMax(sorted[i].member); i++ {
		x = i
	}
	if x >= 0 && r.gteMin(sorted[x].member) {
		last = sorted[x].member
	}
	return first, last
}

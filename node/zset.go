package node

import (
	"strings"
	"unsafe"
)

import "opdis/node/dict"

// Sorted sets, as Redis's t_zset.c: a skiplist ordered by (score, member)
// with spans, so ranks are O(log n), plus a member → score table. Redis
// keeps small sets in a listpack; opdis always uses the skiplist and only
// tracks the encoding Redis would use in Object.big (see cmd_zset.go),
// because the two encodings behave the same everywhere a reply can see.

const (
	zslMaxLevel = 32   // ZSKIPLIST_MAXLEVEL
	zslP        = 0.25 // ZSKIPLIST_P
)

type zslLevel struct {
	forward *zslNode
	span    int     // number of nodes crossed by forward (0 when forward is nil at the tail)
	score   float64 // forward's score (when forward is not nil)
}

// zslNode is one member of a sorted set. Its levels are stored inline, as
// Redis's flexible array member: level 0 in the struct and the higher ones
// right after it in the same allocation (see newZslNode), reached through
// lv. A search step then reads a node's score and the forward pointer it
// follows from one cache line, where a level slice cost a 24-byte header
// and a 56-byte offset.
//
// Each level also keeps its forward node's score, so a search step that
// does not advance (the next node sorts after the target) decides from
// the current node alone, without loading the next one: on a set larger
// than the CPU caches, each such load is a cache miss, and a search makes
// about one per level (ZADD at -P 16 on 100K members: see bench_test.go).
// The member is only read on equal scores. A -0 score cached for a node
// that now holds +0 (setScoreInPlace) is harmless: they compare equal.
type zslNode struct {
	score    float64
	backward *zslNode
	member   string
	level0   zslLevel
}

const zslLevelSize = unsafe.Sizeof(zslLevel{})

// lv returns level i of x; i must be below the height x was made with.
func (x *zslNode) lv(i int) *zslLevel {
	return (*zslLevel)(unsafe.Add(unsafe.Pointer(&x.level0), uintptr(i)*zslLevelSize))
}

// newZslNode allocates a node of the given height with its levels inline.
// Heights are rounded up to a few sizes (p = 1/4 makes 75% of nodes 1
// high, and a 1-level node of 56 bytes sits in one 64-byte cache line).
func newZslNode(member string, score float64, height int) *zslNode {
	var x *zslNode
	switch {
	case height == 1:
		x = new(zslNode)
	case height == 2:
		x = &new(struct {
			zslNode
			more [1]zslLevel
		}).zslNode
	case height <= 4:
		x = &new(struct {
			zslNode
			more [3]zslLevel
		}).zslNode
	case height <= 8:
		x = &new(struct {
			zslNode
			more [7]zslLevel
		}).zslNode
	default:
		x = &new(struct {
			zslNode
			more [zslMaxLevel - 1]zslLevel
		}).zslNode
	}
	x.member, x.score = member, score
	return x
}

// next returns the following node in (score, member) order, or nil.
func (x *zslNode) next() *zslNode { return x.lv(0).forward }

// prev returns the preceding node, or nil.
func (x *zslNode) prev() *zslNode { return x.backward }

// ZSet is a sorted set value.
type ZSet struct {
	dict   *dict.Dict[float64]
	header *zslNode
	tail   *zslNode
	length int
	level  int
	rnd    Rand

	// lexInv counts adjacent members (in score order) that are out of
	// lex order. While it is 0 the lex range searches may descend the
	// skiplist; otherwise their result would depend on the random levels,
	// so they walk level 0 instead and stay a function of the contents.
	//
	// Counting costs two member comparisons per insert or delete, and the
	// neighbours' members are rarely in cache. So the count is exact only
	// while it is small (lexExact); once it passes lexLimit, as it soon
	// does with unrelated scores, lexInv is only kept as a lower bound
	// (an insert lowers the count by at most 1, a delete by at most 2),
	// and a lex search recounts when the bound reaches 0 (see
	// lexOrdered). A recount happens at most once per len/16 writes, and
	// only if lex searches come: O(1) amortized.
	lexInv   int
	lexExact bool
}

// NewZSet returns an empty sorted set whose skiplist levels and hash seed
// are drawn from r (the node's seeded source).
func NewZSet(r Rand) *ZSet {
	return &ZSet{
		dict:     dict.New[float64](r.Uint64()),
		header:   newZslNode("", 0, zslMaxLevel),
		level:    1,
		rnd:      r,
		lexExact: true,
	}
}

// Len returns the number of members.
func (z *ZSet) Len() int { return z.length }

// Clone returns a deep copy (COPY). Like Redis's zsetDup it inserts from
// the greatest member down, so every insertion stops at the head.
func (z *ZSet) Clone() *ZSet {
	c := NewZSet(z.rnd)
	for x := z.tail; x != nil; x = x.backward {
		c.zslInsert(x.score, x.member)
		c.dict.SetOwned(x.member, x.score) // strings are immutable: share
	}
	return c
}

// Score returns member's score.
func (z *ZSet) Score(member string) (float64, bool) { return z.dict.Get(member) }

// Add sets member's score, inserting it if absent, and reports whether it
// was added.
func (z *ZSet) Add(member string, score float64) bool {
	if p := z.scorePtr(member); p != nil {
		z.updateScore(p, member, score)
		return false
	}
	z.insert(member, score)
	return true
}

// scorePtr returns member's entry in the member table, or nil. It stays
// valid until a member is inserted or removed, so a caller that looked a
// member up can update it without a second lookup (updateScore).
func (z *ZSet) scorePtr(member string) *float64 { return z.dict.Ptr(member) }

// updateScore sets the score of member, whose entry scorePtr returned.
func (z *ZSet) updateScore(p *float64, member string, score float64) {
	if *p != score {
		z.zslUpdateScore(*p, member, score)
		*p = score
	}
}

// insert adds member, which the caller knows is absent. The member may
// view a request's buffer: the set keeps one copy, for its node and table.
func (z *ZSet) insert(member string, score float64) {
	member = strings.Clone(member)
	z.zslInsert(score, member)
	z.dict.SetOwned(member, score)
}

// Remove deletes member and reports whether it was there.
func (z *ZSet) Remove(member string) bool {
	score, ok := z.dict.Get(member)
	if !ok {
		return false
	}
	z.dict.Delete(member)
	z.zslDelete(score, member)
	return true
}

// Rank returns member's 0-based rank in ascending order.
func (z *ZSet) Rank(member string) (int, bool) {
	score, ok := z.dict.Get(member)
	if !ok {
		return 0, false
	}
	return z.zslGetRank(score, member) - 1, true
}

// Range calls fn for each member in ascending (score, member) order until
// fn returns false. fn must not modify the set.
func (z *ZSet) Range(fn func(member string, score float64) bool) {
	for x := z.first(); x != nil; x = x.next() {
		if !fn(x.member, x.score) {
			return
		}
	}
}

// first returns the lowest node, or nil.
func (z *ZSet) first() *zslNode { return z.header.lv(0).forward }

// last returns the highest node, or nil.
func (z *ZSet) last() *zslNode { return z.tail }

// byRank returns the node at 0-based rank i, or nil.
func (z *ZSet) byRank(i int) *zslNode {
	if i < 0 || i >= z.length {
		return nil
	}
	return z.zslGetElementByRank(i + 1)
}

// zslLess reports whether (s1, m1) sorts before (s2, m2).
func zslLess(s1 float64, m1 string, s2 float64, m2 string) bool {
	return s1 < s2 || (s1 == s2 && m1 < m2)
}

// randomLevel is zslRandomLevel: a power law with p = 1/4.
func (z *ZSet) randomLevel() int {
	level := 1
	for float64(z.rnd.Uint64()&0xFFFF) < zslP*0xFFFF {
		level++
	}
	if level > zslMaxLevel {
		level = zslMaxLevel
	}
	return level
}

// zslInsert adds a node the caller knows is absent.
func (z *ZSet) zslInsert(score float64, member string) *zslNode {
	height := z.randomLevel()
	x := newZslNode(member, score, height)
	z.zslLink(x, height)
	return x
}

// zslLink links the unlinked node x, whose levels 0..height-1 are free to
// overwrite, at the place of its (score, member).
func (z *ZSet) zslLink(x *zslNode, height int) {
	var update [zslMaxLevel]*zslNode
	var rank [zslMaxLevel]int
	score, member := x.score, x.member
	p := z.header
	for i := z.level - 1; i >= 0; i-- {
		if i != z.level-1 {
			rank[i] = rank[i+1]
		}
		for l := p.lv(i); l.forward != nil && zslLess(l.score, l.forward.member, score, member); l = p.lv(i) {
			rank[i] += l.span
			p = l.forward
		}
		update[i] = p
	}
	if height > z.level {
		for i := z.level; i < height; i++ {
			rank[i] = 0
			update[i] = z.header
			update[i].lv(i).span = z.length
		}
		z.level = height
	}
	for i := 0; i < height; i++ {
		xl, ul := x.lv(i), update[i].lv(i)
		xl.forward, xl.score = ul.forward, ul.score
		ul.forward, ul.score = x, score
		xl.span = ul.span - (rank[0] - rank[i])
		ul.span = rank[0] - rank[i] + 1
	}
	for i := height; i < z.level; i++ {
		update[i].lv(i).span++
	}
	x.backward = nil
	if update[0] != z.header {
		x.backward = update[0]
	}
	if x.lv(0).forward != nil {
		x.lv(0).forward.backward = x
	} else {
		z.tail = x
	}
	z.length++
	if z.lexExact {
		z.lexInv += zlexInvAround(x.backward, x, x.lv(0).forward) - zlexInvPair(x.backward, x.lv(0).forward)
		z.lexExact = z.lexInv <= z.lexLimit()
	} else {
		z.lexInv--
	}
}

// zlexInvPair reports (as 0 or 1) whether adjacent a, b are out of lex
// order. Equal scores never are: the skiplist orders them by member.
func zlexInvPair(a, b *zslNode) int {
	if a != nil && b != nil && a.score != b.score && a.member > b.member {
		return 1
	}
	return 0
}

// lexLimit is the largest lexInv that is kept exact.
func (z *ZSet) lexLimit() int { return max(16, z.length/8) }

// lexOrdered reports whether every member is in lex order (lexInv 0),
// recounting when only a used-up lower bound is known.
func (z *ZSet) lexOrdered() bool {
	if !z.lexExact && z.lexInv <= 0 {
		z.lexInv = 0
		for x := z.first(); x != nil; x = x.next() {
			z.lexInv += zlexInvPair(x, x.next())
		}
		z.lexExact = z.lexInv <= z.lexLimit()
	}
	return z.lexExact && z.lexInv == 0
}

func zlexInvAround(prev, x, next *zslNode) int {
	return zlexInvPair(prev, x) + zlexInvPair(x, next)
}

// zslDeleteNode unlinks x given the update vector of its predecessors,
// and returns x's height (the levels it was linked at).
func (z *ZSet) zslDeleteNode(x *zslNode, update *[zslMaxLevel]*zslNode) (height int) {
	for i := 0; i < z.level; i++ {
		if ul := update[i].lv(i); ul.forward == x {
			xl := x.lv(i)
			ul.span += xl.span - 1
			ul.forward, ul.score = xl.forward, xl.score
			height++
		} else {
			update[i].lv(i).span--
		}
	}
	if z.lexExact {
		z.lexInv -= zlexInvAround(x.backward, x, x.lv(0).forward) - zlexInvPair(x.backward, x.lv(0).forward)
	} else {
		z.lexInv -= 2
	}
	if x.lv(0).forward != nil {
		x.lv(0).forward.backward = x.backward
	} else {
		z.tail = x.backward
	}
	for z.level > 1 && z.header.lv(z.level-1).forward == nil {
		z.level--
	}
	z.length--
	return height
}

// zslFindUpdate fills update with the last node before (score, member) at
// every level and returns the node at level 0 after it.
func (z *ZSet) zslFindUpdate(score float64, member string, update *[zslMaxLevel]*zslNode) *zslNode {
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for l := x.lv(i); l.forward != nil && zslLess(l.score, l.forward.member, score, member); l = x.lv(i) {
			x = l.forward
		}
		update[i] = x
	}
	return x.lv(0).forward
}

// zslDelete removes the node (score, member) from the skiplist only.
func (z *ZSet) zslDelete(score float64, member string) bool {
	var update [zslMaxLevel]*zslNode
	x := z.zslFindUpdate(score, member, &update)
	if x != nil && x.score == score && x.member == member {
		z.zslDeleteNode(x, &update)
		return true
	}
	return false
}

// zslUpdateScore moves member from curscore to newscore, in place when
// its position does not change (zslUpdateScore).
func (z *ZSet) zslUpdateScore(curscore float64, member string, newscore float64) *zslNode {
	var update [zslMaxLevel]*zslNode
	x := z.zslFindUpdate(curscore, member, &update)
	if x == nil || x.score != curscore || x.member != member {
		panic("zset: updating a missing member")
	}
	if (x.backward == nil || x.backward.score < newscore) &&
		(x.lv(0).forward == nil || x.lv(0).score > newscore) {
		x.score = newscore
		for i := 0; i < z.level && update[i].lv(i).forward == x; i++ {
			update[i].lv(i).score = newscore
		}
		return x
	}
	// Unlike Redis, which frees x and inserts a new node of a new random
	// height, x moves with its height: no allocation, and the heights stay
	// independent draws.
	height := z.zslDeleteNode(x, &update)
	x.score = newscore
	z.zslLink(x, height)
	return x
}

// zslGetRank returns the 1-based rank of (score, member), 0 if absent.
func (z *ZSet) zslGetRank(score float64, member string) int {
	rank := 0
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for l := x.lv(i); l.forward != nil && (l.score < score || (l.score == score && l.forward.member <= member)); l = x.lv(i) {
			rank += l.span
			x = l.forward
		}
		if x != z.header && x.member == member {
			return rank
		}
	}
	return 0
}

// zslGetElementByRank returns the node at 1-based rank, or nil.
func (z *ZSet) zslGetElementByRank(rank int) *zslNode {
	traversed := 0
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for x.lv(i).forward != nil && traversed+x.lv(i).span <= rank {
			traversed += x.lv(i).span
			x = x.lv(i).forward
		}
		if traversed == rank {
			if x == z.header {
				return nil
			}
			return x
		}
	}
	return nil
}

// zScoreRange is a zrangespec: [min, max] with optional open ends.
type zScoreRange struct {
	min, max     float64
	minex, maxex bool
}

func (r *zScoreRange) gteMin(v float64) bool {
	if r.minex {
		return v > r.min
	}
	return v >= r.min
}

func (r *zScoreRange) lteMax(v float64) bool {
	if r.maxex {
		return v < r.max
	}
	return v <= r.max
}

// isInRange reports whether some part of the set may be in r (zslIsInRange).
func (z *ZSet) isInRange(r *zScoreRange) bool {
	if r.min > r.max || (r.min == r.max && (r.minex || r.maxex)) {
		return false
	}
	if z.tail == nil || !r.gteMin(z.tail.score) {
		return false
	}
	if f := z.first(); f == nil || !r.lteMax(f.score) {
		return false
	}
	return true
}

// firstInRange returns the lowest node within r, or nil.
func (z *ZSet) firstInRange(r *zScoreRange) *zslNode {
	if !z.isInRange(r) {
		return nil
	}
	x := z.seekFirst(func(x *zslNode) bool { return r.gteMin(x.score) })
	if x == nil || !r.lteMax(x.score) {
		return nil
	}
	return x
}

// lastInRange returns the highest node within r, or nil.
func (z *ZSet) lastInRange(r *zScoreRange) *zslNode {
	if !z.isInRange(r) {
		return nil
	}
	x := z.seekLast(func(x *zslNode) bool { return r.lteMax(x.score) })
	if x == nil || !r.gteMin(x.score) {
		return nil
	}
	return x
}

// seekFirst returns the first node for which inMin holds, or nil. inMin
// must be false for a prefix of the list and true after it (a range's
// lower bound), so the search descends the levels like zslFirstInRange.
func (z *ZSet) seekFirst(inMin func(*zslNode) bool) *zslNode {
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for f := x.lv(i).forward; f != nil && !inMin(f); f = x.lv(i).forward {
			x = f
		}
	}
	return x.lv(0).forward
}

// seekLast returns the last node for which inMax holds, or nil. inMax must
// be true for a prefix of the list and false after it (a range's upper
// bound), as zslLastInRange walks.
func (z *ZSet) seekLast(inMax func(*zslNode) bool) *zslNode {
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for f := x.lv(i).forward; f != nil && inMax(f); f = x.lv(i).forward {
			x = f
		}
	}
	if x == z.header {
		return nil
	}
	return x
}

// zLexBound is one end of a lex range: "-" (kind -1), "+" (kind 1), or a
// string (kind 0).
type zLexBound struct {
	kind int8
	s    string
}

// zLexRange is a zlexrangespec.
type zLexRange struct {
	min, max     zLexBound
	minex, maxex bool
}

// zLexCmpBounds is sdscmplex between two range ends.
func zLexCmpBounds(a, b zLexBound) int {
	if a.kind == b.kind && a.kind != 0 {
		return 0
	}
	if a.kind == -1 || b.kind == 1 {
		return -1
	}
	if a.kind == 1 || b.kind == -1 {
		return 1
	}
	return strings.Compare(a.s, b.s)
}

// zLexCmp compares a member with a range end.
func zLexCmp(v string, b zLexBound) int {
	switch b.kind {
	case -1:
		return 1
	case 1:
		return -1
	}
	return strings.Compare(v, b.s)
}

func (r *zLexRange) gteMin(v string) bool {
	if r.minex {
		return zLexCmp(v, r.min) > 0
	}
	return zLexCmp(v, r.min) >= 0
}

func (r *zLexRange) lteMax(v string) bool {
	if r.maxex {
		return zLexCmp(v, r.max) < 0
	}
	return zLexCmp(v, r.max) <= 0
}

// isInLexRange is zslIsInLexRange.
func (z *ZSet) isInLexRange(r *zLexRange) bool {
	cmp := zLexCmpBounds(r.min, r.max)
	if cmp > 0 || (cmp == 0 && (r.minex || r.maxex)) {
		return false
	}
	if z.tail == nil || !r.gteMin(z.tail.member) {
		return false
	}
	if f := z.first(); f == nil || !r.lteMax(f.member) {
		return false
	}
	return true
}

// firstInLexRange returns the lowest node within r, or nil.
func (z *ZSet) firstInLexRange(r *zLexRange) *zslNode {
	if !z.isInLexRange(r) {
		return nil
	}
	x := z.seekFirst(func(x *zslNode) bool { return r.gteMin(x.member) })
	if x == nil || !r.lteMax(x.member) {
		return nil
	}
	return x
}

// lastInLexRange returns the highest node within r, or nil.
func (z *ZSet) lastInLexRange(r *zLexRange) *zslNode {
	if !z.isInLexRange(r) {
		return nil
	}
	x := z.seekLast(func(x *zslNode) bool { return r.lteMax(x.member) })
	if x == nil || !r.gteMin(x.member) {
		return nil
	}
	return x
}

// deleteRangeByScore removes every member within r and returns how many.
func (z *ZSet) deleteRangeByScore(r *zScoreRange) int {
	return z.deleteRange(func(x *zslNode) bool { return r.gteMin(x.score) },
		func(x *zslNode) bool { return r.lteMax(x.score) })
}

// deleteRangeByLex removes every member within r and returns how many.
func (z *ZSet) deleteRangeByLex(r *zLexRange) int {
	return z.deleteRange(func(x *zslNode) bool { return r.gteMin(x.member) },
		func(x *zslNode) bool { return r.lteMax(x.member) })
}

// deleteRange removes the run of nodes from the first where inMin holds
// while inMax holds (zslDeleteRangeByScore/ByLex), and returns how many.
func (z *ZSet) deleteRange(inMin, inMax func(*zslNode) bool) int {
	var update [zslMaxLevel]*zslNode
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for f := x.lv(i).forward; f != nil && !inMin(f); f = x.lv(i).forward {
			x = f
		}
		update[i] = x
	}
	removed := 0
	for x = x.lv(0).forward; x != nil && inMax(x); {
		next := x.lv(0).forward
		z.zslDeleteNode(x, &update)
		z.dict.Delete(x.member)
		removed++
		x = next
	}
	return removed
}

// deleteRangeByRank removes the members at 1-based ranks start..end
// (inclusive) and returns how many.
func (z *ZSet) deleteRangeByRank(start, end int) int {
	var update [zslMaxLevel]*zslNode
	traversed := 0
	x := z.header
	for i := z.level - 1; i >= 0; i-- {
		for x.lv(i).forward != nil && traversed+x.lv(i).span < start {
			traversed += x.lv(i).span
			x = x.lv(i).forward
		}
		update[i] = x
	}
	traversed++
	removed := 0
	for x = x.lv(0).forward; x != nil && traversed <= end; {
		next := x.lv(0).forward
		z.zslDeleteNode(x, &update)
		z.dict.Delete(x.member)
		removed++
		traversed++
		x = next
	}
	return removed
}

// setScoreInPlace overwrites a node's score without moving it; the caller
// guarantees the order is unchanged (-0 → +0 for listpack sets).
func (z *ZSet) setScoreInPlace(x *zslNode, score float64) {
	x.score = score
	z.dict.Set(x.member, score)
}

// maxMemberLen returns the length of the longest member.
func (z *ZSet) maxMemberLen() int {
	m := 0
	for x := z.first(); x != nil; x = x.next() {
		m = max(m, len(x.member))
	}
	return m
}

// Lex ranges over members whose lex order disagrees with their score
// order are "undefined" in Redis: a listpack walks the list, a skiplist
// descends its random levels. opdis gives the listpack answer for a
// listpack, and for a skiplist the answer Redis gives when every node has
// level 1 (its most likely shape) — both functions of the contents only, so
// a replica always agrees. When the members are in lex order (lexOrdered)
// every variant gives the same answer and the O(log n) descent is used.

// firstInLexRangeLinear is zzlFirstInLexRange (and zslFirstInLexRange on a
// skiplist of height 1).
func (z *ZSet) firstInLexRangeLinear(r *zLexRange) *zslNode {
	if !z.isInLexRange(r) {
		return nil
	}
	for x := z.first(); x != nil; x = x.next() {
		if r.gteMin(x.member) {
			if r.lteMax(x.member) {
				return x
			}
			return nil
		}
	}
	return nil
}

// lastInLexRangeLinear is zzlLastInLexRange: the walk starts at the tail.
func (z *ZSet) lastInLexRangeLinear(r *zLexRange) *zslNode {
	if !z.isInLexRange(r) {
		return nil
	}
	for x := z.last(); x != nil; x = x.prev() {
		if r.lteMax(x.member) {
			if r.gteMin(x.member) {
				return x
			}
			return nil
		}
	}
	return nil
}

// lastInLexRangeLevel0 is zslLastInLexRange on a skiplist of height 1: the
// walk starts at the head and stops before the first member above max.
func (z *ZSet) lastInLexRangeLevel0(r *zLexRange) *zslNode {
	if !z.isInLexRange(r) {
		return nil
	}
	var x *zslNode
	for f := z.first(); f != nil && r.lteMax(f.member); f = f.next() {
		x = f
	}
	if x == nil || !r.gteMin(x.member) {
		return nil
	}
	return x
}

// lexFirst returns the first node of a lex range as the encoding would.
func (z *ZSet) lexFirst(r *zLexRange, listpack bool) *zslNode {
	if z.lexOrdered() {
		return z.firstInLexRange(r)
	}
	return z.firstInLexRangeLinear(r)
}

// lexLast returns the last node of a lex range as the encoding would.
func (z *ZSet) lexLast(r *zLexRange, listpack bool) *zslNode {
	switch {
	case z.lexOrdered():
		return z.lastInLexRange(r)
	case listpack:
		return z.lastInLexRangeLinear(r)
	}
	return z.lastInLexRangeLevel0(r)
}

// lexDelete removes a lex range as the encoding would and returns how many
// members went.
func (z *ZSet) lexDelete(r *zLexRange, listpack bool) int {
	if z.lexOrdered() {
		return z.deleteRangeByLex(r)
	}
	var x *zslNode
	if listpack { // zzlDeleteRangeByLex
		x = z.firstInLexRangeLinear(r)
	} else { // zslDeleteRangeByLex at height 1: no range pre-check
		for x = z.first(); x != nil && !r.gteMin(x.member); x = x.next() {
		}
	}
	var doomed []string
	for ; x != nil && r.lteMax(x.member); x = x.next() {
		doomed = append(doomed, x.member)
	}
	for _, m := range doomed {
		z.Remove(m)
	}
	return len(doomed)
}

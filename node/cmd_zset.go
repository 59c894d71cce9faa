package node

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sorted set commands, as Redis 7.0.15's t_zset.c.

func zsetCommands() []*Command {
	const (
		w   = FlagWrite
		r   = FlagReadonly
		dom = FlagDenyOOM
		f   = FlagFast
	)
	return []*Command{
		{Name: "zadd", Arity: -4, Flags: w | dom | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zaddCmd},
		{Name: "zincrby", Arity: 4, Flags: w | dom | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zincrbyCmd},
		{Name: "zrem", Arity: -3, Flags: w | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zremCmd},
		{Name: "zcard", Arity: 2, Flags: r | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zcardCmd},
		{Name: "zcount", Arity: 4, Flags: r | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zcountCmd},
		{Name: "zlexcount", Arity: 4, Flags: r | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zlexcountCmd},
		{Name: "zscore", Arity: 3, Flags: r | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zscoreCmd},
		{Name: "zmscore", Arity: -3, Flags: r | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zmscoreCmd},
		{Name: "zrank", Arity: 3, Flags: r | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrankCmd},
		{Name: "zrevrank", Arity: 3, Flags: r | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrevrankCmd},
		{Name: "zrange", Arity: -4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrangeCmd},
		{Name: "zrangestore", Arity: -5, Flags: w | dom, FirstKey: 1, LastKey: 2, Step: 1, Fn: zrangestoreCmd},
		{Name: "zrevrange", Arity: -4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrevrangeCmd},
		{Name: "zrangebyscore", Arity: -4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrangebyscoreCmd},
		{Name: "zrevrangebyscore", Arity: -4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrevrangebyscoreCmd},
		{Name: "zrangebylex", Arity: -4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrangebylexCmd},
		{Name: "zrevrangebylex", Arity: -4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrevrangebylexCmd},
		{Name: "zremrangebyrank", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Fn: zremrangebyrankCmd},
		{Name: "zremrangebyscore", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Fn: zremrangebyscoreCmd},
		{Name: "zremrangebylex", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Fn: zremrangebylexCmd},
		{Name: "zunion", Arity: -3, Flags: r | FlagMovableKeys, Fn: zunionCmd},
		{Name: "zinter", Arity: -3, Flags: r | FlagMovableKeys, Fn: zinterCmd},
		{Name: "zdiff", Arity: -3, Flags: r | FlagMovableKeys, Fn: zdiffCmd},
		{Name: "zunionstore", Arity: -4, Flags: w | dom | FlagMovableKeys, FirstKey: 1, LastKey: 1, Step: 1, Fn: zunionstoreCmd},
		{Name: "zinterstore", Arity: -4, Flags: w | dom | FlagMovableKeys, FirstKey: 1, LastKey: 1, Step: 1, Fn: zinterstoreCmd},
		{Name: "zdiffstore", Arity: -4, Flags: w | dom | FlagMovableKeys, FirstKey: 1, LastKey: 1, Step: 1, Fn: zdiffstoreCmd},
		{Name: "zintercard", Arity: -3, Flags: r | FlagMovableKeys, Fn: zintercardCmd},
		{Name: "zpopmin", Arity: -2, Flags: w | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zpopminCmd},
		{Name: "zpopmax", Arity: -2, Flags: w | f, FirstKey: 1, LastKey: 1, Step: 1, Fn: zpopmaxCmd},
		{Name: "bzpopmin", Arity: -3, Flags: w | FlagNoScript | FlagBlocking | f, FirstKey: 1, LastKey: -2, Step: 1, Fn: bzpopminCmd},
		{Name: "bzpopmax", Arity: -3, Flags: w | FlagNoScript | FlagBlocking | f, FirstKey: 1, LastKey: -2, Step: 1, Fn: bzpopmaxCmd},
		{Name: "zmpop", Arity: -4, Flags: w | FlagMovableKeys, Fn: zmpopCmd},
		{Name: "bzmpop", Arity: -5, Flags: w | FlagBlocking | FlagMovableKeys, Fn: bzmpopCmd},
		{Name: "zrandmember", Arity: -2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: zrandmemberCmd},
		{Name: "zscan", Arity: -3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: zscanCmd},
	}
}

// Error replies of this family (Redis 7.0 wording).
const (
	zerrNaN         = "ERR resulting score is not a number (NaN)"
	zerrMinMaxFloat = "ERR min or max is not a float"
	zerrMinMaxLex   = "ERR min or max not valid string range item"
)

// ---------------------------------------------------------------------------
// Objects and encodings

// zsetNewObject returns an empty sorted set; big selects Redis's skiplist
// encoding, otherwise the set is (as Redis would keep it) a listpack.
func (n *Node) zsetNewObject(big bool) *Object {
	return &Object{Type: TypeZSet, ZSet: NewZSet(n.env.Rand), big: big}
}

// zlpScore is what a score becomes once stored in a listpack: Redis
// writes it with d2string, which turns -0 into "0".
func zlpScore(s float64) float64 {
	if s == 0 {
		return 0
	}
	return s
}

// ZADD input flags and zsetAdd's outcome flags.
const (
	zaddNX = 1 << iota
	zaddXX
	zaddGT
	zaddLT
	zaddIncr
)

const (
	zaddOutAdded = 1 << iota
	zaddOutUpdated
	zaddOutNop
)

// parseScore is parseFloat with a fast path for the common case, a plain
// decimal integer of up to 15 characters (exact as a double, so strtod
// would give the same value; "-0" stays -0).
func parseScore(b []byte) (float64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return parseFloat(b)
	}
	i := 0
	if b[0] == '-' {
		i = 1
	}
	if i == len(b) {
		return parseFloat(b)
	}
	var v int64
	for _, ch := range b[i:] {
		d := ch - '0'
		if d > 9 {
			return parseFloat(b)
		}
		v = v*10 + int64(d)
	}
	f := float64(v)
	if i == 1 {
		f = -f
	}
	return f, true
}

// zsetAdd is Redis's zsetAdd: add or update member in o according to
// flags, converting a listpack to a skiplist when it grows past the
// configured limits. ok is false when the resulting score is NaN.
func (n *Node) zsetAdd(o *Object, score float64, member string, flags int) (out int, newscore float64, ok bool) {
	if math.IsNaN(score) {
		return 0, 0, false
	}
	z := o.ZSet
	if p := z.scorePtr(member); p != nil {
		cur := *p
		if flags&zaddNX != 0 {
			return zaddOutNop, 0, true
		}
		if flags&zaddIncr != 0 {
			score += cur
			if math.IsNaN(score) {
				return 0, 0, false
			}
		}
		if (flags&zaddLT != 0 && score >= cur) || (flags&zaddGT != 0 && score <= cur) {
			return zaddOutNop, 0, true
		}
		newscore = score
		if score != cur {
			if !o.big {
				score = zlpScore(score)
			}
			z.updateScore(p, member, score)
			out = zaddOutUpdated
		}
		return out, newscore, true
	}
	if flags&zaddXX != 0 {
		return zaddOutNop, 0, true
	}
	if !o.big && (int64(z.Len())+1 > n.cfg.ZSetMaxLPEntries || int64(len(member)) > n.cfg.ZSetMaxLPValue) {
		o.big = true
	}
	newscore = score
	if !o.big {
		score = zlpScore(score)
	}
	z.insert(member, score)
	return zaddOutAdded, newscore, true
}

// zsetShrinkIfNeeded is zsetConvertToListpackIfNeeded, used for the
// destinations of ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE.
func (n *Node) zsetShrinkIfNeeded(o *Object, maxelelen int) {
	if !o.big || int64(o.ZSet.Len()) > n.cfg.ZSetMaxLPEntries || int64(maxelelen) > n.cfg.ZSetMaxLPValue {
		return
	}
	o.big = false
	z := o.ZSet
	for x := z.first(); x != nil; x = x.next() {
		if x.score == 0 && math.Signbit(x.score) {
			z.setScoreInPlace(x, 0)
		}
	}
}

// zsetStored finishes a *STORE command: store o under dst (or delete dst
// when o is empty), reply the cardinality and propagate the command.
func (n *Node) zsetStored(c *Client, dst []byte, o *Object, args [][]byte) {
	if o.ZSet.Len() > 0 {
		n.setKey(c.db, dst, o, false)
		n.signalReady(c.db, dst)
		c.addInt(int64(o.ZSet.Len()))
		n.propagate(c.db, args...)
		return
	}
	c.addInt(0)
	if n.deleteKey(c.db, dst) {
		n.propagate(c.db, args...)
	}
}

// ---------------------------------------------------------------------------
// Number parsing with C semantics

// zParseScoreItem parses one end of a score range as zslParseRange: an
// optional "(" then whatever strtod accepts up to the end of the C string.
func zParseScoreItem(b []byte) (v float64, ex bool, ok bool) {
	if len(b) > 0 && b[0] == '(' {
		ex = true
		b = b[1:]
	}
	b = cString(b)
	v, n, _ := strtod(b)
	if n != len(b) || math.IsNaN(v) {
		return 0, false, false
	}
	return v, ex, true
}

func zParseScoreRange(min, max []byte) (zScoreRange, bool) {
	var r zScoreRange
	var ok bool
	if r.min, r.minex, ok = zParseScoreItem(min); !ok {
		return r, false
	}
	if r.max, r.maxex, ok = zParseScoreItem(max); !ok {
		return r, false
	}
	return r, true
}

// zParseLexItem is zslParseLexRangeItem.
func zParseLexItem(b []byte) (bound zLexBound, ex bool, ok bool) {
	if len(b) == 0 {
		return bound, false, false
	}
	switch b[0] {
	case '+', '-':
		if len(b) > 1 && b[1] != 0 {
			return bound, false, false
		}
		if b[0] == '+' {
			return zLexBound{kind: 1}, true, true
		}
		return zLexBound{kind: -1}, true, true
	case '(':
		return zLexBound{s: str(b[1:])}, true, true
	case '[':
		return zLexBound{s: str(b[1:])}, false, true
	}
	return bound, false, false
}

func zParseLexRange(min, max []byte) (zLexRange, bool) {
	var r zLexRange
	var ok bool
	if r.min, r.minex, ok = zParseLexItem(min); !ok {
		return r, false
	}
	if r.max, r.maxex, ok = zParseLexItem(max); !ok {
		return r, false
	}
	return r, true
}

// ---------------------------------------------------------------------------
// Replies

// zReplyElements replies members (with scores) as one flat array.
func zReplyElements(c *Client, members []string, scores []float64, withscores bool) {
	if withscores {
		c.addArray(2 * len(members))
	} else {
		c.addArray(len(members))
	}
	for i, m := range members {
		c.addBulkStr(m)
		if withscores {
			c.addBulkFloat(scores[i])
		}
	}
}

// ---------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM

func zaddCmd(n *Node, c *Client, args [][]byte)    { zaddGeneric(n, c, args, 0) }
func zincrbyCmd(n *Node, c *Client, args [][]byte) { zaddGeneric(n, c, args, zaddIncr) }

func zaddGeneric(n *Node, c *Client, args [][]byte, flags int) {
	key := args[1]
	ch := false
	idx := 2
options:
	for ; idx < len(args); idx++ {
		a := args[idx]
		switch {
		case eq(a, "nx"):
			flags |= zaddNX
		case eq(a, "xx"):
			flags |= zaddXX
		case eq(a, "ch"):
			ch = true
		case eq(a, "incr"):
			flags |= zaddIncr
		case eq(a, "gt"):
			flags |= zaddGT
		case eq(a, "lt"):
			flags |= zaddLT
		default:
			break options
		}
	}
	incr := flags&zaddIncr != 0
	nx, xx := flags&zaddNX != 0, flags&zaddXX != 0
	gt, lt := flags&zaddGT != 0, flags&zaddLT != 0
	elements := len(args) - idx
	if elements%2 != 0 || elements == 0 {
		c.addError(errSyntax)
		return
	}
	elements /= 2
	if nx && xx {
		c.addError("ERR XX and NX options at the same time are not compatible")
		return
	}
	if (gt && nx) || (lt && nx) || (gt && lt) {
		c.addError("ERR GT, LT, and/or NX options at the same time are not compatible")
		return
	}
	if incr && elements > 1 {
		c.addError("ERR INCR option supports a single increment-element pair")
		return
	}
	var small [4]float64 // most ZADDs set one or a few members: no allocation
	scores := small[:0]
	if elements > len(small) {
		scores = make([]float64, 0, elements)
	}
	scores = scores[:elements]
	for j := range scores {
		v, ok := parseScore(args[idx+2*j])
		if !ok {
			c.addError(errNotFloat)
			return
		}
		scores[j] = v
	}
	o, ok := n.lookupWriteType(c, key, TypeZSet)
	if !ok {
		return
	}
	added, updated, processed := 0, 0, 0
	var score float64
	if o == nil {
		if xx {
			if incr {
				c.addNull()
			} else {
				c.addInt(0)
			}
			return
		}
		big := n.cfg.ZSetMaxLPEntries == 0 || n.cfg.ZSetMaxLPValue < int64(len(args[idx+1]))
		o = n.zsetNewObject(big)
		n.addKey(c.db, key, o)
	}
	nanErr := false
	for j := 0; j < elements; j++ {
		out, newscore, ok := n.zsetAdd(o, scores[j], str(args[idx+2*j+1]), flags)
		if !ok {
			nanErr = true
			break
		}
		if out&zaddOutAdded != 0 {
			added++
		}
		if out&zaddOutUpdated != 0 {
			updated++
		}
		if out&zaddOutNop == 0 {
			processed++
		}
		score = newscore
	}
	if nanErr {
		c.addError(zerrNaN)
	} else if incr {
		if processed > 0 {
			c.addBulkFloat(score)
		} else {
			c.addNull()
		}
	} else if ch {
		c.addInt(int64(added + updated))
	} else {
		c.addInt(int64(added))
	}
	if added > 0 || updated > 0 {
		n.touch(c.db, str(key))
		n.signalReady(c.db, key)
		n.propagate(c.db, args...)
	}
}

func zremCmd(n *Node, c *Client, args [][]byte) {
	n.removeMembers(c, args, TypeZSet, func(o *Object, m string) bool { return o.ZSet.Remove(m) })
}

// ---------------------------------------------------------------------------
// Reads: ZCARD, ZSCORE, ZMSCORE, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT

func zcardCmd(n *Node, c *Client, args [][]byte) { n.replyCard(c, args[1], TypeZSet) }

func zscoreCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeZSet)
	if !ok {
		return
	}
	if o == nil {
		c.addNull()
		return
	}
	if s, ok := o.ZSet.Score(str(args[2])); ok {
		c.addBulkFloat(s)
	} else {
		c.addNull()
	}
}

func zmscoreCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeZSet)
	if !ok {
		return
	}
	c.addArray(len(args) - 2)
	for _, m := range args[2:] {
		if o == nil {
			c.addNull()
			continue
		}
		if s, ok := o.ZSet.Score(str(m)); ok {
			c.addBulkFloat(s)
		} else {
			c.addNull()
		}
	}
}

func zrankCmd(n *Node, c *Client, args [][]byte)    { zrankGeneric(n, c, args, false) }
func zrevrankCmd(n *Node, c *Client, args [][]byte) { zrankGeneric(n, c, args, true) }

func zrankGeneric(n *Node, c *Client, args [][]byte, reverse bool) {
	o, ok := n.lookupReadType(c, args[1], TypeZSet)
	if !ok {
		return
	}
	if o == nil {
		c.addNull()
		return
	}
	rank, ok := o.ZSet.Rank(str(args[2]))
	if !ok {
		c.addNull()
		return
	}
	if reverse {
		rank = o.ZSet.Len() - 1 - rank
	}
	c.addInt(int64(rank))
}

func zcountCmd(n *Node, c *Client, args [][]byte) {
	r, ok := zParseScoreRange(args[2], args[3])
	if !ok {
		c.addError(zerrMinMaxFloat)
		return
	}
	o, ok := n.lookupReadType(c, args[1], TypeZSet)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	z := o.ZSet
	count := 0
	if first := z.firstInRange(&r); first != nil {
		count = z.Len() - z.zslGetRank(first.score, first.member) + 1
		if last := z.lastInRange(&r); last != nil {
			count -= z.Len() - z.zslGetRank(last.score, last.member)
		}
	}
	c.addInt(int64(count))
}

func zlexcountCmd(n *Node, c *Client, args [][]byte) {
	r, ok := zParseLexRange(args[2], args[3])
	if !ok {
		c.addError(zerrMinMaxLex)
		return
	}
	o, ok := n.lookupReadType(c, args[1], TypeZSet)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	z := o.ZSet
	count := 0
	if !o.big {
		for x := z.lexFirst(&r, true); x != nil && r.lteMax(x.member); x = x.next() {
			count++
		}
	} else if first := z.lexFirst(&r, false); first != nil {
		// Redis counts by ranks; with members out of lex order the
		// difference may even be negative, and is replied as it is.
		count = z.Len() - z.zslGetRank(first.score, first.member) + 1
		if last := z.lexLast(&r, false); last != nil {
			count -= z.Len() - z.zslGetRank(last.score, last.member)
		}
	}
	c.addInt(int64(count))
}

// ---------------------------------------------------------------------------
// ZRANGE family

type zrangeType int

const (
	zrangeAuto zrangeType = iota
	zrangeRank
	zrangeScore
	zrangeLex
)

type zrangeDir int

const (
	zrangeDirAuto zrangeDir = iota
	zrangeDirForward
	zrangeDirReverse
)

func zrangeCmd(n *Node, c *Client, args [][]byte) {
	zrangeGeneric(n, c, args, 1, false, zrangeAuto, zrangeDirAuto)
}

func zrangestoreCmd(n *Node, c *Client, args [][]byte) {
	zrangeGeneric(n, c, args, 2, true, zrangeAuto, zrangeDirAuto)
}

func zrevrangeCmd(n *Node, c *Client, args [][]byte) {
	zrangeGeneric(n, c, args, 1, false, zrangeRank, zrangeDirReverse)
}

func zrangebyscoreCmd(n *Node, c *Client, args [][]byte) {
	zrangeGeneric(n, c, args, 1, false, zrangeScore, zrangeDirForward)
}

func zrevrangebyscoreCmd(n *Node, c *Client, args [][]byte) {
	zrangeGeneric(n, c, args, 1, false, zrangeScore, zrangeDirReverse)
}

func zrangebylexCmd(n *Node, c *Client, args [][]byte) {
	zrangeGeneric(n, c, args, 1, false, zrangeLex, zrangeDirForward)
}

func zrevrangebylexCmd(n *Node, c *Client, args [][]byte) {
	zrangeGeneric(n, c, args, 1, false, zrangeLex, zrangeDirReverse)
}

// zrangeGeneric is zrangeGenericCommand: ZRANGE, ZRANGESTORE and the older
// Z[REV]RANGE[BYSCORE|BYLEX]. argStart is the index of the source key.
func zrangeGeneric(n *Node, c *Client, args [][]byte, argStart int, store bool, rtype zrangeType, dir zrangeDir) {
	key := args[argStart]
	minIdx, maxIdx := argStart+1, argStart+2
	withscores := false
	var offset, limit int64 = 0, -1
	for j := argStart + 3; j < len(args); j++ {
		left := len(args) - j - 1
		a := args[j]
		switch {
		case !store && eq(a, "withscores"):
			withscores = true
		case eq(a, "limit") && left >= 2:
			var ok bool
			if offset, ok = parseInt(args[j+1]); !ok {
				c.addError(errNotInt)
				return
			}
			if limit, ok = parseInt(args[j+2]); !ok {
				c.addError(errNotInt)
				return
			}
			j += 2
		case dir == zrangeDirAuto && eq(a, "rev"):
			dir = zrangeDirReverse
		case rtype == zrangeAuto && eq(a, "bylex"):
			rtype = zrangeLex
		case rtype == zrangeAuto && eq(a, "byscore"):
			rtype = zrangeScore
		default:
			c.addError(errSyntax)
			return
		}
	}
	if dir == zrangeDirAuto {
		dir = zrangeDirForward
	}
	if rtype == zrangeAuto {
		rtype = zrangeRank
	}
	if limit != -1 && rtype == zrangeRank {
		c.addError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
		return
	}
	if withscores && rtype == zrangeLex {
		c.addError("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
		return
	}
	reverse := dir == zrangeDirReverse
	if reverse && rtype != zrangeRank {
		minIdx, maxIdx = maxIdx, minIdx
	}
	var start, end int64
	var srange zScoreRange
	var lrange zLexRange
	switch rtype {
	case zrangeRank:
		var ok bool
		if start, ok = parseInt(args[minIdx]); !ok {
			c.addError(errNotInt)
			return
		}
		if end, ok = parseInt(args[maxIdx]); !ok {
			c.addError(errNotInt)
			return
		}
	case zrangeScore:
		var ok bool
		if srange, ok = zParseScoreRange(args[minIdx], args[maxIdx]); !ok {
			c.addError(zerrMinMaxFloat)
			return
		}
	case zrangeLex:
		var ok bool
		if lrange, ok = zParseLexRange(args[minIdx], args[maxIdx]); !ok {
			c.addError(zerrMinMaxLex)
			return
		}
	}
	o := n.lookupRead(c.db, key)
	if o != nil && o.Type != TypeZSet {
		c.addError(errWrongType)
		return
	}
	var members []string
	var scores []float64
	if o != nil {
		z := o.ZSet
		emit := func(x *zslNode) {
			members = append(members, x.member)
			scores = append(scores, x.score)
		}
		step := func(x *zslNode) *zslNode {
			if reverse {
				return x.prev()
			}
			return x.next()
		}
		switch rtype {
		case zrangeRank:
			llen := int64(z.Len())
			if start < 0 {
				start += llen
			}
			if end < 0 {
				end += llen
			}
			if start < 0 {
				start = 0
			}
			if start <= end && start < llen {
				if end >= llen {
					end = llen - 1
				}
				var x *zslNode
				if reverse {
					x = z.byRank(int(llen - 1 - start))
				} else {
					x = z.byRank(int(start))
				}
				for i := start; i <= end && x != nil; i++ {
					emit(x)
					x = step(x)
				}
			}
		case zrangeScore:
			if offset > 0 && offset >= int64(z.Len()) {
				break
			}
			var x *zslNode
			if reverse {
				x = z.lastInRange(&srange)
			} else {
				x = z.firstInRange(&srange)
			}
			for ; x != nil && offset != 0; offset-- {
				x = step(x)
			}
			for ; x != nil && limit != 0; limit-- {
				if reverse && !srange.gteMin(x.score) || !reverse && !srange.lteMax(x.score) {
					break
				}
				emit(x)
				x = step(x)
			}
		case zrangeLex:
			var x *zslNode
			if reverse {
				x = z.lexLast(&lrange, !o.big)
			} else {
				x = z.lexFirst(&lrange, !o.big)
			}
			for ; x != nil && offset != 0; offset-- {
				x = step(x)
			}
			for ; x != nil && limit != 0; limit-- {
				if reverse && !lrange.gteMin(x.member) || !reverse && !lrange.lteMax(x.member) {
					break
				}
				emit(x)
				x = step(x)
			}
		}
	}
	if !store {
		zReplyElements(c, members, scores, withscores)
		return
	}
	dst := n.zsetNewObject(false)
	for i, m := range members {
		n.zsetAdd(dst, scores[i], m, 0)
	}
	n.zsetStored(c, args[1], dst, args)
}

// ---------------------------------------------------------------------------
// ZREMRANGEBYRANK, ZREMRANGEBYSCORE, ZREMRANGEBYLEX

func zremrangebyrankCmd(n *Node, c *Client, args [][]byte) {
	zremrangeGeneric(n, c, args, zrangeRank)
}

func zremrangebyscoreCmd(n *Node, c *Client, args [][]byte) {
	zremrangeGeneric(n, c, args, zrangeScore)
}

func zremrangebylexCmd(n *Node, c *Client, args [][]byte) {
	zremrangeGeneric(n, c, args, zrangeLex)
}

func zremrangeGeneric(n *Node, c *Client, args [][]byte, rtype zrangeType) {
	var start, end int64
	var srange zScoreRange
	var lrange zLexRange
	var ok bool
	switch rtype {
	case zrangeRank:
		if start, ok = parseInt(args[2]); ok {
			end, ok = parseInt(args[3])
		}
		if !ok {
			c.addError(errNotInt)
			return
		}
	case zrangeScore:
		if srange, ok = zParseScoreRange(args[2], args[3]); !ok {
			c.addError(zerrMinMaxFloat)
			return
		}
	case zrangeLex:
		if lrange, ok = zParseLexRange(args[2], args[3]); !ok {
			c.addError(zerrMinMaxLex)
			return
		}
	}
	o, ok := n.lookupWriteType(c, args[1], TypeZSet)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	z := o.ZSet
	deleted := 0
	switch rtype {
	case zrangeRank:
		llen := int64(z.Len())
		if start < 0 {
			start += llen
		}
		if end < 0 {
			end += llen
		}
		if start < 0 {
			start = 0
		}
		if start > end || start >= llen {
			c.addInt(0)
			return
		}
		if end >= llen {
			end = llen - 1
		}
		deleted = z.deleteRangeByRank(int(start+1), int(end+1))
	case zrangeScore:
		deleted = z.deleteRangeByScore(&srange)
	case zrangeLex:
		deleted = z.lexDelete(&lrange, !o.big)
	}
	if deleted > 0 {
		if z.Len() == 0 {
			n.removeKey(c.db, str(args[1]))
		} else {
			n.touch(c.db, str(args[1]))
		}
		n.propagate(c.db, args...)
	}
	c.addInt(int64(deleted))
}

// ---------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD

const (
	zsetOpUnion = iota
	zsetOpInter
	zsetOpDiff
)

const (
	zaggSum = iota
	zaggMin
	zaggMax
)

// zsetOpSrc is one input of a set operation: a zset, a set (every member
// scores 1) or a missing key.
type zsetOpSrc struct {
	o      *Object
	weight float64
}

func (s *zsetOpSrc) len() int {
	switch {
	case s.o == nil:
		return 0
	case s.o.Type == TypeSet:
		return s.o.Set.Len()
	}
	return s.o.ZSet.Len()
}

func (s *zsetOpSrc) find(member string) (float64, bool) {
	switch {
	case s.o == nil:
		return 0, false
	case s.o.Type == TypeSet:
		_, ok := s.o.Set.Get(member)
		return 1, ok
	}
	return s.o.ZSet.Score(member)
}

// each calls fn for every element (zsets from the highest down, as Redis's
// zuiNext) until fn returns false.
func (s *zsetOpSrc) each(fn func(member string, score float64) bool) {
	switch {
	case s.o == nil:
	case s.o.Type == TypeSet:
		s.o.Set.Range(func(m string, _ struct{}) bool { return fn(m, 1) })
	default:
		for x := s.o.ZSet.last(); x != nil; x = x.prev() {
			if !fn(x.member, x.score) {
				return
			}
		}
	}
}

func zAggregate(target *float64, val float64, agg int) {
	switch agg {
	case zaggSum:
		*target += val
		if math.IsNaN(*target) {
			*target = 0
		}
	case zaggMin:
		if val < *target {
			*target = val
		}
	case zaggMax:
		if val > *target {
			*target = val
		}
	}
}

func zunionCmd(n *Node, c *Client, args [][]byte) {
	zsetOpGeneric(n, c, args, nil, 1, zsetOpUnion, false)
}
func zinterCmd(n *Node, c *Client, args [][]byte) {
	zsetOpGeneric(n, c, args, nil, 1, zsetOpInter, false)
}
func zdiffCmd(n *Node, c *Client, args [][]byte) {
	zsetOpGeneric(n, c, args, nil, 1, zsetOpDiff, false)
}
func zintercardCmd(n *Node, c *Client, args [][]byte) {
	zsetOpGeneric(n, c, args, nil, 1, zsetOpInter, true)
}

func zunionstoreCmd(n *Node, c *Client, args [][]byte) {
	zsetOpGeneric(n, c, args, args[1], 2, zsetOpUnion, false)
}

func zinterstoreCmd(n *Node, c *Client, args [][]byte) {
	zsetOpGeneric(n, c, args, args[1], 2, zsetOpInter, false)
}

func zdiffstoreCmd(n *Node, c *Client, args [][]byte) {
	zsetOpGeneric(n, c, args, args[1], 2, zsetOpDiff, false)
}

// zsetOpGeneric is zunionInterDiffGenericCommand.
func zsetOpGeneric(n *Node, c *Client, args [][]byte, dst []byte, numkeysIdx int, op int, cardOnly bool) {
	setnum, ok := parseInt(args[numkeysIdx])
	if !ok {
		c.addError(errNotInt)
		return
	}
	if setnum < 1 {
		c.addError(fmt.Sprintf("ERR at least 1 input key is needed for '%s' command", strings.ToLower(string(args[0]))))
		return
	}
	if setnum > int64(len(args)-(numkeysIdx+1)) {
		c.addError(errSyntax)
		return
	}
	src := make([]zsetOpSrc, setnum)
	j := numkeysIdx + 1
	for i := range src {
		o := n.lookupRead(c.db, args[j])
		if o != nil && o.Type != TypeZSet && o.Type != TypeSet {
			c.addError(errWrongType)
			return
		}
		src[i] = zsetOpSrc{o: o, weight: 1}
		j++
	}
	agg := zaggSum
	withscores := false
	var limit int64
	for remaining := len(args) - j; remaining > 0; remaining = len(args) - j {
		a := args[j]
		switch {
		case op != zsetOpDiff && !cardOnly && remaining >= len(src)+1 && eq(a, "weights"):
			j++
			for i := range src {
				w, ok := parseFloat(args[j])
				if !ok {
					c.addError("ERR weight value is not a float")
					return
				}
				src[i].weight = w
				j++
			}
		case op != zsetOpDiff && !cardOnly && remaining >= 2 && eq(a, "aggregate"):
			switch b := args[j+1]; {
			case eq(b, "sum"):
				agg = zaggSum
			case eq(b, "min"):
				agg = zaggMin
			case eq(b, "max"):
				agg = zaggMax
			default:
				c.addError(errSyntax)
				return
			}
			j += 2
		case dst == nil && !cardOnly && eq(a, "withscores"):
			withscores = true
			j++
		case cardOnly && remaining >= 2 && eq(a, "limit"):
			v, ok := parseRangeLong(c, args[j+1], 0, math.MaxInt64, "ERR LIMIT can't be negative")
			if !ok {
				return
			}
			limit = v
			j += 2
		default:
			c.addError(errSyntax)
			return
		}
	}
	if op != zsetOpDiff {
		// Smallest first; glibc's qsort is a stable merge sort here, and
		// the order decides how SUM adds floating-point scores.
		slices.SortStableFunc(src, func(a, b zsetOpSrc) int { return a.len() - b.len() })
	}

	var members []string
	var scores []float64
	cardinality := int64(0)
	switch op {
	case zsetOpInter:
		if src[0].len() == 0 {
			break
		}
		src[0].each(func(m string, s float64) bool {
			score := src[0].weight * s
			if math.IsNaN(score) {
				score = 0
			}
			k := 1
			for ; k < len(src); k++ {
				var value float64
				if src[k].o == src[0].o {
					value = s * src[k].weight
				} else if v, ok := src[k].find(m); ok {
					value = v * src[k].weight
				} else {
					break
				}
				zAggregate(&score, value, agg)
			}
			if k < len(src) {
				return true
			}
			if cardOnly {
				cardinality++
				return limit == 0 || cardinality < limit
			}
			members = append(members, m)
			scores = append(scores, score)
			return true
		})
	case zsetOpUnion:
		index := make(map[string]int) //det:ok lookups only; members keeps the order
		for i := range src {
			if src[i].len() == 0 {
				continue
			}
			w := src[i].weight
			src[i].each(func(m string, s float64) bool {
				score := w * s
				if math.IsNaN(score) {
					score = 0
				}
				if at, ok := index[m]; ok {
					zAggregate(&scores[at], score, agg)
				} else {
					index[m] = len(members)
					members = append(members, m)
					scores = append(scores, score)
				}
				return true
			})
		}
	case zsetOpDiff:
		if src[0].len() == 0 {
			break
		}
		if slices.ContainsFunc(src[1:], func(s zsetOpSrc) bool { return s.o == src[0].o }) {
			break // the first key again: everything is subtracted
		}
		src[0].each(func(m string, s float64) bool {
			for k := 1; k < len(src); k++ {
				if _, ok := src[k].find(m); ok {
					return true
				}
			}
			members = append(members, m)
			scores = append(scores, s)
			return true
		})
	}

	if cardOnly {
		c.addInt(cardinality)
		return
	}
	if dst != nil {
		o := n.zsetNewObject(true)
		maxelelen := 0
		for i, m := range members {
			o.ZSet.Add(m, scores[i])
			maxelelen = max(maxelelen, len(m))
		}
		n.zsetShrinkIfNeeded(o, maxelelen)
		n.zsetStored(c, dst, o, args)
		return
	}
	order := make([]int, len(members))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if zslLess(scores[a], members[a], scores[b], members[b]) {
			return -1
		}
		if zslLess(scores[b], members[b], scores[a], members[a]) {
			return 1
		}
		return 0
	})
	sm := make([]string, len(order))
	ss := make([]float64, len(order))
	for i, k := range order {
		sm[i], ss[i] = members[k], scores[k]
	}
	zReplyElements(c, sm, ss, withscores)
}

// ---------------------------------------------------------------------------
// ZPOPMIN, ZPOPMAX, BZPOPMIN, BZPOPMAX, ZMPOP, BZMPOP

// zsetPop removes up to count (≥ 1) members from the low (or, with max,
// the high) end of the set o stored at key and returns them in pop order.
func (n *Node) zsetPop(db *DB, key []byte, o *Object, max bool, count int64) ([]string, []float64) {
	z := o.ZSet
	count = min(count, int64(z.Len()))
	members := make([]string, 0, count)
	scores := make([]float64, 0, count)
	for ; count > 0; count-- {
		x := z.first()
		if max {
			x = z.last()
		}
		members = append(members, x.member)
		scores = append(scores, x.score)
		z.Remove(x.member)
	}
	if z.Len() == 0 {
		n.removeKey(db, str(key))
	} else {
		n.touch(db, str(key))
	}
	return members, scores
}

func zpopName(max bool) []byte {
	if max {
		return []byte("zpopmax")
	}
	return []byte("zpopmin")
}

func zpopminCmd(n *Node, c *Client, args [][]byte) { zpopGeneric(n, c, args, false) }
func zpopmaxCmd(n *Node, c *Client, args [][]byte) { zpopGeneric(n, c, args, true) }

func zpopGeneric(n *Node, c *Client, args [][]byte, max bool) {
	if len(args) > 3 {
		c.addError(errSyntax)
		return
	}
	count := int64(-1)
	if len(args) == 3 {
		v, ok := parsePositiveLong(c, args[2])
		if !ok {
			return
		}
		count = v
	}
	o, ok := n.lookupWriteType(c, args[1], TypeZSet)
	if !ok {
		return
	}
	if o == nil || count == 0 {
		c.addArray(0)
		return
	}
	if count == -1 {
		count = 1
	}
	members, scores := n.zsetPop(c.db, args[1], o, max, count)
	zReplyElements(c, members, scores, true)
	n.propagate(c.db, args...)
}

func bzpopminCmd(n *Node, c *Client, args [][]byte) { bzpopGeneric(n, c, args, false) }
func bzpopmaxCmd(n *Node, c *Client, args [][]byte) { bzpopGeneric(n, c, args, true) }

// bzpopGeneric is BZPOPMIN/BZPOPMAX: reply [key, member, score] from the
// first non-empty key, else park.
func bzpopGeneric(n *Node, c *Client, args [][]byte, max bool) {
	timeout, ok := parseTimeout(c, args[len(args)-1])
	if !ok {
		return
	}
	keys := args[1 : len(args)-1]
	key, o, ok := n.zsetFirstReady(c, keys)
	if !ok {
		return
	}
	if o != nil {
		members, scores := n.zsetPop(c.db, key, o, max, 1)
		c.addArray(3)
		c.addBulk(key)
		c.addBulkStr(members[0])
		c.addBulkFloat(scores[0])
		n.propagate(c.db, zpopName(max), key)
		return
	}
	if !c.canBlock() {
		c.addNullArray()
		return
	}
	n.block(c, keys, timeout)
}

// zsetFirstReady returns the first of keys holding a sorted set, for the
// blocking pops; a key of another type is an error. When the node re-runs
// a parked command it serves it from the key that got data only, and leaves
// it waiting if that key holds no sorted set, as Redis 7.0's
// serveClientsBlockedOnSortedSetKey.
func (n *Node) zsetFirstReady(c *Client, keys [][]byte) ([]byte, *Object, bool) {
	if bs := c.blockedOn; bs != nil {
		key := []byte(bs.readyKey)
		if o := n.lookupWrite(c.db, key); o != nil && o.Type == TypeZSet {
			return key, o, true
		}
		return nil, nil, true
	}
	for _, k := range keys {
		o, ok := n.lookupWriteType(c, k, TypeZSet)
		if !ok {
			return nil, nil, false
		}
		if o != nil {
			return k, o, true
		}
	}
	return nil, nil, true
}

func zmpopCmd(n *Node, c *Client, args [][]byte)  { zmpopGeneric(n, c, args, 1, false) }
func bzmpopCmd(n *Node, c *Client, args [][]byte) { zmpopGeneric(n, c, args, 2, true) }

// zmpopGeneric is ZMPOP numkeys key... MIN|MAX [COUNT n] and BZMPOP
// timeout numkeys key... MIN|MAX [COUNT n].
func zmpopGeneric(n *Node, c *Client, args [][]byte, numkeysIdx int, blocking bool) {
	keys, max, count, ok := parseMpopArgs(c, args, numkeysIdx, "max", "min")
	if !ok {
		return
	}
	var timeout time.Duration
	if blocking {
		if timeout, ok = parseTimeout(c, args[1]); !ok {
			return
		}
	}
	var key []byte
	var o *Object
	if blocking {
		if key, o, ok = n.zsetFirstReady(c, keys); !ok {
			return
		}
	} else if key, o, ok = n.firstNonEmpty(c, keys, TypeZSet); !ok {
		return
	}
	if o == nil {
		if blocking && c.canBlock() {
			n.block(c, keys, timeout)
			return
		}
		c.addNullArray()
		return
	}
	members, scores := n.zsetPop(c.db, key, o, max, count)
	c.addArray(2)
	c.addBulk(key)
	c.addArray(len(members))
	for i, m := range members {
		c.addArray(2)
		c.addBulkStr(m)
		c.addBulkFloat(scores[i])
	}
	n.propagate(c.db, zpopName(max), key, []byte(strconv.Itoa(len(members))))
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER

func zrandmemberCmd(n *Node, c *Client, args [][]byte) {
	if len(args) >= 3 {
		l, withscores, ok := parseRandCount(c, args, "withscores")
		if !ok {
			return
		}
		zrandmemberWithCount(n, c, args[1], l, withscores)
		return
	}
	o, ok := n.lookupReadType(c, args[1], TypeZSet)
	if !ok {
		return
	}
	if o == nil {
		c.addNull()
		return
	}
	m, _, _ := o.ZSet.dict.Random(n.env.Rand)
	c.addBulkStr(m)
}

func zrandmemberWithCount(n *Node, c *Client, key []byte, l int64, withscores bool) {
	o, ok := n.lookupReadType(c, key, TypeZSet)
	if !ok {
		return
	}
	if o == nil || l == 0 {
		c.addArray(0)
		return
	}
	z := o.ZSet
	size := int64(z.Len())
	reply := func(m string, s float64) {
		c.addBulkStr(m)
		if withscores {
			c.addBulkFloat(s)
		}
	}
	width := int64(1)
	if withscores {
		width = 2
	}
	// CASE 1: negative count (repetitions allowed) or a single element.
	if l < 0 || l == 1 {
		count := l
		if l < 0 {
			count = -l
		}
		c.addArray(int(count * width))
		for ; count > 0; count-- {
			m, s, _ := z.dict.Random(n.env.Rand)
			reply(m, s)
		}
		return
	}
	count := l
	c.addArray(int(min(count, size) * width))
	// CASE 2: the whole set, walked from the highest member down.
	if count >= size {
		for x := z.last(); x != nil; x = x.prev() {
			reply(x.member, x.score)
		}
		return
	}
	// CASE 3 and 4: count distinct members.
	all := func() []*zslNode {
		all := make([]*zslNode, 0, size)
		for x := z.first(); x != nil; x = x.next() {
			all = append(all, x)
		}
		return all
	}
	random := func() *zslNode { return z.byRank(n.randN(int(size))) }
	picked := randDistinct(n, int(size), int(count), all, random, func(x *zslNode) string { return x.member })
	if count*3 <= size && !o.big { // lpRandomPairsUnique keeps listpack order
		slices.SortFunc(picked, func(a, b *zslNode) int {
			if zslLess(a.score, a.member, b.score, b.member) {
				return -1
			}
			return 1
		})
	}
	for _, x := range picked {
		reply(x.member, x.score)
	}
}

// ---------------------------------------------------------------------------
// ZSCAN

func zscanCmd(n *Node, c *Client, args [][]byte) {
	o, cursor, opts, ok := n.collScanStart(c, args, TypeZSet)
	if !ok {
		return
	}
	var out []string
	z := o.ZSet
	if !o.big {
		// A listpack is returned whole in one call, scores as stored.
		for x := z.first(); x != nil; x = x.next() {
			if opts.match(x.member) {
				out = append(out, x.member, d2string(x.score))
			}
		}
		addScanReply(c, 0, out)
		return
	}
	// COUNT counts members (as HSCAN counts fields): ZSCAN z 0 COUNT 20
	// on a real 7.0.15 skiplist returns about 20 members.
	next := z.dict.Scan(cursor, opts.count, func(m string, s float64) {
		if opts.match(m) {
			out = append(out, m, FormatFloat(s))
		}
	})
	addScanReply(c, next, out)
}

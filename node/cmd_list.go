package node

import (
	"strconv"
	"time"
)

// List commands, as Redis 7.0.15's t_list.c.

func listCommands() []*Command {
	return []*Command{
		{Name: "lpush", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: lpushCmd},
		{Name: "rpush", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: rpushCmd},
		{Name: "lpushx", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: lpushxCmd},
		{Name: "rpushx", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: rpushxCmd},
		{Name: "lpop", Arity: -2, Flags: FlagWrite | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: lpopCmd},
		{Name: "rpop", Arity: -2, Flags: FlagWrite | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: rpopCmd},
		{Name: "llen", Arity: 2, Flags: FlagReadonly | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: llenCmd},
		{Name: "lindex", Arity: 3, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: lindexCmd},
		{Name: "lset", Arity: 4, Flags: FlagWrite | FlagDenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Fn: lsetCmd},
		{Name: "lrange", Arity: 4, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: lrangeCmd},
		{Name: "ltrim", Arity: 4, Flags: FlagWrite, FirstKey: 1, LastKey: 1, Step: 1, Fn: ltrimCmd},
		{Name: "linsert", Arity: 5, Flags: FlagWrite | FlagDenyOOM, FirstKey: 1, LastKey: 1, Step: 1, Fn: linsertCmd},
		{Name: "lrem", Arity: 4, Flags: FlagWrite, FirstKey: 1, LastKey: 1, Step: 1, Fn: lremCmd},
		{Name: "lpos", Arity: -3, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: lposCmd},
		{Name: "lmove", Arity: 5, Flags: FlagWrite | FlagDenyOOM, FirstKey: 1, LastKey: 2, Step: 1, Fn: lmoveCmd},
		{Name: "rpoplpush", Arity: 3, Flags: FlagWrite | FlagDenyOOM, FirstKey: 1, LastKey: 2, Step: 1, Fn: rpoplpushCmd},
		{Name: "lmpop", Arity: -4, Flags: FlagWrite | FlagMovableKeys, Fn: lmpopCmd},
		{Name: "blpop", Arity: -3, Flags: FlagWrite | FlagNoScript | FlagBlocking, FirstKey: 1, LastKey: -2, Step: 1, Fn: blpopCmd},
		{Name: "brpop", Arity: -3, Flags: FlagWrite | FlagNoScript | FlagBlocking, FirstKey: 1, LastKey: -2, Step: 1, Fn: brpopCmd},
		{Name: "blmove", Arity: 6, Flags: FlagWrite | FlagDenyOOM | FlagNoScript | FlagBlocking, FirstKey: 1, LastKey: 2, Step: 1, Fn: blmoveCmd},
		{Name: "brpoplpush", Arity: 4, Flags: FlagWrite | FlagDenyOOM | FlagNoScript | FlagBlocking, FirstKey: 1, LastKey: 2, Step: 1, Fn: brpoplpushCmd},
		{Name: "blmpop", Arity: -5, Flags: FlagWrite | FlagBlocking | FlagMovableKeys, Fn: blmpopCmd},
	}
}

const (
	errListRankZero = "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
)

var (
	bLPop      = []byte("lpop")
	bRPop      = []byte("rpop")
	bLMove     = []byte("lmove")
	bRPopLPush = []byte("rpoplpush")
)

// listChanged finishes an in-place change of the list o under key: an
// emptied list is deleted, otherwise WATCH is told.
func (n *Node) listChanged(db *DB, key []byte, o *Object) {
	if o.List.Len() == 0 {
		n.removeKey(db, str(key))
	} else {
		n.touch(db, str(key))
	}
}

// listWhere parses LEFT|RIGHT (getListPositionFromObjectOrReply).
func listWhere(c *Client, arg []byte) (front, ok bool) {
	switch {
	case eq(arg, "left"):
		return true, true
	case eq(arg, "right"):
		return false, true
	}
	c.addError(errSyntax)
	return false, false
}

func popCmdName(front bool) []byte {
	if front {
		return bLPop
	}
	return bRPop
}

// ---- push ----

func lpushCmd(n *Node, c *Client, args [][]byte)  { listPush(n, c, args, true, false) }
func rpushCmd(n *Node, c *Client, args [][]byte)  { listPush(n, c, args, false, false) }
func lpushxCmd(n *Node, c *Client, args [][]byte) { listPush(n, c, args, true, true) }
func rpushxCmd(n *Node, c *Client, args [][]byte) { listPush(n, c, args, false, true) }

func listPush(n *Node, c *Client, args [][]byte, front, xx bool) {
	key := args[1]
	o, ok := n.lookupWriteType(c, key, TypeList)
	if !ok {
		return
	}
	if o == nil {
		if xx {
			c.addInt(0)
			return
		}
		o = newListObject()
		n.addKey(c.db, key, o)
	} else {
		n.touch(c.db, str(key))
	}
	for _, v := range args[2:] {
		o.List.Push(ownIf(len(args) > 3, v), front)
	}
	c.addInt(int64(o.List.Len()))
	n.signalReady(c.db, key)
	n.propagate(c.db, args...)
}

// ---- pop ----

func lpopCmd(n *Node, c *Client, args [][]byte) { listPop(n, c, args, true) }
func rpopCmd(n *Node, c *Client, args [][]byte) { listPop(n, c, args, false) }

func listPop(n *Node, c *Client, args [][]byte, front bool) {
	if len(args) > 3 {
		wrongArity(c, string(popCmdName(front)))
		return
	}
	hasCount := len(args) == 3
	var count int64
	if hasCount {
		var ok bool
		if count, ok = parsePositiveLong(c, args[2]); !ok {
			return
		}
	}
	key := args[1]
	o, ok := n.lookupWriteType(c, key, TypeList)
	if !ok {
		return
	}
	if o == nil {
		if hasCount {
			c.addNullArray()
		} else {
			c.addNull()
		}
		return
	}
	if hasCount && count == 0 {
		c.addArray(0)
		return
	}
	if !hasCount {
		c.addBulk(o.List.Pop(front))
	} else {
		listPopRangeReply(c, o.List, front, count)
	}
	n.listChanged(c.db, key, o)
	n.propagate(c.db, args...)
}

// listPopRangeReply pops up to count elements from one end and replies them
// as an array, in pop order. It returns how many it popped.
func listPopRangeReply(c *Client, l *List, front bool, count int64) int {
	k := l.Len()
	if count < int64(k) {
		k = int(count)
	}
	c.addArray(k)
	for i := 0; i < k; i++ {
		c.addBulk(l.Pop(front))
	}
	return k
}

// ---- read ----

func llenCmd(n *Node, c *Client, args [][]byte) { n.replyCard(c, args[1], TypeList) }

// listIndex turns a Redis index (negative from the tail) into a position,
// reporting whether it falls inside a list of length llen.
func listIndex(idx int64, llen int) (int, bool) {
	if idx < 0 {
		idx += int64(llen)
	}
	if idx < 0 || idx >= int64(llen) {
		return 0, false
	}
	return int(idx), true
}

func lindexCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeList)
	if !ok {
		return
	}
	if o == nil {
		c.addNull()
		return
	}
	idx, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	i, ok := listIndex(idx, o.List.Len())
	if !ok {
		c.addNull()
		return
	}
	c.addBulk(o.List.Index(i))
}

func lsetCmd(n *Node, c *Client, args [][]byte) {
	key := args[1]
	o, ok := n.lookupWriteType(c, key, TypeList)
	if !ok {
		return
	}
	if o == nil {
		c.addError(errNoSuchKey)
		return
	}
	idx, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	i, ok := listIndex(idx, o.List.Len())
	if !ok {
		c.addError(errOutOfRange)
		return
	}
	o.List.Set(i, args[3])
	n.touch(c.db, str(key))
	c.addOK()
	n.propagate(c.db, args...)
}

// listRange normalizes start/end as Redis's addListRangeReply and ltrim:
// it returns the inclusive range, or ok false when it is empty.
func listRange(start, end int64, llen int) (int, int, bool) {
	l := int64(llen)
	if start < 0 {
		start += l
	}
	if end < 0 {
		end += l
	}
	if start < 0 {
		start = 0
	}
	if start > end || start >= l {
		return 0, 0, false
	}
	if end >= l {
		end = l - 1
	}
	return int(start), int(end), true
}

func lrangeCmd(n *Node, c *Client, args [][]byte) {
	start, ok1 := parseInt(args[2])
	end, ok2 := parseInt(args[3])
	if !ok1 || !ok2 {
		c.addError(errNotInt)
		return
	}
	o, ok := n.lookupReadType(c, args[1], TypeList)
	if !ok {
		return
	}
	if o == nil {
		c.addArray(0)
		return
	}
	s, e, ok := listRange(start, end, o.List.Len())
	if !ok {
		c.addArray(0)
		return
	}
	c.addArray(e - s + 1)
	o.List.Range(s, e, false, func(_ int, v []byte) bool {
		c.addBulk(v)
		return true
	})
}

func ltrimCmd(n *Node, c *Client, args [][]byte) {
	start, ok1 := parseInt(args[2])
	end, ok2 := parseInt(args[3])
	if !ok1 || !ok2 {
		c.addError(errNotInt)
		return
	}
	key := args[1]
	o, ok := n.lookupWriteType(c, key, TypeList)
	if !ok {
		return
	}
	if o == nil {
		c.addOK()
		return
	}
	llen := o.List.Len()
	ltrim, rtrim := llen, 0
	if s, e, ok := listRange(start, end, llen); ok {
		ltrim, rtrim = s, llen-e-1
	}
	o.List.TrimFront(ltrim)
	o.List.TrimBack(rtrim)
	n.listChanged(c.db, key, o) // Redis signals the key even when nothing went
	c.addOK()
	if ltrim+rtrim > 0 {
		n.propagate(c.db, args...)
	}
}

func linsertCmd(n *Node, c *Client, args [][]byte) {
	var after bool
	switch {
	case eq(args[2], "after"):
		after = true
	case eq(args[2], "before"):
	default:
		c.addError(errSyntax)
		return
	}
	key := args[1]
	o, ok := n.lookupWriteType(c, key, TypeList)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	l := o.List
	pivot := str(args[3])
	at := -1
	for i := 0; i < l.Len(); i++ {
		if str(l.Index(i)) == pivot {
			at = i
			break
		}
	}
	if at < 0 {
		c.addInt(-1)
		return
	}
	if after {
		at++
	}
	l.Insert(at, args[4])
	n.touch(c.db, str(key))
	c.addInt(int64(l.Len()))
	n.propagate(c.db, args...)
}

func lremCmd(n *Node, c *Client, args [][]byte) {
	toremove, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	key := args[1]
	o, ok := n.lookupWriteType(c, key, TypeList)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	fromTail := toremove < 0
	if fromTail {
		toremove = -toremove // LLONG_MIN stays negative: no limit, as in C
	}
	limit := 0
	if toremove > 0 && toremove < int64(o.List.Len()) {
		limit = int(toremove)
	}
	elem := str(args[3])
	removed := o.List.RemoveIf(fromTail, limit, func(v []byte) bool { return str(v) == elem })
	if removed > 0 {
		n.listChanged(c.db, key, o)
		n.propagate(c.db, args...)
	}
	c.addInt(int64(removed))
}

func lposCmd(n *Node, c *Client, args [][]byte) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	for j := 3; j < len(args); j++ {
		more := len(args) - 1 - j
		switch {
		case eq(args[j], "rank") && more > 0:
			j++
			v, ok := parseInt(args[j])
			if !ok {
				c.addError(errNotInt)
				return
			}
			if v == 0 {
				c.addError(errListRankZero)
				return
			}
			rank = v
		case eq(args[j], "count") && more > 0:
			j++
			v, ok := parseInt(args[j])
			if !ok || v < 0 {
				c.addError("ERR COUNT can't be negative")
				return
			}
			count = v
		case eq(args[j], "maxlen") && more > 0:
			j++
			v, ok := parseInt(args[j])
			if !ok || v < 0 {
				c.addError("ERR MAXLEN can't be negative")
				return
			}
			maxlen = v
		default:
			c.addError(errSyntax)
			return
		}
	}
	fromTail := false
	if rank < 0 {
		rank = -rank // LLONG_MIN stays negative, as in C
		fromTail = true
	}
	o, ok := n.lookupReadType(c, args[1], TypeList)
	if !ok {
		return
	}
	if o == nil {
		if count != -1 {
			c.addArray(0)
		} else {
			c.addNull()
		}
		return
	}
	l := o.List
	llen := int64(l.Len())
	elem := str(args[2])
	var found []int64
	var index, matches int64
	matchIndex := int64(-1)
	for index < llen && (maxlen == 0 || index < maxlen) {
		pos := index
		if fromTail {
			pos = llen - index - 1
		}
		if str(l.Index(int(pos))) == elem {
			matches++
			matchIndex = pos
			if matches >= rank {
				if count == -1 {
					break
				}
				found = append(found, pos)
				if count != 0 && matches-rank+1 >= count {
					break
				}
			}
		}
		index++
		matchIndex = -1
	}
	if count != -1 {
		c.addArray(len(found))
		for _, p := range found {
			c.addInt(p)
		}
		return
	}
	if matchIndex != -1 {
		c.addInt(matchIndex)
	} else {
		c.addNull()
	}
}

// ---- move ----

func lmoveCmd(n *Node, c *Client, args [][]byte) {
	from, ok := listWhere(c, args[3])
	if !ok {
		return
	}
	to, ok := listWhere(c, args[4])
	if !ok {
		return
	}
	if listMove(n, c, args[1], args[2], from, to) {
		n.propagate(c.db, args...)
	}
}

func rpoplpushCmd(n *Node, c *Client, args [][]byte) {
	if listMove(n, c, args[1], args[2], false, true) {
		n.propagate(c.db, args...)
	}
}

// listMove is lmoveGenericCommand: it moves one element from src to dst,
// replies it, and reports whether anything moved. The caller propagates.
func listMove(n *Node, c *Client, src, dst []byte, from, to bool) bool {
	so, ok := n.lookupWriteType(c, src, TypeList)
	if !ok {
		return false
	}
	if so == nil {
		c.addNull()
		return false
	}
	do, ok := n.lookupWriteType(c, dst, TypeList)
	if !ok {
		return false
	}
	v := so.List.Pop(from)
	if do == nil {
		do = newListObject()
		n.addKey(c.db, dst, do)
	} else {
		n.touch(c.db, str(dst))
	}
	do.List.Push(v, to)
	n.signalReady(c.db, dst)
	c.addBulk(v)
	n.listChanged(c.db, src, so)
	return true
}

// ---- multi-key pop ----

func lmpopCmd(n *Node, c *Client, args [][]byte) {
	keys, front, count, ok := parseMpopArgs(c, args, 1, "left", "right")
	if !ok {
		return
	}
	key, o, ok := n.firstNonEmpty(c, keys, TypeList)
	if !ok {
		return
	}
	if o == nil {
		c.addNullArray()
		return
	}
	listServeMpop(n, c, key, o, front, count)
}

// listServeMpop pops up to count elements from the list o under key,
// replies [key, [elements]] and propagates [LR]POP key n.
func listServeMpop(n *Node, c *Client, key []byte, o *Object, front bool, count int64) {
	c.addArray(2)
	c.addBulk(key)
	k := listPopRangeReply(c, o.List, front, count)
	n.listChanged(c.db, key, o)
	n.propagate(c.db, popCmdName(front), key, strconv.AppendInt(nil, int64(k), 10))
}

// ---- blocking ----

func blpopCmd(n *Node, c *Client, args [][]byte) { listBPop(n, c, args, true) }
func brpopCmd(n *Node, c *Client, args [][]byte) { listBPop(n, c, args, false) }

func listBPop(n *Node, c *Client, args [][]byte, front bool) {
	timeout, ok := parseTimeout(c, args[len(args)-1])
	if !ok {
		return
	}
	listBlockingPop(n, c, args[1:len(args)-1], front, -1, timeout)
}

func blmpopCmd(n *Node, c *Client, args [][]byte) {
	keys, front, count, ok := parseMpopArgs(c, args, 2, "left", "right")
	if !ok {
		return
	}
	timeout, ok := parseTimeout(c, args[1])
	if !ok {
		return
	}
	listBlockingPop(n, c, keys, front, count, timeout)
}

// listBlockingPop is blockingPopGenericCommand: it pops from the first
// non-empty list of keys, or parks the client. count is -1 for BLPOP/BRPOP
// (reply [key, element]) and the COUNT of BLMPOP (reply [key, [elements]]).
// When the node re-runs a parked client it serves it from the key that got
// data only, as Redis 7.0's serveClientsBlockedOnListKey.
func listBlockingPop(n *Node, c *Client, keys [][]byte, front bool, count int64, timeout time.Duration) {
	if bs := c.blockedOn; bs != nil {
		key := []byte(bs.readyKey)
		o := n.lookupWrite(c.db, key)
		if o == nil || o.Type != TypeList {
			n.block(c, keys, timeout)
			return
		}
		listServePop(n, c, key, o, front, count)
		return
	}
	key, o, ok := n.firstNonEmpty(c, keys, TypeList)
	if !ok {
		return
	}
	if o != nil {
		listServePop(n, c, key, o, front, count)
		return
	}
	if !c.canBlock() {
		c.addNullArray()
		return
	}
	n.block(c, keys, timeout)
}

func listServePop(n *Node, c *Client, key []byte, o *Object, front bool, count int64) {
	if count != -1 {
		listServeMpop(n, c, key, o, front, count)
		return
	}
	v := o.List.Pop(front)
	c.addArray(2)
	c.addBulk(key)
	c.addBulk(v)
	n.listChanged(c.db, key, o)
	n.propagate(c.db, popCmdName(front), key)
}

func blmoveCmd(n *Node, c *Client, args [][]byte) {
	from, ok := listWhere(c, args[3])
	if !ok {
		return
	}
	to, ok := listWhere(c, args[4])
	if !ok {
		return
	}
	timeout, ok := parseTimeout(c, args[5])
	if !ok {
		return
	}
	if listBlockingMove(n, c, args[1], args[2], from, to, timeout) {
		n.propagate(c.db, bLMove, args[1], args[2], args[3], args[4])
	}
}

func brpoplpushCmd(n *Node, c *Client, args [][]byte) {
	timeout, ok := parseTimeout(c, args[3])
	if !ok {
		return
	}
	if listBlockingMove(n, c, args[1], args[2], false, true, timeout) {
		n.propagate(c.db, bRPopLPush, args[1], args[2])
	}
}

// listBlockingMove is blmoveGenericCommand; it reports whether an element
// moved (the caller propagates the non-blocking form).
func listBlockingMove(n *Node, c *Client, src, dst []byte, from, to bool, timeout time.Duration) bool {
	if c.blockedOn != nil {
		// Re-run for a parked client: src is the only key it waits on.
		if o := n.lookupWrite(c.db, src); o == nil || o.Type != TypeList {
			n.block(c, [][]byte{src}, timeout)
			return false
		}
		return listMove(n, c, src, dst, from, to)
	}
	o, ok := n.lookupWriteType(c, src, TypeList)
	if !ok {
		return false
	}
	if o == nil {
		if !c.canBlock() {
			c.addNull()
			return false
		}
		n.block(c, [][]byte{src}, timeout)
		return false
	}
	return listMove(n, c, src, dst, from, to)
}

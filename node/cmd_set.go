package node

import (
	"math"
	"sort"

	"opdis/node/dict"
)

// Set commands (Redis 7.0 t_set.c). A set is intset-encoded (o.big false)
// while every member is an integer (string2ll) and it has at most
// set-max-intset-entries members; then it is a hashtable for good (7.0 has
// no listpack sets). Intset members are replied in numeric order, as Redis
// does; hashtable members in table order.

func setCommands() []*Command {
	return []*Command{
		{Name: "sadd", Arity: -3, Flags: FlagWrite | FlagDenyOOM | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: saddCmd},
		{Name: "srem", Arity: -3, Flags: FlagWrite | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: sremCmd},
		{Name: "scard", Arity: 2, Flags: FlagReadonly | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: scardCmd},
		{Name: "sismember", Arity: 3, Flags: FlagReadonly | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: sismemberCmd},
		{Name: "smismember", Arity: -3, Flags: FlagReadonly | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: smismemberCmd},
		{Name: "smembers", Arity: 2, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: smembersCmd},
		{Name: "srandmember", Arity: -2, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: srandmemberCmd},
		{Name: "spop", Arity: -2, Flags: FlagWrite | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: spopCmd},
		{Name: "smove", Arity: 4, Flags: FlagWrite | FlagFast, FirstKey: 1, LastKey: 2, Step: 1, Fn: smoveCmd},
		{Name: "sinter", Arity: -2, Flags: FlagReadonly, FirstKey: 1, LastKey: -1, Step: 1, Fn: sinterCmd},
		{Name: "sintercard", Arity: -3, Flags: FlagReadonly | FlagMovableKeys, Fn: sintercardCmd},
		{Name: "sinterstore", Arity: -3, Flags: FlagWrite | FlagDenyOOM, FirstKey: 1, LastKey: -1, Step: 1, Fn: sinterstoreCmd},
		{Name: "sunion", Arity: -2, Flags: FlagReadonly, FirstKey: 1, LastKey: -1, Step: 1, Fn: sunionCmd},
		{Name: "sunionstore", Arity: -3, Flags: FlagWrite | FlagDenyOOM, FirstKey: 1, LastKey: -1, Step: 1, Fn: sunionstoreCmd},
		{Name: "sdiff", Arity: -2, Flags: FlagReadonly, FirstKey: 1, LastKey: -1, Step: 1, Fn: sdiffCmd},
		{Name: "sdiffstore", Arity: -3, Flags: FlagWrite | FlagDenyOOM, FirstKey: 1, LastKey: -1, Step: 1, Fn: sdiffstoreCmd},
		{Name: "sscan", Arity: -3, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: sscanCmd},
	}
}

// newSetObject returns an empty intset-encoded set.
func (n *Node) newSetObject() *Object {
	return &Object{Type: TypeSet, Set: dict.New[struct{}](n.env.Rand.Uint64())}
}

// setIsIntMember is Redis's isSdsRepresentableAsLongLong.
func setIsIntMember(m string) bool {
	if len(m) > 20 {
		return false
	}
	_, ok := parseInt([]byte(m))
	return ok
}

// setAdd adds member and reports whether it is new, converting an intset
// to a hashtable as Redis's setTypeAdd does.
func (n *Node) setAdd(o *Object, member string) bool {
	if !o.big && !setIsIntMember(member) {
		o.big = true
	}
	added := o.Set.Set(member, struct{}{})
	if added && !o.big && int64(o.Set.Len()) > n.cfg.SetMaxIntset {
		o.big = true
	}
	return added
}

// setMembers returns the members in Redis's iteration order for an
// intset (ascending) or in table order for a hashtable.
func setMembers(o *Object) []string {
	keys := o.Set.Keys()
	if !o.big {
		vals := make([]int64, len(keys))
		for i, k := range keys {
			vals[i], _ = parseInt([]byte(k))
		}
		sort.Sort(setIntOrder{keys, vals})
	}
	return keys
}

type setIntOrder struct {
	keys []string
	vals []int64
}

func (s setIntOrder) Len() int           { return len(s.keys) }
func (s setIntOrder) Less(i, j int) bool { return s.vals[i] < s.vals[j] }
func (s setIntOrder) Swap(i, j int) {
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	s.vals[i], s.vals[j] = s.vals[j], s.vals[i]
}

func saddCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupWriteType(c, args[1], TypeSet)
	if !ok {
		return
	}
	created := o == nil
	if created {
		o = n.newSetObject()
	}
	added := 0
	for _, m := range args[2:] {
		if n.setAdd(o, str(m)) {
			added++
		}
	}
	if added > 0 {
		if created {
			n.addKey(c.db, args[1], o)
		} else {
			n.touch(c.db, str(args[1]))
		}
		n.propagate(c.db, args...)
	}
	c.addInt(int64(added))
}

func sremCmd(n *Node, c *Client, args [][]byte) {
	n.removeMembers(c, args, TypeSet, func(o *Object, m string) bool { return o.Set.Delete(m) })
}

func smoveCmd(n *Node, c *Client, args [][]byte) {
	src := n.lookupWrite(c.db, args[1])
	dst := n.lookupWrite(c.db, args[2])
	if src == nil {
		c.addInt(0)
		return
	}
	if src.Type != TypeSet || (dst != nil && dst.Type != TypeSet) {
		c.addError(errWrongType)
		return
	}
	member := str(args[3])
	if src == dst {
		if _, found := src.Set.Get(member); found {
			c.addInt(1)
		} else {
			c.addInt(0)
		}
		return
	}
	if !src.Set.Delete(member) {
		c.addInt(0)
		return
	}
	if src.Set.Len() == 0 {
		n.removeKey(c.db, str(args[1]))
	} else {
		n.touch(c.db, str(args[1]))
	}
	if dst == nil {
		dst = n.newSetObject()
		n.setAdd(dst, member)
		n.addKey(c.db, args[2], dst)
	} else {
		n.setAdd(dst, member)
		n.touch(c.db, str(args[2]))
	}
	n.propagate(c.db, args...)
	c.addInt(1)
}

func sismemberCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeSet)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	if _, found := o.Set.Get(str(args[2])); found {
		c.addInt(1)
	} else {
		c.addInt(0)
	}
}

func smismemberCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeSet)
	if !ok {
		return
	}
	c.addArray(len(args) - 2)
	for _, m := range args[2:] {
		found := false
		if o != nil {
			_, found = o.Set.Get(str(m))
		}
		if found {
			c.addInt(1)
		} else {
			c.addInt(0)
		}
	}
}

func scardCmd(n *Node, c *Client, args [][]byte) { n.replyCard(c, args[1], TypeSet) }

// SMEMBERS is SINTER of one key in Redis 7.0.
func smembersCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeSet)
	if !ok {
		return
	}
	if o == nil {
		c.addArray(0)
		return
	}
	c.addStrings(setMembers(o))
}

// SRANDMEMBER key [count]
func srandmemberCmd(n *Node, c *Client, args [][]byte) {
	if len(args) == 3 {
		srandmemberWithCount(n, c, args)
		return
	} else if len(args) > 3 {
		c.addError(errSyntax)
		return
	}
	o, ok := n.lookupReadType(c, args[1], TypeSet)
	if !ok {
		return
	}
	if o == nil {
		c.addNull()
		return
	}
	m, _, _ := o.Set.Random(n.env.Rand)
	c.addBulkStr(m)
}

func srandmemberWithCount(n *Node, c *Client, args [][]byte) {
	l, ok := parseRangeLong(c, args[2], -math.MaxInt64, math.MaxInt64, "")
	if !ok {
		return
	}
	o, ok := n.lookupReadType(c, args[1], TypeSet)
	if !ok {
		return
	}
	if o == nil || l == 0 {
		c.addArray(0)
		return
	}
	random := func() string {
		m, _, _ := o.Set.Random(n.env.Rand)
		return m
	}
	if l < 0 {
		c.addArray(int(-l))
		for i := int64(0); i < -l; i++ {
			c.addBulkStr(random())
		}
		return
	}
	if l >= int64(o.Set.Len()) {
		c.addStrings(setMembers(o))
		return
	}
	all := func() []string { return setMembers(o) }
	c.addStrings(randDistinct(n, o.Set.Len(), int(l), all, random, sameString))
}

// SPOP key [count]
func spopCmd(n *Node, c *Client, args [][]byte) {
	if len(args) == 3 {
		spopWithCount(n, c, args)
		return
	} else if len(args) > 3 {
		c.addError(errSyntax)
		return
	}
	o, ok := n.lookupWriteType(c, args[1], TypeSet)
	if !ok {
		return
	}
	if o == nil {
		c.addNull()
		return
	}
	m, _, _ := o.Set.Random(n.env.Rand)
	o.Set.Delete(m)
	if o.Set.Len() == 0 {
		n.removeKey(c.db, str(args[1]))
	} else {
		n.touch(c.db, str(args[1]))
	}
	n.propagate(c.db, []byte("srem"), args[1], []byte(m))
	c.addBulkStr(m)
}

// spopMoveStrategyMul is Redis's SPOP_MOVE_STRATEGY_MUL: when the members
// left would be few, SPOP picks those to keep instead of those to pop.
const spopMoveStrategyMul = 5

// spopBatch is how many members one propagated SREM carries at most.
const spopBatch = 1024

func spopWithCount(n *Node, c *Client, args [][]byte) {
	count, ok := parsePositiveLong(c, args[2])
	if !ok {
		return
	}
	o, ok := n.lookupWriteType(c, args[1], TypeSet)
	if !ok {
		return
	}
	if o == nil || count == 0 {
		c.addArray(0)
		return
	}
	key := args[1]
	size := int64(o.Set.Len())
	if count >= size {
		// Everything: reply the whole set, delete it, propagate DEL.
		c.addStrings(setMembers(o))
		n.removeKey(c.db, str(key))
		n.propagate(c.db, []byte("del"), key)
		return
	}
	var popped []string
	remaining := size - count
	if remaining*spopMoveStrategyMul > count {
		for i := int64(0); i < count; i++ {
			m, _, _ := o.Set.Random(n.env.Rand)
			o.Set.Delete(m)
			popped = append(popped, m)
		}
	} else {
		// Pick the members to keep; they form a new set whose encoding is
		// chosen afresh (an intset again if they allow it).
		kept := n.newSetObject()
		for i := int64(0); i < remaining; i++ {
			m, _, _ := o.Set.Random(n.env.Rand)
			o.Set.Delete(m)
			n.setAdd(kept, m)
		}
		popped = setMembers(o)
		o.Set, o.big = kept.Set, kept.big
	}
	n.touch(c.db, str(key))
	c.addStrings(popped)
	for len(popped) > 0 {
		b := popped[:min(len(popped), spopBatch)]
		popped = popped[len(b):]
		prop := make([][]byte, 0, 2+len(b))
		prop = append(prop, []byte("srem"), key)
		for _, m := range b {
			prop = append(prop, []byte(m))
		}
		n.propagate(c.db, prop...)
	}
}

// setLookupAll looks up every key as a set (nil for a missing key). ok is
// false after a WRONGTYPE reply.
func (n *Node) setLookupAll(c *Client, keys [][]byte) ([]*Object, bool) {
	sets := make([]*Object, len(keys))
	for i, k := range keys {
		o, ok := n.lookupReadType(c, k, TypeSet)
		if !ok {
			return nil, false
		}
		sets[i] = o
	}
	return sets, true
}

// setStore stores result under dst (replacing any value and TTL) or, when
// it is empty, deletes dst; it replies the cardinality and propagates the
// command when the keyspace changed.
func (n *Node) setStore(c *Client, dst []byte, result *Object, args [][]byte) {
	if result != nil && result.Set.Len() > 0 {
		n.setKey(c.db, dst, result, false)
		c.addInt(int64(result.Set.Len()))
		n.propagate(c.db, args...)
		return
	}
	c.addInt(0)
	if n.deleteKey(c.db, dst) {
		n.propagate(c.db, args...)
	}
}

// sinterGeneric serves SINTER, SINTERCARD and SINTERSTORE.
func sinterGeneric(n *Node, c *Client, keys [][]byte, dst []byte, cardOnly bool, limit int64, args [][]byte) {
	sets, ok := n.setLookupAll(c, keys)
	if !ok {
		return
	}
	for _, s := range sets {
		if s == nil {
			switch {
			case dst != nil:
				n.setStore(c, dst, nil, args)
			case cardOnly:
				c.addInt(0)
			default:
				c.addArray(0)
			}
			return
		}
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].Set.Len() < sets[j].Set.Len() })
	var result []string
	var card int64
	for _, m := range setMembers(sets[0]) {
		in := true
		for _, s := range sets[1:] {
			if s == sets[0] {
				continue
			}
			if _, found := s.Set.Get(m); !found {
				in = false
				break
			}
		}
		if !in {
			continue
		}
		card++
		if cardOnly {
			if limit > 0 && card >= limit {
				break
			}
			continue
		}
		result = append(result, m)
	}
	switch {
	case cardOnly:
		c.addInt(card)
	case dst != nil:
		o := n.newSetObject()
		for _, m := range result {
			n.setAdd(o, m)
		}
		n.setStore(c, dst, o, args)
	default:
		c.addStrings(result)
	}
}

func sinterCmd(n *Node, c *Client, args [][]byte) {
	sinterGeneric(n, c, args[1:], nil, false, 0, args)
}

func sinterstoreCmd(n *Node, c *Client, args [][]byte) {
	sinterGeneric(n, c, args[2:], args[1], false, 0, args)
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
func sintercardCmd(n *Node, c *Client, args [][]byte) {
	numkeys, ok := parseRangeLong(c, args[1], 1, math.MaxInt64, "ERR numkeys should be greater than 0")
	if !ok {
		return
	}
	if numkeys > int64(len(args)-2) {
		c.addError("ERR Number of keys can't be greater than number of args")
		return
	}
	var limit int64
	for j := 2 + int(numkeys); j < len(args); j++ {
		if eq(args[j], "limit") && j < len(args)-1 {
			j++
			v, ok := parseRangeLong(c, args[j], 0, math.MaxInt64, "ERR LIMIT can't be negative")
			if !ok {
				return
			}
			limit = v
		} else {
			c.addError(errSyntax)
			return
		}
	}
	sinterGeneric(n, c, args[2:2+numkeys], nil, true, limit, args)
}

// sunionDiffGeneric serves SUNION, SDIFF and their STORE variants.
func sunionDiffGeneric(n *Node, c *Client, keys [][]byte, dst []byte, union bool, args [][]byte) {
	sets, ok := n.setLookupAll(c, keys)
	if !ok {
		return
	}
	result := n.newSetObject()
	if union {
		for _, s := range sets {
			if s == nil {
				continue
			}
			for _, m := range setMembers(s) {
				n.setAdd(result, m)
			}
		}
	} else if sets[0] != nil {
		for _, m := range setMembers(sets[0]) {
			in := false
			for _, s := range sets[1:] {
				if s == nil {
					continue
				}
				if _, found := s.Set.Get(m); found {
					in = true
					break
				}
			}
			if !in {
				n.setAdd(result, m)
			}
		}
	}
	if dst != nil {
		n.setStore(c, dst, result, args)
		return
	}
	c.addStrings(setMembers(result))
}

func sunionCmd(n *Node, c *Client, args [][]byte) {
	sunionDiffGeneric(n, c, args[1:], nil, true, args)
}

func sunionstoreCmd(n *Node, c *Client, args [][]byte) {
	sunionDiffGeneric(n, c, args[2:], args[1], true, args)
}

func sdiffCmd(n *Node, c *Client, args [][]byte) {
	sunionDiffGeneric(n, c, args[1:], nil, false, args)
}

func sdiffstoreCmd(n *Node, c *Client, args [][]byte) {
	sunionDiffGeneric(n, c, args[2:], args[1], false, args)
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
func sscanCmd(n *Node, c *Client, args [][]byte) {
	o, cursor, opts, ok := n.collScanStart(c, args, TypeSet)
	if !ok {
		return
	}
	var items []string
	add := func(m string, _ struct{}) {
		if opts.match(m) {
			items = append(items, m)
		}
	}
	if !o.big {
		// An intset is returned whole in one call.
		for _, m := range setMembers(o) {
			add(m, struct{}{})
		}
		addScanReply(c, 0, items)
		return
	}
	next := o.Set.Scan(cursor, opts.count, add)
	addScanReply(c, next, items)
}

package node

import (
	"strconv"
	"strings"

	"opdis/node/dict"
)

// Hash commands (Redis 7.0 t_hash.c). A hash is listpack-encoded (o.big
// false) until it holds more than hash-max-listpack-entries fields or a
// field or value longer than hash-max-listpack-value; then it is a
// hashtable for good.

func hashCommands() []*Command {
	w := FlagWrite | FlagDenyOOM | FlagFast
	r := FlagReadonly | FlagFast
	return []*Command{
		{Name: "hset", Arity: -4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Fn: hsetCmd},
		{Name: "hmset", Arity: -4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Fn: hsetCmd},
		{Name: "hsetnx", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Fn: hsetnxCmd},
		{Name: "hget", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: hgetCmd},
		{Name: "hmget", Arity: -3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: hmgetCmd},
		{Name: "hdel", Arity: -3, Flags: FlagWrite | FlagFast, FirstKey: 1, LastKey: 1, Step: 1, Fn: hdelCmd},
		{Name: "hlen", Arity: 2, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: hlenCmd},
		{Name: "hstrlen", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: hstrlenCmd},
		{Name: "hexists", Arity: 3, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: hexistsCmd},
		{Name: "hkeys", Arity: 2, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: hkeysCmd},
		{Name: "hvals", Arity: 2, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: hvalsCmd},
		{Name: "hgetall", Arity: 2, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: hgetallCmd},
		{Name: "hincrby", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Fn: hincrbyCmd},
		{Name: "hincrbyfloat", Arity: 4, Flags: w, FirstKey: 1, LastKey: 1, Step: 1, Fn: hincrbyfloatCmd},
		{Name: "hrandfield", Arity: -2, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: hrandfieldCmd},
		{Name: "hscan", Arity: -3, Flags: FlagReadonly, FirstKey: 1, LastKey: 1, Step: 1, Fn: hscanCmd},
	}
}

// newHashObject returns an empty listpack-encoded hash.
func (n *Node) newHashObject() *Object {
	return &Object{Type: TypeHash, Hash: dict.New[[]byte](n.env.Rand.Uint64())}
}

// hashSet stores field=value and reports whether the field is new. Like
// Redis's hashTypeSet it converts a listpack hash to a hashtable when the
// field or value is too long, or when the hash has too many fields.
func (n *Node) hashSet(o *Object, field, value []byte) bool {
	if !o.big && (int64(len(field)) > n.cfg.HashMaxLPValue || int64(len(value)) > n.cfg.HashMaxLPValue) {
		o.big = true
	}
	isNew := o.Hash.Set(str(field), value)
	if !o.big && int64(o.Hash.Len()) > n.cfg.HashMaxLPEntries {
		o.big = true
	}
	return isNew
}

// hashTryConversion is Redis's hashTypeTryConversion: a listpack hash
// becomes a hashtable when any of args is longer than hash-max-listpack-value.
func (n *Node) hashTryConversion(o *Object, args [][]byte) {
	if o.big {
		return
	}
	for _, a := range args {
		if int64(len(a)) > n.cfg.HashMaxLPValue {
			o.big = true
			return
		}
	}
}

// hashLookupWrite returns the hash under key, or nil with ok false
// after replying WRONGTYPE. created reports a new (still unstored) object:
// the caller stores it with addKey once it holds a field.
func (n *Node) hashLookupWrite(c *Client, key []byte) (o *Object, created, ok bool) {
	o, ok = n.lookupWriteType(c, key, TypeHash)
	if !ok {
		return nil, false, false
	}
	if o == nil {
		return n.newHashObject(), true, true
	}
	return o, false, true
}

// hashStore stores a freshly created hash, or signals the change of an
// existing one.
func (n *Node) hashStore(c *Client, key []byte, o *Object, created bool) {
	if created {
		n.addKey(c.db, key, o)
	} else {
		n.touch(c.db, str(key))
	}
}

// HSET key field value [field value ...], HMSET (same, replies OK).
func hsetCmd(n *Node, c *Client, args [][]byte) {
	if len(args)%2 == 1 {
		wrongArity(c, strings.ToLower(string(args[0])))
		return
	}
	o, created, ok := n.hashLookupWrite(c, args[1])
	if !ok {
		return
	}
	n.hashTryConversion(o, args[2:])
	added := 0
	for i := 2; i < len(args); i += 2 {
		if n.hashSet(o, args[i], ownIf(len(args) > 4, args[i+1])) {
			added++
		}
	}
	n.hashStore(c, args[1], o, created)
	if eq(args[0], "hmset") {
		c.addOK()
	} else {
		c.addInt(int64(added))
	}
	n.propagate(c.db, args...)
}

func hsetnxCmd(n *Node, c *Client, args [][]byte) {
	o, created, ok := n.hashLookupWrite(c, args[1])
	if !ok {
		return
	}
	if _, exists := o.Hash.Get(str(args[2])); exists {
		c.addInt(0)
		return
	}
	n.hashTryConversion(o, args[2:4])
	n.hashSet(o, args[2], args[3])
	n.hashStore(c, args[1], o, created)
	c.addInt(1)
	n.propagate(c.db, args...)
}

func hgetCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeHash)
	if !ok {
		return
	}
	if o == nil {
		c.addNull()
		return
	}
	if v, found := o.Hash.Get(str(args[2])); found {
		c.addBulk(v)
	} else {
		c.addNull()
	}
}

func hmgetCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeHash)
	if !ok {
		return
	}
	c.addArray(len(args) - 2)
	for _, f := range args[2:] {
		if o == nil {
			c.addNull()
			continue
		}
		if v, found := o.Hash.Get(str(f)); found {
			c.addBulk(v)
		} else {
			c.addNull()
		}
	}
}

func hdelCmd(n *Node, c *Client, args [][]byte) {
	n.removeMembers(c, args, TypeHash, func(o *Object, f string) bool { return o.Hash.Delete(f) })
}

func hlenCmd(n *Node, c *Client, args [][]byte) { n.replyCard(c, args[1], TypeHash) }

func hstrlenCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeHash)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	v, _ := o.Hash.Get(str(args[2]))
	c.addInt(int64(len(v)))
}

func hexistsCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeHash)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	if _, found := o.Hash.Get(str(args[2])); found {
		c.addInt(1)
	} else {
		c.addInt(0)
	}
}

// hgetallGeneric replies the fields and/or values of a hash in table order.
func hgetallGeneric(n *Node, c *Client, args [][]byte, fields, values bool) {
	o, ok := n.lookupReadType(c, args[1], TypeHash)
	if !ok {
		return
	}
	if o == nil {
		c.addArray(0)
		return
	}
	per := 0
	if fields {
		per++
	}
	if values {
		per++
	}
	c.addArray(o.Hash.Len() * per)
	o.Hash.Range(func(k string, v []byte) bool {
		if fields {
			c.addBulkStr(k)
		}
		if values {
			c.addBulk(v)
		}
		return true
	})
}

func hkeysCmd(n *Node, c *Client, args [][]byte)   { hgetallGeneric(n, c, args, true, false) }
func hvalsCmd(n *Node, c *Client, args [][]byte)   { hgetallGeneric(n, c, args, false, true) }
func hgetallCmd(n *Node, c *Client, args [][]byte) { hgetallGeneric(n, c, args, true, true) }

func hincrbyCmd(n *Node, c *Client, args [][]byte) {
	incr, ok := parseInt(args[3])
	if !ok {
		c.addError(errNotInt)
		return
	}
	o, created, ok := n.hashLookupWrite(c, args[1])
	if !ok {
		return
	}
	var value int64
	if v, found := o.Hash.Get(str(args[2])); found {
		if value, ok = parseInt(v); !ok {
			c.addError("ERR hash value is not an integer")
			return
		}
	}
	if addOverflows(value, incr) {
		c.addError(errOverflow)
		return
	}
	value += incr
	n.hashSet(o, args[2], strconv.AppendInt(nil, value, 10))
	n.hashStore(c, args[1], o, created)
	c.addInt(value)
	n.propagate(c.db, args...)
}

func hincrbyfloatCmd(n *Node, c *Client, args [][]byte) {
	incr, ok := parseLongDouble(args[3])
	if !ok {
		c.addError(errNotFloat)
		return
	}
	if incr.isInf() {
		c.addError("ERR value is NaN or Infinity")
		return
	}
	o, created, ok := n.hashLookupWrite(c, args[1])
	if !ok {
		return
	}
	value := ldZero()
	if v, found := o.Hash.Get(str(args[2])); found {
		if value, ok = parseLongDouble(v); !ok {
			c.addError("ERR hash value is not a float")
			return
		}
	}
	sum, ok := value.add(incr)
	if !ok {
		c.addError("ERR increment would produce NaN or Infinity")
		return
	}
	res := []byte(sum.human())
	n.hashSet(o, args[2], res)
	n.hashStore(c, args[1], o, created)
	c.addBulk(res)
	n.propagate(c.db, []byte("hset"), args[1], args[2], res)
}

// HRANDFIELD key [count [WITHVALUES]]
func hrandfieldCmd(n *Node, c *Client, args [][]byte) {
	if len(args) >= 3 {
		l, withValues, ok := parseRandCount(c, args, "withvalues")
		if !ok {
			return
		}
		hrandfieldWithCount(n, c, args[1], l, withValues)
		return
	}
	o, ok := n.lookupReadType(c, args[1], TypeHash)
	if !ok {
		return
	}
	if o == nil {
		c.addNull()
		return
	}
	k, _, _ := o.Hash.Random(n.env.Rand)
	c.addBulkStr(k)
}

func hrandfieldWithCount(n *Node, c *Client, key []byte, l int64, withValues bool) {
	o, ok := n.lookupReadType(c, key, TypeHash)
	if !ok {
		return
	}
	if o == nil || l == 0 {
		c.addArray(0)
		return
	}
	per := 1
	if withValues {
		per = 2
	}
	reply := func(k string, v []byte) {
		c.addBulkStr(k)
		if withValues {
			c.addBulk(v)
		}
	}
	if l < 0 {
		// Repetitions allowed: sample the whole hash each time.
		count := -l
		c.addArray(int(count) * per)
		for ; count > 0; count-- {
			k, v, _ := o.Hash.Random(n.env.Rand)
			reply(k, v)
		}
		return
	}
	size := int64(o.Hash.Len())
	if l >= size {
		c.addArray(int(size) * per)
		o.Hash.Range(func(k string, v []byte) bool { reply(k, v); return true })
		return
	}
	keys := randDistinct(n, int(size), int(l), o.Hash.Keys, func() string {
		k, _, _ := o.Hash.Random(n.env.Rand)
		return k
	}, sameString)
	c.addArray(len(keys) * per)
	for _, k := range keys {
		v, _ := o.Hash.Get(k)
		reply(k, v)
	}
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
func hscanCmd(n *Node, c *Client, args [][]byte) {
	o, cursor, opts, ok := n.collScanStart(c, args, TypeHash)
	if !ok {
		return
	}
	var items []string
	add := func(k string, v []byte) {
		if opts.match(k) {
			items = append(items, k, string(v))
		}
	}
	if !o.big {
		// A listpack hash is returned whole in one call.
		o.Hash.Range(func(k string, v []byte) bool { add(k, v); return true })
		addScanReply(c, 0, items)
		return
	}
	next := o.Hash.Scan(cursor, opts.count, add)
	addScanReply(c, next, items)
}

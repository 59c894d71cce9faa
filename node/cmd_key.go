package node

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"opdis/node/dict"
)

// Generic keyspace commands, as Redis 7.0.15's db.c, expire.c and object.c.

func keyCommands() []*Command {
	const w, r, oom, fast = FlagWrite, FlagReadonly, FlagDenyOOM, FlagFast
	return []*Command{
		{Name: "del", Arity: -2, Flags: w, FirstKey: 1, LastKey: -1, Step: 1, Fn: delCmd},
		{Name: "unlink", Arity: -2, Flags: w | fast, FirstKey: 1, LastKey: -1, Step: 1, Fn: delCmd},
		{Name: "exists", Arity: -2, Flags: r | fast, FirstKey: 1, LastKey: -1, Step: 1, Fn: existsCmd},
		{Name: "type", Arity: 2, Flags: r | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: typeCmd},
		{Name: "keys", Arity: 2, Flags: r, Fn: keysCmd},
		{Name: "scan", Arity: -2, Flags: r, Fn: scanCmd},
		{Name: "rename", Arity: 3, Flags: w, FirstKey: 1, LastKey: 2, Step: 1, Fn: renameCmd},
		{Name: "renamenx", Arity: 3, Flags: w | fast, FirstKey: 1, LastKey: 2, Step: 1, Fn: renamenxCmd},
		{Name: "randomkey", Arity: 1, Flags: r, Fn: randomkeyCmd},
		{Name: "dbsize", Arity: 1, Flags: r | fast, Fn: dbsizeCmd},
		{Name: "flushdb", Arity: -1, Flags: w, Fn: flushdbCmd},
		{Name: "flushall", Arity: -1, Flags: w, Fn: flushallCmd},
		{Name: "copy", Arity: -3, Flags: w | oom, FirstKey: 1, LastKey: 2, Step: 1, Fn: copyCmd},
		{Name: "move", Arity: 3, Flags: w | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: moveCmd},
		{Name: "swapdb", Arity: 3, Flags: w | fast, Fn: swapdbCmd},
		{Name: "expire", Arity: -3, Flags: w | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: expireCmd},
		{Name: "pexpire", Arity: -3, Flags: w | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: pexpireCmd},
		{Name: "expireat", Arity: -3, Flags: w | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: expireatCmd},
		{Name: "pexpireat", Arity: -3, Flags: w | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: pexpireatCmd},
		{Name: "ttl", Arity: 2, Flags: r | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: ttlCmd},
		{Name: "pttl", Arity: 2, Flags: r | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: pttlCmd},
		{Name: "expiretime", Arity: 2, Flags: r | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: expiretimeCmd},
		{Name: "pexpiretime", Arity: 2, Flags: r | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: pexpiretimeCmd},
		{Name: "persist", Arity: 2, Flags: w | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: persistCmd},
		{Name: "touch", Arity: -2, Flags: r | fast, FirstKey: 1, LastKey: -1, Step: 1, Fn: touchCmd},
		{Name: "object", Arity: -2, Fn: containerCmd},
	}
}

// signalAdded is dbAdd's signalKeyAsReady for a value that appeared under
// key (RENAME, MOVE, COPY, SWAPDB): only types with blocking commands
// (lists, sorted sets) can wake anyone.
func (n *Node) signalAdded(db *DB, key []byte, o *Object) {
	if o.Type == TypeList || o.Type == TypeZSet {
		n.signalReady(db, key)
	}
}

// DEL and UNLINK (opdis frees memory at once either way).
func delCmd(n *Node, c *Client, args [][]byte) {
	var deleted [][]byte
	for _, k := range args[1:] {
		if n.deleteKey(c.db, k) {
			deleted = append(deleted, k)
		}
	}
	c.addInt(int64(len(deleted)))
	if len(deleted) > 0 {
		name := []byte("del")
		if eq(args[0], "unlink") {
			name = []byte("unlink")
		}
		n.propagate(c.db, append([][]byte{name}, deleted...)...)
	}
}

func existsCmd(n *Node, c *Client, args [][]byte) {
	count := 0
	for _, k := range args[1:] {
		if n.lookupKeyNoTouch(c.db, k) != nil {
			count++
		}
	}
	c.addInt(int64(count))
}

func typeCmd(n *Node, c *Client, args [][]byte) {
	o := n.lookupKeyNoTouch(c.db, args[1])
	if o == nil {
		c.addSimple("none")
		return
	}
	c.addSimple(o.Type.String())
}

// keyLogicallyExpired is keyIsExpired: the key has a TTL in the past (it may still
// be in the table).
func (n *Node) keyLogicallyExpired(db *DB, key string) bool {
	at, ok := db.expires.Get(key)
	return ok && at <= n.nowMs() && !n.op.applying
}

// alreadyExpired is checkAlreadyExpired: an absolute expiry in the past
// deletes the key at once, except while replaying the log, where nothing
// expires (keyIsExpired is false while loading): a later entry may still
// extend the TTL the original node saw in time.
func (n *Node) alreadyExpired(when int64) bool {
	return when <= n.nowMs() && !n.op.applying
}

// strBytes views a key as bytes without copying, for read-only use.
func strBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

func keysCmd(n *Node, c *Client, args [][]byte) {
	pattern := args[1]
	all := len(pattern) == 1 && pattern[0] == '*'
	var out []string
	c.db.keys.Range(func(k string, _ *Object) bool {
		if (all || GlobMatch(pattern, strBytes(k), false)) && !n.keyLogicallyExpired(c.db, k) {
			out = append(out, k)
		}
		return true
	})
	c.addStrings(out)
}

func scanCmd(n *Node, c *Client, args [][]byte) {
	cursor, ok := parseScanCursor(args[1])
	if !ok {
		c.addError(errInvalidCursor)
		return
	}
	opts, ok := parseScanOptions(c, args[2:], true)
	if !ok {
		return
	}
	var keys []string
	cursor = c.db.keys.Scan(cursor, opts.count, func(k string, _ *Object) {
		keys = append(keys, k)
	})
	out := keys[:0]
	for _, k := range keys {
		if !opts.match(k) {
			continue
		}
		if opts.typ != nil {
			o := n.lookupKeyNoTouch(c.db, []byte(k))
			name := "none"
			if o != nil {
				name = o.Type.String()
			}
			if !strings.EqualFold(str(cString(opts.typ)), name) {
				continue
			}
		}
		if n.expireIfNeeded(c.db, k) {
			continue
		}
		out = append(out, k)
	}
	addScanReply(c, cursor, out)
}

func renameCmd(n *Node, c *Client, args [][]byte)   { n.renameGeneric(c, args, false) }
func renamenxCmd(n *Node, c *Client, args [][]byte) { n.renameGeneric(c, args, true) }

func (n *Node) renameGeneric(c *Client, args [][]byte, nx bool) {
	src, dst := args[1], args[2]
	o := n.lookupWrite(c.db, src)
	if o == nil {
		c.addError(errNoSuchKey)
		return
	}
	if str(src) == str(dst) {
		if nx {
			c.addInt(0)
		} else {
			c.addOK()
		}
		return
	}
	expire := c.db.expireAt(str(src))
	if n.lookupWrite(c.db, dst) != nil {
		if nx {
			c.addInt(0)
			return
		}
		n.removeKey(c.db, str(dst))
	}
	n.setKey(c.db, dst, o, false)
	if expire != -1 {
		n.setExpire(c.db, dst, expire)
	}
	n.removeKey(c.db, str(src))
	n.signalAdded(c.db, dst, o)
	if nx {
		c.addInt(1)
	} else {
		c.addOK()
	}
	n.propagate(c.db, args...)
}

func randomkeyCmd(n *Node, c *Client, args [][]byte) {
	for {
		k, _, ok := c.db.keys.Random(n.env.Rand)
		if !ok {
			c.addNull()
			return
		}
		if n.expireIfNeeded(c.db, k) {
			continue
		}
		c.addBulkStr(k)
		return
	}
}

func dbsizeCmd(n *Node, c *Client, args [][]byte) { c.addInt(int64(c.db.Len())) }

// parseFlushFlags accepts FLUSHDB/FLUSHALL's optional ASYNC or SYNC.
func parseFlushFlags(c *Client, args [][]byte) bool {
	if len(args) > 2 || (len(args) == 2 && !optEqC(args[1], "sync") && !optEqC(args[1], "async")) {
		c.addError(errSyntax)
		return false
	}
	return true
}

// touchWatchedInDB is touchAllWatchedKeysInDb: before db emptied loses its
// keys (FLUSHDB) or gets replacedWith's (SWAPDB), fail the EXEC of every
// client watching a key of emptied that exists there or in replacedWith.
func (n *Node) touchWatchedInDB(emptied, replacedWith *DB) {
	if len(n.watched) == 0 {
		return
	}
	for wk, clients := range n.watched { //det:ok only sets flags
		if wk.db != emptied.id {
			continue
		}
		_, inEmptied := emptied.keys.Get(wk.key)
		inReplaced := false
		if replacedWith != nil {
			_, inReplaced = replacedWith.keys.Get(wk.key)
		}
		if inEmptied || inReplaced {
			for _, c := range clients {
				c.dirtyCAS = true
			}
		}
	}
}

func (n *Node) flushDB(db *DB) {
	n.touchWatchedInDB(db, nil)
	n.dirty += int64(db.keys.Len())
	db.keys.Clear()
	db.expires.Clear()
}

func flushdbCmd(n *Node, c *Client, args [][]byte) {
	if !parseFlushFlags(c, args) {
		return
	}
	n.flushDB(c.db)
	c.addOK()
	n.propagate(c.db, args...)
}

func flushallCmd(n *Node, c *Client, args [][]byte) {
	if !parseFlushFlags(c, args) {
		return
	}
	for _, db := range n.dbs {
		n.flushDB(db)
	}
	n.dirty++
	c.addOK()
	n.propagate(c.db, args...)
}

// keyDBIndexArg is getIntFromObjectOrReply plus selectDb's range check.
func (n *Node) keyDBIndexArg(c *Client, arg []byte) (*DB, bool) {
	v, ok := parseInt(arg)
	if !ok || v < math.MinInt32 || v > math.MaxInt32 {
		c.addError(errNotInt)
		return nil, false
	}
	if v < 0 || v >= int64(len(n.dbs)) {
		c.addError(errDBIndex)
		return nil, false
	}
	return n.dbs[v], true
}

const errSameObject = "ERR source and destination objects are the same"

func moveCmd(n *Node, c *Client, args [][]byte) {
	key := args[1]
	src := c.db
	dst, ok := n.keyDBIndexArg(c, args[2])
	if !ok {
		return
	}
	if src == dst {
		c.addError(errSameObject)
		return
	}
	o := n.lookupWrite(src, key)
	if o == nil {
		c.addInt(0)
		return
	}
	expire := src.expireAt(str(key))
	if n.lookupWrite(dst, key) != nil {
		c.addInt(0)
		return
	}
	n.setKey(dst, key, o, false)
	if expire != -1 {
		n.setExpire(dst, key, expire)
	}
	n.removeKey(src, str(key))
	n.signalAdded(dst, key, o)
	c.addInt(1)
	n.propagate(src, args...)
}

func copyCmd(n *Node, c *Client, args [][]byte) {
	src, dst := c.db, c.db
	replace := false
	for j := 3; j < len(args); j++ {
		more := len(args) - j - 1
		switch {
		case optEqC(args[j], "replace"):
			replace = true
		case optEqC(args[j], "db") && more >= 1:
			db, ok := n.keyDBIndexArg(c, args[j+1])
			if !ok {
				return
			}
			dst = db
			j++
		default:
			c.addError(errSyntax)
			return
		}
	}
	key, newkey := args[1], args[2]
	if src == dst && str(key) == str(newkey) {
		c.addError(errSameObject)
		return
	}
	o := n.lookupRead(src, key)
	if o == nil {
		c.addInt(0)
		return
	}
	expire := src.expireAt(str(key))
	del := false
	if n.lookupWrite(dst, newkey) != nil {
		if !replace {
			c.addInt(0)
			return
		}
		del = true
	}
	dup := n.dupObject(o)
	if del {
		n.removeKey(dst, str(newkey))
	}
	n.setKey(dst, newkey, dup, false)
	if expire != -1 {
		n.setExpire(dst, newkey, expire)
	}
	n.signalAdded(dst, newkey, dup)
	c.addInt(1)
	n.propagate(src, args...)
}

// dupObject deep-copies a value for COPY, keeping its encoding.
func (n *Node) dupObject(o *Object) *Object {
	d := &Object{Type: o.Type, big: o.big, raw: o.raw}
	switch o.Type {
	case TypeString:
		d.Str = append([]byte(nil), o.Str...)
		if _, ok := stringIsInt(o); ok {
			d.raw, d.big = true, true // an int copy is never shared
		}
	case TypeList:
		d.List = o.List.Clone()
	case TypeZSet:
		d.ZSet = o.ZSet.Clone()
	case TypeSet:
		d.Set = dict.New[struct{}](n.env.Rand.Uint64())
		o.Set.Range(func(k string, v struct{}) bool {
			d.Set.Set(k, v)
			return true
		})
	case TypeHash:
		d.Hash = dict.New[[]byte](n.env.Rand.Uint64())
		o.Hash.Range(func(k string, v []byte) bool {
			d.Hash.Set(k, append([]byte(nil), v...))
			return true
		})
	}
	return d
}

func swapdbCmd(n *Node, c *Client, args [][]byte) {
	id1, ok1 := parseInt(args[1])
	if !ok1 || id1 < math.MinInt32 || id1 > math.MaxInt32 {
		c.addError("ERR invalid first DB index")
		return
	}
	id2, ok2 := parseInt(args[2])
	if !ok2 || id2 < math.MinInt32 || id2 > math.MaxInt32 {
		c.addError("ERR invalid second DB index")
		return
	}
	num := int64(len(n.dbs))
	if id1 < 0 || id1 >= num || id2 < 0 || id2 >= num {
		c.addError(errDBIndex)
		return
	}
	if id1 != id2 {
		db1, db2 := n.dbs[id1], n.dbs[id2]
		n.touchWatchedInDB(db1, db2)
		n.touchWatchedInDB(db2, db1)
		db1.keys, db2.keys = db2.keys, db1.keys
		db1.expires, db2.expires = db2.expires, db1.expires
		// Clients blocked on a key that now exists may be served.
		for _, bc := range append([]*Client(nil), n.blocked.clients...) {
			bs := bc.blockedOn
			if bs == nil || (bs.db != db1 && bs.db != db2) {
				continue
			}
			for _, k := range bs.keys {
				if o, ok := bs.db.keys.Get(k); ok {
					n.signalAdded(bs.db, []byte(k), o)
				}
			}
		}
	}
	n.dirty++
	c.addOK()
	n.propagate(c.db, args...)
}

// EXPIRE family flags.
const (
	expireNX = 1 << iota
	expireXX
	expireGT
	expireLT
)

func expireCmd(n *Node, c *Client, args [][]byte) {
	n.expireGeneric(c, args, n.nowMs(), true, "expire")
}
func pexpireCmd(n *Node, c *Client, args [][]byte) {
	n.expireGeneric(c, args, n.nowMs(), false, "pexpire")
}
func expireatCmd(n *Node, c *Client, args [][]byte) {
	n.expireGeneric(c, args, 0, true, "expireat")
}
func pexpireatCmd(n *Node, c *Client, args [][]byte) {
	n.expireGeneric(c, args, 0, false, "pexpireat")
}

// expireGeneric is expireGenericCommand: basetime is 0 for the *AT forms.
func (n *Node) expireGeneric(c *Client, args [][]byte, basetime int64, seconds bool, name string) {
	key := args[1]
	flags := 0
	for _, opt := range args[3:] {
		switch {
		case optEqC(opt, "nx"):
			flags |= expireNX
		case optEqC(opt, "xx"):
			flags |= expireXX
		case optEqC(opt, "gt"):
			flags |= expireGT
		case optEqC(opt, "lt"):
			flags |= expireLT
		default:
			c.addError(fmt.Sprintf("ERR Unsupported option %s", cString(opt)))
			return
		}
	}
	if flags&expireNX != 0 && flags&(expireXX|expireGT|expireLT) != 0 {
		c.addError("ERR NX and XX, GT or LT options at the same time are not compatible")
		return
	}
	if flags&expireGT != 0 && flags&expireLT != 0 {
		c.addError("ERR GT and LT options at the same time are not compatible")
		return
	}
	when, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	if seconds {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			c.addError(fmt.Sprintf(errInvalidExpire, name))
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-basetime {
		c.addError(fmt.Sprintf(errInvalidExpire, name))
		return
	}
	when += basetime
	if n.lookupWrite(c.db, key) == nil {
		c.addInt(0)
		return
	}
	cur := c.db.expireAt(str(key))
	if (flags&expireNX != 0 && cur != -1) ||
		(flags&expireXX != 0 && cur == -1) ||
		(flags&expireGT != 0 && (when <= cur || cur == -1)) ||
		(flags&expireLT != 0 && cur != -1 && when >= cur) {
		c.addInt(0)
		return
	}
	if n.alreadyExpired(when) {
		n.removeKey(c.db, str(key))
		c.addInt(1)
		n.propagate(c.db, []byte("del"), key)
		return
	}
	n.setExpire(c.db, key, when)
	c.addInt(1)
	n.propagate(c.db, []byte("pexpireat"), key, strconv.AppendInt(nil, when, 10))
}

func ttlCmd(n *Node, c *Client, args [][]byte)         { n.ttlGeneric(c, args[1], false, false) }
func pttlCmd(n *Node, c *Client, args [][]byte)        { n.ttlGeneric(c, args[1], true, false) }
func expiretimeCmd(n *Node, c *Client, args [][]byte)  { n.ttlGeneric(c, args[1], false, true) }
func pexpiretimeCmd(n *Node, c *Client, args [][]byte) { n.ttlGeneric(c, args[1], true, true) }

func (n *Node) ttlGeneric(c *Client, key []byte, ms, abs bool) {
	if n.lookupKeyNoTouch(c.db, key) == nil {
		c.addInt(-2)
		return
	}
	expire := c.db.expireAt(str(key))
	if expire == -1 {
		c.addInt(-1)
		return
	}
	ttl := expire
	if !abs {
		ttl -= n.nowMs()
	}
	if ttl < 0 {
		ttl = 0
	}
	if !ms {
		ttl = int64((uint64(ttl) + 500) / 1000)
	}
	c.addInt(ttl)
}

func persistCmd(n *Node, c *Client, args [][]byte) {
	if n.lookupWrite(c.db, args[1]) == nil {
		c.addInt(0)
		return
	}
	if !n.persist(c.db, args[1]) {
		c.addInt(0)
		return
	}
	c.addInt(1)
	n.propagate(c.db, []byte("persist"), args[1])
}

func touchCmd(n *Node, c *Client, args [][]byte) {
	count := 0
	for _, k := range args[1:] {
		if n.lookupRead(c.db, k) != nil {
			count++
		}
	}
	c.addInt(int64(count))
}

var objectHelp = []string{
	"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
	"HELP",
	"    Prints this help.",
}

func (n *Node) objLFUPolicy() bool {
	return strings.HasSuffix(n.cfg.MaxMemoryPolicy, "-lfu")
}

// objectSubcommands are OBJECT's subcommands; the dispatcher checks their
// names and arities (so a bad one is refused inside MULTI, as in Redis).
func objectSubcommands() []*subcommand {
	key := func(name string) *subcommand {
		return &subcommand{name: name, arity: 3, flags: FlagReadonly, first: 2, last: 2, step: 1, fn: objectCmd}
	}
	return []*subcommand{
		{name: "help", arity: 2, flags: FlagLoading | FlagStale, fn: objectCmd},
		key("encoding"), key("freq"), key("idletime"), key("refcount"),
	}
}

func objectCmd(n *Node, c *Client, args [][]byte) {
	sub := args[1]
	if eq(sub, "help") {
		c.addArray(len(objectHelp))
		for _, line := range objectHelp {
			c.addSimple(line)
		}
		return
	}
	o := n.lookupKeyNoTouch(c.db, args[2])
	if o == nil {
		c.addNull()
		return
	}
	switch {
	case eq(sub, "encoding"):
		c.addBulkStr(n.encodingName(o))
	case eq(sub, "refcount"):
		c.addInt(n.refcount(o))
	case eq(sub, "idletime"):
		if n.objLFUPolicy() {
			c.addError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
			return
		}
		c.addInt(max(0, n.nowMs()/1000-o.access/1000))
	default: // freq
		if !n.objLFUPolicy() {
			c.addError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
			return
		}
		c.addInt(lfuInitVal)
	}
}

// lfuInitVal is the LFU counter of a new object; opdis does not track
// access frequency, so OBJECT FREQ always reports it.
const lfuInitVal = 5

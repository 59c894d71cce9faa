package node

import (
	"fmt"
	"math"
	"strconv"
)

// String commands, as Redis 7.0.15's t_string.c.

func stringCommands() []*Command {
	const w, r, oom, fast = FlagWrite, FlagReadonly, FlagDenyOOM, FlagFast
	return []*Command{
		{Name: "get", Arity: 2, Flags: r | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: getCmd},
		{Name: "set", Arity: -3, Flags: w | oom, FirstKey: 1, LastKey: 1, Step: 1, Fn: setCmd},
		{Name: "setnx", Arity: 3, Flags: w | oom | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: setnxCmd},
		{Name: "setex", Arity: 4, Flags: w | oom, FirstKey: 1, LastKey: 1, Step: 1, Fn: setexCmd},
		{Name: "psetex", Arity: 4, Flags: w | oom, FirstKey: 1, LastKey: 1, Step: 1, Fn: psetexCmd},
		{Name: "mget", Arity: -2, Flags: r | fast, FirstKey: 1, LastKey: -1, Step: 1, Fn: mgetCmd},
		{Name: "mset", Arity: -3, Flags: w | oom, FirstKey: 1, LastKey: -1, Step: 2, Fn: msetCmd},
		{Name: "msetnx", Arity: -3, Flags: w | oom, FirstKey: 1, LastKey: -1, Step: 2, Fn: msetnxCmd},
		{Name: "getset", Arity: 3, Flags: w | oom | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: getsetCmd},
		{Name: "getdel", Arity: 2, Flags: w | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: getdelCmd},
		{Name: "getex", Arity: -2, Flags: w | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: getexCmd},
		{Name: "append", Arity: 3, Flags: w | oom | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: appendCmd},
		{Name: "strlen", Arity: 2, Flags: r | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: strlenCmd},
		{Name: "incr", Arity: 2, Flags: w | oom | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: incrCmd},
		{Name: "decr", Arity: 2, Flags: w | oom | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: decrCmd},
		{Name: "incrby", Arity: 3, Flags: w | oom | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: incrbyCmd},
		{Name: "decrby", Arity: 3, Flags: w | oom | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: decrbyCmd},
		{Name: "incrbyfloat", Arity: 3, Flags: w | oom | fast, FirstKey: 1, LastKey: 1, Step: 1, Fn: incrbyfloatCmd},
		{Name: "getrange", Arity: 4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: getrangeCmd},
		{Name: "substr", Arity: 4, Flags: r, FirstKey: 1, LastKey: 1, Step: 1, Fn: getrangeCmd},
		{Name: "setrange", Arity: 4, Flags: w | oom, FirstKey: 1, LastKey: 1, Step: 1, Fn: setrangeCmd},
		{Name: "lcs", Arity: -3, Flags: r, FirstKey: 1, LastKey: 2, Step: 1, Fn: lcsCmd},
	}
}

// expireOption returns the flag of an EX/PX/EXAT/PXAT option word, or 0.
func expireOption(opt []byte) int {
	switch {
	case optEqC(opt, "ex"):
		return setEX
	case optEqC(opt, "px"):
		return setPX
	case optEqC(opt, "exat"):
		return setEXAT
	case optEqC(opt, "pxat"):
		return setPXAT
	}
	return 0
}

// SET option flags (OBJ_SET_NX ... in Redis).
const (
	setNX = 1 << iota
	setXX
	setGet
	setKeepTTL
	setPersist
	setEX
	setPX
	setEXAT
	setPXAT
)

const setAnyExpire = setEX | setPX | setEXAT | setPXAT

// parseSetOptions is parseExtendedStringArgumentsOrReply: SET options from
// args[3:] (isSet) or GETEX options from args[2:]. It replies the syntax
// error itself.
func parseSetOptions(c *Client, args [][]byte, isSet bool) (flags int, expire []byte, ok bool) {
	j := 3
	if !isSet {
		j = 2
	}
	for ; j < len(args); j++ {
		opt := args[j]
		hasNext := j < len(args)-1
		switch {
		case optEqC(opt, "nx") && flags&setXX == 0 && isSet:
			flags |= setNX
		case optEqC(opt, "xx") && flags&setNX == 0 && isSet:
			flags |= setXX
		case optEqC(opt, "get") && isSet:
			flags |= setGet
		case optEqC(opt, "keepttl") && flags&(setPersist|setAnyExpire) == 0 && isSet:
			flags |= setKeepTTL
		case optEqC(opt, "persist") && !isSet && flags&(setAnyExpire|setKeepTTL) == 0:
			flags |= setPersist
		case expireOption(opt) != 0 && flags&(setKeepTTL|setPersist|setAnyExpire&^expireOption(opt)) == 0 && hasNext:
			// EX, PX, EXAT, PXAT: one kind only, though it may repeat.
			flags |= expireOption(opt)
			expire = args[j+1]
			j++
		default:
			c.addError(errSyntax)
			return 0, nil, false
		}
	}
	return flags, expire, true
}

// expireMillis is getExpireMillisecondsOrReply: the absolute unix-ms time
// an EX/PX/EXAT/PXAT argument names. name is the command for the error.
func (n *Node) expireMillis(c *Client, arg []byte, flags int, name string) (int64, bool) {
	ms, ok := parseInt(arg)
	if !ok {
		c.addError(errNotInt)
		return 0, false
	}
	seconds := flags&(setEX|setEXAT) != 0
	if ms <= 0 || (seconds && ms > math.MaxInt64/1000) {
		c.addError(fmt.Sprintf(errInvalidExpire, name))
		return 0, false
	}
	if seconds {
		ms *= 1000
	}
	if flags&(setEX|setPX) != 0 {
		ms += n.nowMs() // wraps negative on overflow, as in C
	}
	if ms <= 0 {
		c.addError(fmt.Sprintf(errInvalidExpire, name))
		return 0, false
	}
	return ms, true
}

// replyStringValue is getGenericCommand: it replies the value, nil, or
// WRONGTYPE, and reports false only for WRONGTYPE.
func (n *Node) replyStringValue(c *Client, key []byte) bool {
	o := n.lookupRead(c.db, key)
	if o == nil {
		c.addNull()
		return true
	}
	if o.Type != TypeString {
		c.addError(errWrongType)
		return false
	}
	c.addBulk(o.Str)
	return true
}

func getCmd(n *Node, c *Client, args [][]byte) { n.replyStringValue(c, args[1]) }

func setCmd(n *Node, c *Client, args [][]byte) {
	flags, expire, ok := parseSetOptions(c, args, true)
	if !ok {
		return
	}
	n.setGeneric(c, flags, args[1], args[2], expire, "set", false)
}

func setnxCmd(n *Node, c *Client, args [][]byte) {
	n.setGeneric(c, setNX, args[1], args[2], nil, "setnx", true)
}

func setexCmd(n *Node, c *Client, args [][]byte) {
	n.setGeneric(c, setEX, args[1], args[3], args[2], "setex", false)
}

func psetexCmd(n *Node, c *Client, args [][]byte) {
	n.setGeneric(c, setPX, args[1], args[3], args[2], "psetex", false)
}

// setGeneric is Redis's setGenericCommand. intReply selects SETNX's
// :1/:0 replies instead of +OK/nil.
func (n *Node) setGeneric(c *Client, flags int, key, val, expire []byte, name string, intReply bool) {
	var when int64
	if expire != nil {
		var ok bool
		if when, ok = n.expireMillis(c, expire, flags, name); !ok {
			return
		}
	}
	if flags&setGet != 0 && !n.replyStringValue(c, key) {
		return
	}
	found := n.lookupWrite(c.db, key) != nil
	if (flags&setNX != 0 && found) || (flags&setXX != 0 && !found) {
		if flags&setGet == 0 {
			if intReply {
				c.addInt(0)
			} else {
				c.addNull()
			}
		}
		return
	}
	if n.bug("lost-write") {
		c.addOK()
		return
	}
	n.setKey(c.db, key, newStringObject(val), flags&setKeepTTL != 0)
	if expire != nil {
		n.setExpire(c.db, key, when)
	}
	if flags&setGet == 0 {
		if intReply {
			c.addInt(1)
		} else {
			c.addOK()
		}
	}
	switch {
	case expire != nil:
		n.propagate(c.db, []byte("set"), key, val, []byte("pxat"), strconv.AppendInt(nil, when, 10))
	case flags&setKeepTTL != 0:
		n.propagate(c.db, []byte("set"), key, val, []byte("keepttl"))
	default:
		n.propagate(c.db, []byte("set"), key, val)
	}
}

func mgetCmd(n *Node, c *Client, args [][]byte) {
	c.addArray(len(args) - 1)
	for _, k := range args[1:] {
		o := n.lookupRead(c.db, k)
		if o == nil || o.Type != TypeString {
			c.addNull()
		} else {
			c.addBulk(o.Str)
		}
	}
}

func msetCmd(n *Node, c *Client, args [][]byte) { n.msetGeneric(c, args, false) }

func msetnxCmd(n *Node, c *Client, args [][]byte) { n.msetGeneric(c, args, true) }

func (n *Node) msetGeneric(c *Client, args [][]byte, nx bool) {
	if len(args)%2 == 0 {
		if nx {
			wrongArity(c, "msetnx")
		} else {
			wrongArity(c, "mset")
		}
		return
	}
	if nx {
		for j := 1; j < len(args); j += 2 {
			if n.lookupWrite(c.db, args[j]) != nil {
				c.addInt(0)
				return
			}
		}
	}
	for j := 1; j < len(args); j += 2 {
		n.setKey(c.db, args[j], newStringObject(ownIf(len(args) > 3, args[j+1])), false)
	}
	if nx {
		c.addInt(1)
	} else {
		c.addOK()
	}
	prop := append([][]byte{[]byte("mset")}, args[1:]...)
	n.propagate(c.db, prop...)
}

func getsetCmd(n *Node, c *Client, args [][]byte) {
	if !n.replyStringValue(c, args[1]) {
		return
	}
	n.setKey(c.db, args[1], newStringObject(args[2]), false)
	n.propagate(c.db, []byte("set"), args[1], args[2])
}

func getdelCmd(n *Node, c *Client, args [][]byte) {
	o := n.lookupRead(c.db, args[1])
	if o == nil {
		c.addNull()
		return
	}
	if o.Type != TypeString {
		c.addError(errWrongType)
		return
	}
	c.addBulk(o.Str)
	n.removeKey(c.db, str(args[1]))
	n.propagate(c.db, []byte("del"), args[1])
}

func getexCmd(n *Node, c *Client, args [][]byte) {
	flags, expire, ok := parseSetOptions(c, args, false)
	if !ok {
		return
	}
	key := args[1]
	o := n.lookupRead(c.db, key)
	if o == nil {
		c.addNull()
		return
	}
	if o.Type != TypeString {
		c.addError(errWrongType)
		return
	}
	var when int64
	if expire != nil {
		if when, ok = n.expireMillis(c, expire, flags, "getex"); !ok {
			return
		}
	}
	c.addBulk(o.Str)
	switch {
	case flags&(setEXAT|setPXAT) != 0 && n.alreadyExpired(when):
		n.removeKey(c.db, str(key))
		n.propagate(c.db, []byte("del"), key)
	case expire != nil:
		n.setExpire(c.db, key, when)
		n.propagate(c.db, []byte("pexpireat"), key, strconv.AppendInt(nil, when, 10))
	case flags&setPersist != 0:
		if n.persist(c.db, key) {
			n.propagate(c.db, []byte("persist"), key)
		}
	}
}

// checkStringLength refuses a string that would grow past proto-max-bulk-len.
func (n *Node) checkStringLength(c *Client, size int64, add int) bool {
	total := uint64(size) + uint64(add)
	if total > uint64(n.cfg.ProtoMaxBulkLen) || total < uint64(size) {
		c.addError("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
		return false
	}
	return true
}

// unshareString makes o's value a raw string with its own buffer
// (dbUnshareStringValue), ready to be changed in place.
func unshareString(o *Object, extra int) {
	if o.raw && !o.big {
		return
	}
	buf := make([]byte, len(o.Str), len(o.Str)+extra)
	copy(buf, o.Str)
	o.Str = buf
	o.raw = true
	o.big = false
}

func appendCmd(n *Node, c *Client, args [][]byte) {
	key, val := args[1], args[2]
	o := n.lookupWrite(c.db, key)
	var total int
	if o == nil {
		n.addKey(c.db, key, newStringObject(val))
		total = len(val)
	} else {
		if o.Type != TypeString {
			c.addError(errWrongType)
			return
		}
		if !n.checkStringLength(c, int64(len(o.Str)), len(val)) {
			return
		}
		unshareString(o, len(val))
		o.Str = append(o.Str, val...)
		total = len(o.Str)
		n.touch(c.db, str(key))
	}
	c.addInt(int64(total))
	n.propagate(c.db, args...)
}

func strlenCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeString)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	c.addInt(int64(len(o.Str)))
}

func incrCmd(n *Node, c *Client, args [][]byte) { n.incrDecr(c, args, 1) }
func decrCmd(n *Node, c *Client, args [][]byte) { n.incrDecr(c, args, -1) }

func incrbyCmd(n *Node, c *Client, args [][]byte) {
	incr, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	n.incrDecr(c, args, incr)
}

func decrbyCmd(n *Node, c *Client, args [][]byte) {
	incr, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	if incr == math.MinInt64 {
		c.addError("ERR decrement would overflow")
		return
	}
	n.incrDecr(c, args, -incr)
}

func (n *Node) incrDecr(c *Client, args [][]byte, incr int64) {
	key := args[1]
	o := n.lookupWrite(c.db, key)
	var value int64
	if o != nil {
		if o.Type != TypeString {
			c.addError(errWrongType)
			return
		}
		var ok bool
		if value, ok = parseInt(o.Str); !ok {
			c.addError(errNotInt)
			return
		}
	}
	if addOverflows(value, incr) {
		c.addError(errOverflow)
		return
	}
	value += incr
	s := strconv.AppendInt(nil, value, 10)
	if o != nil {
		o.Str, o.raw, o.big = s, false, false
		n.touch(c.db, str(key))
	} else {
		n.addKey(c.db, key, newStringObject(s))
	}
	c.addInt(value)
	n.propagate(c.db, args...)
}

func incrbyfloatCmd(n *Node, c *Client, args [][]byte) {
	key := args[1]
	o := n.lookupWrite(c.db, key)
	if o != nil && o.Type != TypeString {
		c.addError(errWrongType)
		return
	}
	value := ldZero()
	if o != nil {
		var ok bool
		if value, ok = parseLongDouble(o.Str); !ok {
			c.addError(errNotFloat)
			return
		}
	}
	incr, ok := parseLongDouble(args[2])
	if !ok {
		c.addError(errNotFloat)
		return
	}
	sum, ok := value.add(incr)
	if !ok {
		c.addError("ERR increment would produce NaN or Infinity")
		return
	}
	s := []byte(sum.human())
	if o != nil {
		o.Str, o.raw, o.big = s, false, true
		n.touch(c.db, str(key))
	} else {
		n.addKey(c.db, key, &Object{Type: TypeString, Str: s, big: true})
	}
	c.addBulk(s)
	n.propagate(c.db, []byte("set"), key, s, []byte("keepttl"))
}

func getrangeCmd(n *Node, c *Client, args [][]byte) {
	start, ok1 := parseInt(args[2])
	end, ok2 := parseInt(args[3])
	if !ok1 || !ok2 {
		c.addError(errNotInt)
		return
	}
	o := n.lookupRead(c.db, args[1])
	if o == nil {
		c.addBulkStr("")
		return
	}
	if o.Type != TypeString {
		c.addError(errWrongType)
		return
	}
	s := o.Str
	strlen := int64(len(s))
	if start < 0 && end < 0 && start > end {
		c.addBulkStr("")
		return
	}
	if start < 0 {
		start += strlen
	}
	if end < 0 {
		end += strlen
	}
	if start < 0 {
		start = 0
	}
	if end < 0 {
		end = 0
	}
	if end >= strlen {
		end = strlen - 1
	}
	if start > end || strlen == 0 {
		c.addBulkStr("")
		return
	}
	c.addBulk(s[start : end+1])
}

func setrangeCmd(n *Node, c *Client, args [][]byte) {
	key, val := args[1], args[3]
	offset, ok := parseInt(args[2])
	if !ok {
		c.addError(errNotInt)
		return
	}
	if offset < 0 {
		c.addError("ERR offset is out of range")
		return
	}
	o := n.lookupWrite(c.db, key)
	if o == nil {
		if len(val) == 0 {
			c.addInt(0)
			return
		}
		if !n.checkStringLength(c, offset, len(val)) {
			return
		}
		buf := make([]byte, int(offset)+len(val))
		copy(buf[offset:], val)
		n.addKey(c.db, key, &Object{Type: TypeString, Str: buf, raw: true})
		c.addInt(int64(len(buf)))
		n.propagate(c.db, args...)
		return
	}
	if o.Type != TypeString {
		c.addError(errWrongType)
		return
	}
	if len(val) == 0 {
		c.addInt(int64(len(o.Str)))
		return
	}
	if !n.checkStringLength(c, offset, len(val)) {
		return
	}
	need := int(offset) + len(val)
	unshareString(o, max(0, need-len(o.Str)))
	if need > len(o.Str) {
		o.Str = append(o.Str, make([]byte, need-len(o.Str))...)
	}
	copy(o.Str[offset:], val)
	n.touch(c.db, str(key))
	c.addInt(int64(len(o.Str)))
	n.propagate(c.db, args...)
}

func lcsCmd(n *Node, c *Client, args [][]byte) {
	oa := n.lookupRead(c.db, args[1])
	ob := n.lookupRead(c.db, args[2])
	if (oa != nil && oa.Type != TypeString) || (ob != nil && ob.Type != TypeString) {
		c.addError("ERR The specified keys must contain string values")
		return
	}
	var a, b []byte
	if oa != nil {
		a = oa.Str
	}
	if ob != nil {
		b = ob.Str
	}
	var getLen, getIdx, withMatchLen bool
	var minMatchLen int64
	for j := 3; j < len(args); j++ {
		more := len(args) - 1 - j
		switch opt := args[j]; {
		case optEqC(opt, "idx"):
			getIdx = true
		case optEqC(opt, "len"):
			getLen = true
		case optEqC(opt, "withmatchlen"):
			withMatchLen = true
		case optEqC(opt, "minmatchlen") && more > 0:
			v, ok := parseInt(args[j+1])
			if !ok {
				c.addError(errNotInt)
				return
			}
			minMatchLen = max(v, 0)
			j++
		default:
			c.addError(errSyntax)
			return
		}
	}
	if getIdx && getLen {
		c.addError("ERR If you want both the length and indexes, please just use IDX.")
		return
	}
	alen, blen := len(a), len(b)
	cells := uint64(alen+1) * uint64(blen+1)
	if cells*4 > uint64(n.cfg.ProtoMaxBulkLen) {
		c.addError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
		return
	}
	w := blen + 1
	lcs := make([]uint32, cells)
	for i := 1; i <= alen; i++ {
		for j := 1; j <= blen; j++ {
			if a[i-1] == b[j-1] {
				lcs[i*w+j] = lcs[(i-1)*w+j-1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i-1)*w+j], lcs[i*w+j-1])
			}
		}
	}
	idx := lcs[alen*w+blen]
	total := idx
	computeLCS := getIdx || !getLen
	var result []byte
	if computeLCS {
		result = make([]byte, idx)
	}
	type match struct{ a0, a1, b0, b1, l uint32 }
	var matches []match
	aStart, aEnd, bStart, bEnd := uint32(alen), uint32(0), uint32(0), uint32(0)
	i, j := uint32(alen), uint32(blen)
	for computeLCS && i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			result[idx-1] = a[i-1]
			if aStart == uint32(alen) {
				aStart, aEnd, bStart, bEnd = i-1, i-1, j-1, j-1
			} else if aStart == i && bStart == j {
				aStart--
				bStart--
			} else {
				emit = true
			}
			if aStart == 0 || bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if lcs[(i-1)*uint32(w)+j] > lcs[i*uint32(w)+j-1] {
				i--
			} else {
				j--
			}
			if aStart != uint32(alen) {
				emit = true
			}
		}
		matchLen := aEnd - aStart + 1
		if emit {
			if minMatchLen == 0 || int64(matchLen) >= minMatchLen {
				matches = append(matches, match{aStart, aEnd, bStart, bEnd, matchLen})
			}
			aStart = uint32(alen)
		}
	}
	switch {
	case getIdx:
		c.addArray(4)
		c.addBulkStr("matches")
		c.addArray(len(matches))
		for _, m := range matches {
			if withMatchLen {
				c.addArray(3)
			} else {
				c.addArray(2)
			}
			c.addArray(2)
			c.addInt(int64(m.a0))
			c.addInt(int64(m.a1))
			c.addArray(2)
			c.addInt(int64(m.b0))
			c.addInt(int64(m.b1))
			if withMatchLen {
				c.addInt(int64(m.l))
			}
		}
		c.addBulkStr("len")
		c.addInt(int64(total))
	case getLen:
		c.addInt(int64(total))
	default:
		c.addBulk(result)
	}
}

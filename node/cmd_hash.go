package node

import (
	"math"
	"math/big"
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
		if n.hashSet(o, args[i], args[i+1]) {
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
	o, ok := n.lookupWriteType(c, args[1], TypeHash)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	deleted := 0
	for _, f := range args[2:] {
		if o.Hash.Delete(str(f)) {
			deleted++
			if o.Hash.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		if o.Hash.Len() == 0 {
			n.removeKey(c.db, str(args[1]))
		} else {
			n.touch(c.db, str(args[1]))
		}
		n.propagate(c.db, args...)
	}
	c.addInt(int64(deleted))
}

func hlenCmd(n *Node, c *Client, args [][]byte) {
	o, ok := n.lookupReadType(c, args[1], TypeHash)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	c.addInt(int64(o.Hash.Len()))
}

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
	if (incr < 0 && value < 0 && incr < math.MinInt64-value) ||
		(incr > 0 && value > 0 && incr > maxInt-value) {
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
	incr, ok := ld80Parse(args[3])
	if !ok {
		c.addError(errNotFloat)
		return
	}
	if incr.IsInf() {
		c.addError("ERR value is NaN or Infinity")
		return
	}
	o, created, ok := n.hashLookupWrite(c, args[1])
	if !ok {
		return
	}
	value := ld80New()
	if v, found := o.Hash.Get(str(args[2])); found {
		if value, ok = ld80Parse(v); !ok {
			c.addError("ERR hash value is not a float")
			return
		}
	}
	sum, ok := ld80Add(value, incr)
	if !ok {
		c.addError("ERR increment would produce NaN or Infinity")
		return
	}
	res := []byte(ld80Format(sum))
	n.hashSet(o, args[2], res)
	n.hashStore(c, args[1], o, created)
	c.addBulk(res)
	n.propagate(c.db, []byte("hset"), args[1], args[2], res)
}

// Redis computes INCRBYFLOAT-style increments in C long double, on x86-64
// the x87 80-bit extended format: a 64-bit mantissa and a 15-bit exponent.
// These helpers emulate it exactly with math/big.

const (
	ld80Prec = 64
	// A finite long double has |x| < 2^16384: big.Float exponent ≤ 16384.
	ld80MaxExp = 16384
	// The smallest subnormal is 2^-16445 (big.Float exponent -16444).
	ld80MinSubExp = -16444
	// string2ld refuses strings this long (MAX_LONG_DOUBLE_CHARS).
	ld80MaxChars = 5 * 1024
)

func ld80New() *big.Float {
	return new(big.Float).SetPrec(ld80Prec).SetMode(big.ToNearestEven)
}

// ld80Parse parses b as Redis's string2ld: glibc strtold over the
// whole string (no leading space, nothing left over), refusing NaN and
// out-of-range results (overflow, underflow to zero). ±inf is accepted.
func ld80Parse(b []byte) (*big.Float, bool) {
	if len(b) == 0 || len(b) >= ld80MaxChars || isSpaceByte(b[0]) {
		return nil, false
	}
	s := strings.ToLower(string(b))
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	f := ld80New()
	switch s {
	case "inf", "infinity":
		f.SetInf(neg)
		return f, true
	}
	var mant big.Int
	var exp2, exp10 int64 // value = mant * 2^exp2 * 10^exp10
	var digits int        // significant mantissa digits, for range screening
	hex := strings.HasPrefix(s, "0x")
	var ok bool
	if hex {
		ok = ld80ParseHex(s[2:], &mant, &exp2, &digits)
	} else {
		ok = ld80ParseDec(s, &mant, &exp10, &digits)
	}
	if !ok {
		return nil, false
	}
	if mant.Sign() == 0 {
		if neg {
			f.Neg(f)
		}
		return f, true
	}
	// Cheap range screening before exact arithmetic, so "1e999999999"
	// costs nothing (overflow gives HUGE_VAL and underflow zero, both with
	// ERANGE, which string2ld refuses); ld80Round does the exact check.
	if hex {
		mag := int64(4*digits) + exp2 // value < 2^mag, ≥ 2^(mag-4)
		if mag > ld80MaxExp+8 || mag < ld80MinSubExp-8 {
			return nil, false
		}
	} else {
		mag := int64(digits) + exp10 // value < 10^mag, ≥ 10^(mag-1)
		if mag > 4934 || mag < -4953 {
			return nil, false
		}
	}
	// The exact value as a fraction num/den, then rounded once.
	num := new(big.Int).Set(&mant)
	den := big.NewInt(1)
	switch {
	case exp10 > 0:
		num.Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(exp10), nil))
	case exp10 < 0:
		den.Exp(big.NewInt(10), big.NewInt(-exp10), nil)
	case exp2 > 0:
		num.Lsh(num, uint(exp2))
	case exp2 < 0:
		den.Lsh(den, uint(-exp2))
	}
	if !ld80Round(f, num, den) {
		return nil, false
	}
	if neg {
		f.Neg(f)
	}
	return f, true
}

// ld80Round sets f to num/den (both positive) rounded to a long double, as
// strtold: it reports false on overflow and on underflow to zero (ERANGE).
// Below 2^-16382 the value is rounded to a multiple of the smallest
// subnormal, 2^-16445.
func ld80Round(f *big.Float, num, den *big.Int) bool {
	// num/den ≥ 2^(bitlen(num)-bitlen(den)-1): only tiny values need the
	// exact comparison with 2^-16382.
	if num.BitLen()-den.BitLen() < -16380 && new(big.Int).Lsh(num, 16382).Cmp(den) < 0 {
		// Subnormal: k = round-half-even(num * 2^16445 / den).
		q, r := new(big.Int).QuoRem(new(big.Int).Lsh(num, 16445), den, new(big.Int))
		switch r.Lsh(r, 1).Cmp(den) {
		case 1:
			q.Add(q, big.NewInt(1))
		case 0:
			if q.Bit(0) == 1 {
				q.Add(q, big.NewInt(1))
			}
		}
		if q.Sign() == 0 {
			return false
		}
		f.SetInt(q)
		f.SetMantExp(f, -16445)
		return true
	}
	f.SetRat(new(big.Rat).SetFrac(num, den))
	return f.MantExp(nil) <= ld80MaxExp
}

// ld80ParseDec parses digits[.digits][e[sign]digits] (at least one mantissa digit).
func ld80ParseDec(s string, mant *big.Int, exp10 *int64, digits *int) bool {
	i := 0
	var ds []byte
	nd := 0
	frac := int64(0)
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		ds = append(ds, s[i])
		i++
		nd++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			ds = append(ds, s[i])
			i++
			nd++
			frac++
		}
	}
	if nd == 0 {
		return false
	}
	var e int64
	if i < len(s) && s[i] == 'e' {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if e < 1e12 {
				e = e*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == start {
			return false
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return false
	}
	// Strip leading zeros to count significant digits.
	k := 0
	for k < len(ds) && ds[k] == '0' {
		k++
	}
	ds = ds[k:]
	*digits = len(ds)
	if len(ds) == 0 {
		mant.SetInt64(0)
		return true
	}
	mant.SetString(string(ds), 10)
	*exp10 = e - frac
	return true
}

// ld80ParseHex parses hexdigits[.hexdigits][p[sign]digits] after "0x".
func ld80ParseHex(s string, mant *big.Int, exp2 *int64, digits *int) bool {
	i := 0
	var ds []byte
	frac := int64(0)
	isHex := func(ch byte) bool { return ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f' }
	for i < len(s) && isHex(s[i]) {
		ds = append(ds, s[i])
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isHex(s[i]) {
			ds = append(ds, s[i])
			i++
			frac++
		}
	}
	if len(ds) == 0 {
		return false
	}
	var e int64
	if i < len(s) && s[i] == 'p' {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if e < 1e12 {
				e = e*10 + int64(s[i]-'0')
			}
			i++
		}
		if i == start {
			return false
		}
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return false
	}
	k := 0
	for k < len(ds) && ds[k] == '0' {
		k++
	}
	ds = ds[k:]
	*digits = len(ds)
	if len(ds) == 0 {
		mant.SetInt64(0)
		return true
	}
	mant.SetString(string(ds), 16)
	*exp2 = e - 4*frac
	return true
}

// ld80Add returns a+b rounded to long double; ok is false when the
// result is infinite (or NaN).
func ld80Add(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	sum := ld80New().Add(a, b)
	if sum.Sign() != 0 && sum.MantExp(nil) > ld80MaxExp {
		return nil, false
	}
	return sum, true
}

// ld80Format is Redis's ld2string in LD_STR_HUMAN mode: "%.17Lf"
// with trailing zeros (and a trailing '.') removed, and "-0" as "0".
func ld80Format(f *big.Float) string {
	if f.IsInf() {
		if f.Sign() > 0 {
			return "inf"
		}
		return "-inf"
	}
	s := f.Text('f', 17)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}

// HRANDFIELD key [count [WITHVALUES]]
func hrandfieldCmd(n *Node, c *Client, args [][]byte) {
	if len(args) >= 3 {
		l, ok := parseInt(args[2])
		if !ok {
			c.addError(errNotInt)
			return
		}
		if l < -maxInt {
			c.addError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
			return
		}
		withValues := false
		if len(args) > 4 || (len(args) == 4 && !eq(args[3], "withvalues")) {
			c.addError(errSyntax)
			return
		} else if len(args) == 4 {
			withValues = true
			if l < -maxInt/2 || l > maxInt/2 {
				c.addError("ERR value is out of range")
				return
			}
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
	keys := collRandDistinct(n, o.Hash.Keys(), int(l), func() string {
		k, _, _ := o.Hash.Random(n.env.Rand)
		return k
	})
	c.addArray(len(keys) * per)
	for _, k := range keys {
		v, _ := o.Hash.Get(k)
		reply(k, v)
	}
}

// collRandDistinct picks count distinct elements (count < len(all)) the way
// Redis's SRANDMEMBER/HRANDFIELD do: when count is close to the size,
// remove random elements from a copy of all; otherwise draw random
// elements until count distinct ones were seen. all is in table order.
func collRandDistinct(n *Node, all []string, count int, random func() string) []string {
	if count*3 > len(all) {
		for len(all) > count {
			i := n.randN(len(all))
			all[i] = all[len(all)-1]
			all = all[:len(all)-1]
		}
		return all
	}
	seen := make(map[string]struct{}, count)
	out := make([]string, 0, count)
	for len(out) < count {
		k := random()
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		out = append(out, k)
	}
	return out
}

// parseCollScanCursor parses a SCAN cursor as Redis's parseScanCursorOrReply
// (strtoul base 10: optional sign, negative values wrap, the empty string
// is 0, no leading space, nothing left over).
func parseCollScanCursor(b []byte) (uint64, bool) {
	for i, ch := range b {
		if ch == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) == 0 {
		return 0, true
	}
	if isSpaceByte(b[0]) {
		return 0, false
	}
	neg := false
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, ch := range b {
		if ch < '0' || ch > '9' {
			return 0, false
		}
		d := uint64(ch - '0')
		if v > (1<<64-1-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	if neg {
		v = -v
	}
	return v, true
}

// collScanOptions parses [MATCH pattern] [COUNT count] for HSCAN/SSCAN.
// pattern is nil when every element matches.
func collScanOptions(c *Client, args [][]byte) (pattern []byte, count int, ok bool) {
	count = 10
	for i := 0; i < len(args); {
		more := len(args) - i
		switch {
		case eq(args[i], "count") && more >= 2:
			v, ok := parseInt(args[i+1])
			if !ok {
				c.addError(errNotInt)
				return nil, 0, false
			}
			if v < 1 {
				c.addError(errSyntax)
				return nil, 0, false
			}
			if v > 1<<31 {
				v = 1 << 31
			}
			count = int(v)
			i += 2
		case eq(args[i], "match") && more >= 2:
			pattern = args[i+1]
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
			i += 2
		default:
			c.addError(errSyntax)
			return nil, 0, false
		}
	}
	return pattern, count, true
}

// collScanReply replies [cursor, items].
func collScanReply(c *Client, cursor uint64, items []string) {
	c.addArray(2)
	c.addBulkStr(strconv.FormatUint(cursor, 10))
	c.addStrings(items)
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
func hscanCmd(n *Node, c *Client, args [][]byte) {
	cursor, ok := parseCollScanCursor(args[2])
	if !ok {
		c.addError("ERR invalid cursor")
		return
	}
	o, ok := n.lookupReadType(c, args[1], TypeHash)
	if !ok {
		return
	}
	if o == nil {
		collScanReply(c, 0, nil)
		return
	}
	pattern, count, ok := collScanOptions(c, args[3:])
	if !ok {
		return
	}
	var items []string
	add := func(k string, v []byte) {
		if pattern == nil || GlobMatch(pattern, []byte(k), false) {
			items = append(items, k, string(v))
		}
	}
	if !o.big {
		// A listpack hash is returned whole in one call.
		o.Hash.Range(func(k string, v []byte) bool { add(k, v); return true })
		collScanReply(c, 0, items)
		return
	}
	next := o.Hash.Scan(cursor, count, add)
	collScanReply(c, next, items)
}

package difftest

import (
	"strconv"
)

func one(o op) []op { return []op{o} }

// ---- connection ----

func (g *gen) connection() []op {
	return one(g.chooseUniform(
		func() op { return plain("PING") },
		func() op { return plain("PING", g.value()) },
		func() op { return plain("ECHO", g.value()) },
		func() op { return plain("SELECT", g.db()) },
		func() op { return with(shape, "TIME") },
		func() op { return with(shape, "CLIENT", "ID") },
		func() op { return plain("NOSUCHCMD", g.value(), "x") },
		func() op { return plain("PING", "a", "b") },
		func() op { return plain("ECHO") },
	))
}

// ---- keys ----

var patterns = []string{"*", "s*", "?1", "[hs]*", "k[0-1]", "*2", "[^z]*", "z[2-4]", `*\*`, "l?", "nomatch", "[a-", "h*", "t?", "*0*"}

func (g *gen) pattern() string { return g.pick(patterns...) }

func (g *gen) scanOpts(withType bool) []string {
	var o []string
	if g.chance(50) {
		o = append(o, g.kw("MATCH"), g.pattern())
	}
	if g.chance(40) {
		o = append(o, g.kw("COUNT"), g.pickCore([]string{"1", "2", "10", "100"}, []string{"0", "-1", "abc"}))
	}
	if withType && g.chance(40) {
		o = append(o, g.kw("TYPE"), g.pick("string", "list", "set", "zset", "hash", "stream", "nosuch", "STRING"))
	}
	if g.chance(4) {
		o = append(o, g.pick("FOO", "MATCH", "COUNT"))
	}
	return o
}

func (g *gen) keysFamily() []op {
	return one(g.chooseUniform(
		func() op { return plain(cat([]string{"DEL"}, g.keys(g.pick(prefixes...), 1, 3))...) },
		func() op { return plain(cat([]string{"EXISTS"}, g.keys(g.pick(prefixes...), 1, 3))...) },
		func() op { return plain("TYPE", g.anyKey()) },
		func() op { return with(sortedElems, "KEYS", g.pattern()) },
		func() op {
			return op{kind: opScan, conn: -1, args: cat([]string{"SCAN", "0"}, g.scanOpts(true)), cur: 1}
		},
		func() op { return plain("SCAN", g.pick("abc", "18446744073709551616", "1x", " 1")) },
		func() op { return plain("RENAME", g.anyKey(), g.anyKey()) },
		func() op { return plain("RENAMENX", g.anyKey(), g.anyKey()) },
		func() op { return plain("DBSIZE") },
		func() op {
			a := []string{"COPY", g.anyKey(), g.anyKey()}
			if g.chance(40) {
				a = append(a, g.kw("DB"), g.db())
			}
			if g.chance(40) {
				a = append(a, g.kw("REPLACE"))
			}
			if g.chance(4) {
				a = append(a, "FOO")
			}
			return plain(a...)
		},
		func() op { return plain("MOVE", g.anyKey(), g.db()) },
		func() op { return plain("SWAPDB", g.db(), g.db()) },
		func() op { return plain("OBJECT", g.kw("ENCODING"), g.anyKey()) },
		func() op {
			return op{kind: opRandom, conn: -1, args: []string{"RANDOMKEY"},
				src: []string{"KEYS", "*"}, srcCmp: sortedElems}
		},
		func() op { return plain(cat([]string{"UNLINK"}, g.keys(g.pick(prefixes...), 1, 3))...) },
		func() op { return plain(cat([]string{"TOUCH"}, g.keys(g.pick(prefixes...), 1, 3))...) },
		func() op {
			if g.chance(30) {
				return plain("FLUSHDB", g.pick("ASYNC", "SYNC", "async", "FOO"))
			}
			return plain("EXISTS", g.anyKey(), g.anyKey())
		},
		func() op { return plain("OBJECT", g.pick("FOO", "freq"), g.anyKey()) },
	))
}

// ---- expire ----

func (g *gen) expireOpt() []string {
	switch g.intn(0, 9) {
	case 0, 1, 2, 3, 4:
		return nil
	case 5:
		return []string{g.kw("NX")}
	case 6:
		return []string{g.kw("XX")}
	case 7:
		return []string{g.kw("GT")}
	case 8:
		return []string{g.kw("LT")}
	}
	return g.pick2([][]string{{"NX", "XX"}, {"GT", "LT"}, {"NX", "GT"}, {"XX", "GT"}, {"XX", "LT"}, {"FOO"}})
}

func (g *gen) pick2(xs [][]string) []string { return xs[g.intn(0, len(xs)-1)] }

func (g *gen) expire() []op {
	k := g.anyKey
	return one(g.choose(
		func() op { return plain(cat([]string{"EXPIRE", k(), g.relSecs()}, g.expireOpt())...) },
		func() op { return with(tolerance(2), "TTL", k()) },
		func() op { return plain(cat([]string{"PEXPIRE", k(), g.relMs()}, g.expireOpt())...) },
		func() op { return with(tolerance(2000), "PTTL", k()) },
		func() op { return plain(cat([]string{"EXPIREAT", k(), g.absSecs()}, g.expireOpt())...) },
		func() op { return plain(cat([]string{"PEXPIREAT", k(), g.absMs()}, g.expireOpt())...) },
		func() op { return with(tolerance(2), "EXPIRETIME", k()) },
		func() op { return with(tolerance(2000), "PEXPIRETIME", k()) },
		func() op { return plain("PERSIST", k()) },
		func() op { return plain("SET", g.key("s"), g.value(), g.kw("EX"), g.relSecs()) },
	))
}

// ---- strings ----

func (g *gen) shuffle(o [][]string) []string {
	for i := len(o) - 1; i > 0; i-- {
		j := g.intn(0, i)
		o[i], o[j] = o[j], o[i]
	}
	return cat(o...)
}

func (g *gen) setOpts() []string {
	var o [][]string
	switch g.intn(0, 3) {
	case 1:
		o = append(o, []string{g.kw("NX")})
	case 2:
		o = append(o, []string{g.kw("XX")})
	}
	if g.chance(25) {
		o = append(o, []string{g.kw("GET")})
	}
	switch g.intn(0, 6) {
	case 1:
		o = append(o, []string{g.kw("EX"), g.relSecs()})
	case 2:
		o = append(o, []string{g.kw("PX"), g.relMs()})
	case 3:
		o = append(o, []string{g.kw("EXAT"), g.setAbsSecs()})
	case 4:
		o = append(o, []string{g.kw("PXAT"), g.setAbsMs()})
	case 5:
		o = append(o, []string{g.kw("KEEPTTL")})
	}
	if g.chance(6) {
		o = append(o, g.pick2([][]string{{"NX"}, {"XX"}, {"KEEPTTL"}, {"FOO"}, {"EX", "100", "PX", "100"}, {"GET", "GET"}}))
	}
	out := g.shuffle(o)
	if g.chance(3) {
		out = append(out, g.pick("EX", "PX", "EXAT", "PXAT")) // option without its value
	}
	return out
}

func (g *gen) getexOpts() []string {
	switch g.intn(0, 7) {
	case 1:
		return []string{g.kw("EX"), g.relSecs()}
	case 2:
		return []string{g.kw("PX"), g.relMs()}
	case 3:
		return []string{g.kw("EXAT"), g.absSecs()}
	case 4:
		return []string{g.kw("PXAT"), g.absMs()}
	case 5:
		return []string{g.kw("PERSIST")}
	case 6:
		return g.pick2([][]string{{"EX"}, {"PERSIST", "EX", "100"}, {"EX", "100", "PX", "100"}, {"FOO"}, {"KEEPTTL"}})
	}
	return nil
}

func (g *gen) offset() string {
	if g.chance(10) {
		// Huge offsets only ever fail (or are no-ops with an empty value).
		return g.pick("-1", "abc", "536870912", "4294967296", "9223372036854775807")
	}
	return strconv.Itoa(g.intn(0, 12))
}

func (g *gen) strings() []op {
	k := func() string { return g.key("s") }
	return one(g.choose(
		func() op { return plain(cat([]string{"SET", k(), g.value()}, g.setOpts())...) },
		func() op { return plain("GET", k()) },
		func() op { return plain("SETNX", k(), g.value()) },
		func() op { return plain("SETEX", k(), g.relSecs(), g.value()) },
		func() op { return plain("PSETEX", k(), g.relMs(), g.value()) },
		func() op { return plain(cat([]string{"MGET"}, g.keys("s", 1, 4))...) },
		func() op { return plain(cat([]string{"MSET"}, g.pairs(g.intn(1, 3), k, g.value))...) },
		func() op { return plain(cat([]string{"MSETNX"}, g.pairs(g.intn(1, 3), k, g.value))...) },
		func() op { return plain("GETSET", k(), g.value()) },
		func() op { return plain("GETDEL", k()) },
		func() op { return plain(cat([]string{"GETEX", k()}, g.getexOpts())...) },
		func() op { return plain("APPEND", k(), g.value()) },
		func() op { return plain("STRLEN", k()) },
		func() op { return plain("INCR", k()) },
		func() op { return plain("DECR", k()) },
		func() op { return plain("INCRBY", k(), g.integer()) },
		func() op { return plain("DECRBY", k(), g.integer()) },
		func() op { return plain("INCRBYFLOAT", k(), g.float()) },
		func() op { return plain("GETRANGE", k(), g.index(), g.index()) },
		func() op { return plain("SETRANGE", k(), g.offset(), g.value()) },
		func() op { return plain("SUBSTR", k(), g.index(), g.index()) },
		func() op {
			a := []string{"LCS", k(), k()}
			switch g.intn(0, 3) {
			case 1:
				a = append(a, g.kw("LEN"))
			case 2:
				a = append(a, g.kw("IDX"))
				if g.chance(50) {
					a = append(a, g.kw("MINMATCHLEN"), g.pick("0", "1", "2", "-1", "abc"))
				}
				if g.chance(50) {
					a = append(a, g.kw("WITHMATCHLEN"))
				}
			case 3:
				a = append(a, g.pick("FOO", "LEN", "IDX"), g.pick("LEN", "IDX"))
			}
			return plain(a...)
		},
	))
}

// ---- hashes ----

func (g *gen) hashes() []op {
	k := func() string { return g.key("h") }
	return one(g.choose(
		func() op { return plain(cat([]string{"HSET", k()}, g.pairs(g.intn(1, 3), g.field, g.value))...) },
		func() op { return plain("HGET", k(), g.field()) },
		func() op { return plain("HSETNX", k(), g.field(), g.value()) },
		func() op { return plain(cat([]string{"HMGET", k()}, g.repeat(1, 3, g.field))...) },
		func() op { return plain(cat([]string{"HMSET", k()}, g.pairs(g.intn(1, 3), g.field, g.value))...) },
		func() op { return plain(cat([]string{"HDEL", k()}, g.repeat(1, 3, g.field))...) },
		func() op { return plain("HLEN", k()) },
		func() op { return plain("HSTRLEN", k(), g.field()) },
		func() op { return plain("HEXISTS", k(), g.field()) },
		func() op { return with(sortedElems, "HKEYS", k()) },
		func() op { return with(sortedElems, "HVALS", k()) },
		func() op { return with(sortedPairs, "HGETALL", k()) },
		func() op { return plain("HINCRBY", k(), g.field(), g.integer()) },
		func() op { return plain("HINCRBYFLOAT", k(), g.field(), g.float()) },
		func() op {
			key := k()
			o := op{kind: opRandom, conn: -1, args: []string{"HRANDFIELD", key},
				src: []string{"HGETALL", key}, srcCmp: sortedPairs, srcPairs: true}
			if g.chance(70) {
				c := g.intn(-5, 6)
				o.args = append(o.args, strconv.Itoa(c))
				o.spec = randSpec{distinct: c >= 0, count: abs(c), hasCount: true}
				if g.chance(50) {
					o.args = append(o.args, g.kw("WITHVALUES"))
					o.spec.pairs = true
				}
			}
			return o
		},
		func() op {
			a := cat([]string{"HSCAN", k(), "0"}, g.scanOpts(false))
			return op{kind: opScan, conn: -1, args: a, cur: 2, pairs: true}
		},
	))
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ---- lists ----

func (g *gen) lval() string {
	if g.chance(85) {
		return g.pick(coreMembers...)
	}
	return g.value()
}

func (g *gen) side() string { return g.kw(g.pick("LEFT", "RIGHT")) }

func (g *gen) numkeys(prefix string) []string {
	ks := g.keys(prefix, 1, 3)
	n := strconv.Itoa(len(ks))
	if g.chance(6) {
		n = g.pick("0", "-1", "abc", strconv.Itoa(len(ks)+1))
	}
	return cat([]string{n}, ks)
}

func (g *gen) lists() []op {
	k := func() string { return g.key("l") }
	return one(g.choose(
		func() op { return plain(cat([]string{"RPUSH", k()}, g.repeat(1, 3, g.lval))...) },
		func() op { return plain(cat([]string{"LPUSH", k()}, g.repeat(1, 3, g.lval))...) },
		func() op { return plain("LRANGE", k(), g.index(), g.index()) },
		func() op { return plain(cat([]string{"LPUSHX", k()}, g.repeat(1, 2, g.lval))...) },
		func() op { return plain(cat([]string{"RPUSHX", k()}, g.repeat(1, 2, g.lval))...) },
		func() op {
			a := []string{g.pick("LPOP", "RPOP"), k()}
			if g.chance(40) {
				a = append(a, g.pickCore([]string{"0", "1", "2", "5"}, []string{"-1", "abc", "9223372036854775807"}))
			}
			return plain(a...)
		},
		func() op { return plain("LLEN", k()) },
		func() op { return plain("LINDEX", k(), g.index()) },
		func() op { return plain("LSET", k(), g.index(), g.lval()) },
		func() op {
			return plain("LINSERT", k(), g.kw(g.pickCore([]string{"BEFORE", "AFTER"}, []string{"MIDDLE"})), g.lval(), g.lval())
		},
		func() op { return plain("LREM", k(), strconv.Itoa(g.intn(-3, 3)), g.lval()) },
		func() op { return plain("LTRIM", k(), g.index(), g.index()) },
		func() op {
			a := []string{"LPOS", k(), g.lval()}
			if g.chance(40) {
				a = append(a, g.kw("RANK"), g.pickCore([]string{"1", "-1", "2", "-2"}, []string{"0", "-9223372036854775808", "abc"}))
			}
			if g.chance(40) {
				a = append(a, g.kw("COUNT"), g.pickCore([]string{"0", "1", "2"}, []string{"-1", "abc"}))
			}
			if g.chance(30) {
				a = append(a, g.kw("MAXLEN"), g.pickCore([]string{"0", "1", "3"}, []string{"-1", "abc"}))
			}
			return plain(a...)
		},
		func() op { return plain("LMOVE", k(), k(), g.side(), g.side()) },
		func() op { return plain("RPOPLPUSH", k(), k()) },
		func() op {
			a := cat([]string{"LMPOP"}, g.numkeys("l"), []string{g.side()})
			if g.chance(40) {
				a = append(a, g.kw("COUNT"), g.pickCore([]string{"1", "2", "5"}, []string{"0", "-1", "abc"}))
			}
			return plain(a...)
		},
		// Blocking pops: the keys may be empty (a 10 ms timeout) or hold data.
		func() op { return g.listBlocking() },
		func() op { return g.listBlockServe() },
	))
}

func (g *gen) listBlocking() op {
	k := func() string { return g.key("l") }
	return g.chooseUniform(
		func() op {
			return op{conn: -1, noMutate: true, args: cat([]string{g.pick("BLPOP", "BRPOP")}, g.keys("l", 1, 3), []string{g.blockTimeout()})}
		},
		func() op {
			return op{conn: -1, noMutate: true, args: []string{"BLMOVE", k(), k(), g.side(), g.side(), g.blockTimeout()}}
		},
		func() op {
			return op{conn: -1, noMutate: true, args: []string{"BRPOPLPUSH", k(), k(), g.blockTimeout()}}
		},
		func() op {
			a := cat([]string{"BLMPOP", g.blockTimeout()}, g.numkeys("l"), []string{g.side()})
			if g.chance(40) {
				a = append(a, g.kw("COUNT"), g.pickCore([]string{"1", "2", "5"}, []string{"0", "-1"}))
			}
			return op{conn: -1, noMutate: true, args: a}
		},
	)
}

// listBlockServe: C blocks on list keys with a 1 s timeout, B pushes to one of them.
func (g *gen) listBlockServe() op {
	ks := []string{"l" + strconv.Itoa(g.intn(0, 5))}
	if g.chance(40) {
		ks = append(ks, "l"+strconv.Itoa(g.intn(0, 5)))
	}
	var a []string
	dst := ""
	switch g.intn(0, 4) {
	case 0:
		a = cat([]string{"BLPOP"}, ks, []string{"1"})
	case 1:
		a = cat([]string{"BRPOP"}, ks, []string{"1"})
	case 2:
		dst = "l" + strconv.Itoa(g.intn(0, 5))
		a = []string{"BLMOVE", ks[0], dst, g.side(), g.side(), "1"}
		ks = ks[:1]
	case 3:
		dst = "l" + strconv.Itoa(g.intn(0, 5))
		a = []string{"BRPOPLPUSH", ks[0], dst, "1"}
		ks = ks[:1]
	case 4:
		a = cat([]string{"BLMPOP", "1", strconv.Itoa(len(ks))}, ks, []string{g.side(), "COUNT", strconv.Itoa(g.intn(1, 3))})
	}
	push := cat([]string{g.pick("LPUSH", "RPUSH"), ks[g.intn(0, len(ks)-1)]}, g.repeat(1, 3, g.lval))
	return op{kind: opBlockServe, args: a, push: push, blockKeys: ks, blockDst: dst, blockType: "list"}
}

// ---- sets ----

func (g *gen) smember() string {
	if g.chance(35) {
		return g.pick("1", "2", "3", "10", "-5", "100", "0")
	}
	return g.member()
}

func (g *gen) sets() []op {
	k := func() string { return g.key("t") }
	return one(g.choose(
		func() op { return plain(cat([]string{"SADD", k()}, g.repeat(1, 4, g.smember))...) },
		func() op { return plain(cat([]string{"SREM", k()}, g.repeat(1, 3, g.smember))...) },
		func() op { return plain("SISMEMBER", k(), g.smember()) },
		func() op { return plain(cat([]string{"SMISMEMBER", k()}, g.repeat(1, 3, g.smember))...) },
		func() op { return plain("SCARD", k()) },
		func() op { return with(sortedElems, "SMEMBERS", k()) },
		func() op {
			key := k()
			o := op{kind: opRandom, conn: -1, args: []string{"SPOP", key}, popKey: key,
				src: []string{"SMEMBERS", key}, srcCmp: sortedElems}
			if g.chance(60) {
				c := g.intn(0, 5)
				if g.chance(5) {
					c = -1
				}
				o.args = append(o.args, strconv.Itoa(c))
				o.spec = randSpec{distinct: true, count: c, hasCount: c >= 0}
			}
			return o
		},
		func() op {
			key := k()
			o := op{kind: opRandom, conn: -1, args: []string{"SRANDMEMBER", key},
				src: []string{"SMEMBERS", key}, srcCmp: sortedElems}
			if g.chance(70) {
				c := g.intn(-5, 6)
				o.args = append(o.args, strconv.Itoa(c))
				o.spec = randSpec{distinct: c >= 0, count: abs(c), hasCount: true}
			}
			return o
		},
		func() op { return plain("SMOVE", k(), k(), g.smember()) },
		func() op {
			return with(sortedElems, cat([]string{g.pick("SINTER", "SUNION", "SDIFF")}, g.keys("t", 1, 3))...)
		},
		func() op {
			a := cat([]string{"SINTERCARD"}, g.numkeys("t"))
			if g.chance(40) {
				a = append(a, g.kw("LIMIT"), g.pickCore([]string{"0", "1", "2"}, []string{"-1", "abc"}))
			}
			return plain(a...)
		},
		func() op {
			return plain(cat([]string{g.pick("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"), k()}, g.keys("t", 1, 3))...)
		},
		func() op {
			return op{kind: opScan, conn: -1, args: cat([]string{"SSCAN", k(), "0"}, g.scanOpts(false)), cur: 2}
		},
	))
}

// ---- sorted sets ----

var (
	scoreRanges = []string{"-inf", "+inf", "1", "2", "(1", "(2", "0", "3", "(1.5", "-1", "2.5"}
	badRanges   = []string{"abc", "(", "((1", "nan", "", "[1"}
	lexRanges   = []string{"-", "+", "[a", "(b", "[c", "(1", "[2", "[3", "(a"}
	badLex      = []string{"[", "(", "a", "", "1"}
)

func (g *gen) srange() string { return g.pickCore(scoreRanges, badRanges) }
func (g *gen) lrange() string {
	if g.chance(8) {
		return g.pick(badLex...)
	}
	return g.pick(lexRanges...)
}

func (g *gen) zkey() string {
	if g.chance(15) {
		return g.key("t") // sets are accepted by ZUNION & co.
	}
	return g.key("z")
}

func (g *gen) zaddOpts() []string {
	var o [][]string
	switch g.intn(0, 5) {
	case 1:
		o = append(o, []string{g.kw("NX")})
	case 2:
		o = append(o, []string{g.kw("XX")})
	}
	switch g.intn(0, 5) {
	case 1:
		o = append(o, []string{g.kw("GT")})
	case 2:
		o = append(o, []string{g.kw("LT")})
	}
	if g.chance(20) {
		o = append(o, []string{g.kw("CH")})
	}
	return g.shuffle(o)
}

func (g *gen) limit() []string {
	return []string{g.kw("LIMIT"), g.pickCore([]string{"0", "1", "2"}, []string{"-1", "abc"}),
		g.pickCore([]string{"1", "2", "-1", "5"}, []string{"0", "abc"})}
}

func (g *gen) setopTail(weights bool, nkeys int) []string {
	var a []string
	if weights && g.chance(30) {
		a = append(a, g.kw("WEIGHTS"))
		n := nkeys
		if g.chance(8) {
			n = nkeys + 1
		}
		for i := 0; i < n; i++ {
			a = append(a, g.pickCore([]string{"1", "2", "0", "-1", "0.5"}, []string{"abc", "inf", "-inf", "nan"}))
		}
	}
	if weights && g.chance(30) {
		a = append(a, g.kw("AGGREGATE"), g.kw(g.pickCore([]string{"SUM", "MIN", "MAX"}, []string{"AVG"})))
	}
	return a
}

func (g *gen) zsets() []op {
	k := func() string { return g.key("z") }
	return one(g.choose(
		func() op {
			a := cat([]string{"ZADD", k()}, g.zaddOpts())
			n := g.intn(1, 3)
			if g.chance(15) {
				a = append(a, g.kw("INCR"))
				if g.chance(90) {
					n = 1
				}
			}
			return plain(cat(a, g.pairs(n, g.score, g.member))...)
		},
		func() op { return plain("ZRANGE", k(), "0", "-1", "WITHSCORES") },
		func() op { return plain("ZINCRBY", k(), g.score(), g.member()) },
		func() op { return plain(cat([]string{"ZREM", k()}, g.repeat(1, 3, g.member))...) },
		func() op { return plain("ZCARD", k()) },
		func() op { return plain("ZSCORE", k(), g.member()) },
		func() op { return plain(cat([]string{"ZMSCORE", k()}, g.repeat(1, 3, g.member))...) },
		func() op { return plain(g.pick("ZRANK", "ZREVRANK"), k(), g.member()) },
		func() op { return plain("ZCOUNT", k(), g.srange(), g.srange()) },
		func() op { return lexOp(1, "", "ZLEXCOUNT", k(), g.lrange(), g.lrange()) },
		func() op {
			spec, lex := g.zrangeSpec()
			a := cat([]string{"ZRANGE", k()}, spec)
			if lex {
				return lexOp(1, "", a...)
			}
			return plain(a...)
		},
		func() op {
			a := []string{g.pick("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"), k(), g.srange(), g.srange()}
			if g.chance(40) {
				a = append(a, g.kw("WITHSCORES"))
			}
			if g.chance(30) {
				a = append(a, g.limit()...)
			}
			return plain(a...)
		},
		func() op {
			a := []string{g.pick("ZRANGEBYLEX", "ZREVRANGEBYLEX"), k(), g.lrange(), g.lrange()}
			if g.chance(30) {
				a = append(a, g.limit()...)
			}
			return lexOp(1, "", a...)
		},
		func() op {
			a := []string{"ZREVRANGE", k(), g.index(), g.index()}
			if g.chance(40) {
				a = append(a, g.kw("WITHSCORES"))
			}
			return plain(a...)
		},
		func() op {
			spec, lex := g.zrangeSpec()
			dst := k()
			a := cat([]string{"ZRANGESTORE", dst, k()}, spec)
			if lex {
				return lexOp(2, dst, a...)
			}
			return plain(a...)
		},
		func() op { return plain("ZREMRANGEBYRANK", k(), g.index(), g.index()) },
		func() op { return plain("ZREMRANGEBYSCORE", k(), g.srange(), g.srange()) },
		func() op {
			key := k()
			return lexOp(1, key, "ZREMRANGEBYLEX", key, g.lrange(), g.lrange())
		},
		func() op {
			a := []string{g.pick("ZPOPMIN", "ZPOPMAX"), k()}
			if g.chance(40) {
				a = append(a, g.pickCore([]string{"0", "1", "2", "5"}, []string{"-1", "abc"}))
			}
			return plain(a...)
		},
		func() op {
			a := cat([]string{"ZMPOP"}, g.numkeys("z"), []string{g.kw(g.pickCore([]string{"MIN", "MAX"}, []string{"MID"}))})
			if g.chance(40) {
				a = append(a, g.kw("COUNT"), g.pickCore([]string{"1", "2", "5"}, []string{"0", "-1", "abc"}))
			}
			return plain(a...)
		},
		func() op {
			if g.chance(50) {
				return op{conn: -1, noMutate: true, args: cat([]string{g.pick("BZPOPMIN", "BZPOPMAX")}, g.keys("z", 1, 3), []string{g.blockTimeout()})}
			}
			a := cat([]string{"BZMPOP", g.blockTimeout()}, g.numkeys("z"), []string{g.kw(g.pick("MIN", "MAX"))})
			if g.chance(40) {
				a = append(a, g.kw("COUNT"), g.pickCore([]string{"1", "2", "5"}, []string{"0", "-1"}))
			}
			return op{conn: -1, noMutate: true, args: a}
		},
		func() op { return g.zsetBlockServe() },
		func() op {
			name := g.pick("ZUNION", "ZINTER", "ZDIFF")
			ks := g.repeatKeys()
			a := cat([]string{name, strconv.Itoa(len(ks))}, ks, g.setopTail(name != "ZDIFF" || g.chance(10), len(ks)))
			if g.chance(50) {
				a = append(a, g.kw("WITHSCORES"))
			}
			return plain(a...)
		},
		func() op {
			name := g.pick("ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE")
			ks := g.repeatKeys()
			n := strconv.Itoa(len(ks))
			if g.chance(5) {
				n = g.pick("0", "abc", strconv.Itoa(len(ks)+1))
			}
			return plain(cat([]string{name, k(), n}, ks, g.setopTail(name != "ZDIFFSTORE" || g.chance(10), len(ks)))...)
		},
		func() op {
			ks := g.repeatKeys()
			a := cat([]string{"ZINTERCARD", strconv.Itoa(len(ks))}, ks)
			if g.chance(40) {
				a = append(a, g.kw("LIMIT"), g.pickCore([]string{"0", "1", "2"}, []string{"-1", "abc"}))
			}
			return plain(a...)
		},
		func() op {
			key := k()
			o := op{kind: opRandom, conn: -1, args: []string{"ZRANDMEMBER", key},
				src: []string{"ZRANGE", key, "0", "-1", "WITHSCORES"}, srcCmp: exact, srcPairs: true}
			if g.chance(70) {
				c := g.intn(-5, 6)
				o.args = append(o.args, strconv.Itoa(c))
				o.spec = randSpec{distinct: c >= 0, count: abs(c), hasCount: true}
				if g.chance(50) {
					o.args = append(o.args, g.kw("WITHSCORES"))
					o.spec.pairs = true
				}
			}
			return o
		},
		func() op {
			return op{kind: opScan, conn: -1, args: cat([]string{"ZSCAN", k(), "0"}, g.scanOpts(false)), cur: 2, pairs: true}
		},
	))
}

func (g *gen) repeatKeys() []string { return g.repeat(1, 3, g.zkey) }

// lexOp is a lex-range command on the zset args[keyIdx]; dst is the key it
// writes, if any.
func lexOp(keyIdx int, dst string, args ...string) op {
	return op{kind: opLex, conn: -1, args: args, lexKey: args[keyIdx], popKey: dst}
}

// zrangeSpec is the part of ZRANGE after the key(s); lex tells BYLEX.
func (g *gen) zrangeSpec() (spec []string, lex bool) {
	var a []string
	mode := g.intn(0, 2)
	switch mode {
	case 0:
		a = []string{g.index(), g.index()}
	case 1:
		a = []string{g.srange(), g.srange(), g.kw("BYSCORE")}
	case 2:
		a = []string{g.lrange(), g.lrange(), g.kw("BYLEX")}
	}
	if g.chance(30) {
		a = append(a, g.kw("REV"))
	}
	if g.chance(25) {
		a = append(a, g.limit()...)
	}
	if g.chance(35) {
		a = append(a, g.kw("WITHSCORES"))
	}
	return a, mode == 2
}

func (g *gen) zsetBlockServe() op {
	ks := []string{"z" + strconv.Itoa(g.intn(0, 5))}
	if g.chance(40) {
		ks = append(ks, "z"+strconv.Itoa(g.intn(0, 5)))
	}
	var a []string
	switch g.intn(0, 2) {
	case 0:
		a = cat([]string{"BZPOPMIN"}, ks, []string{"1"})
	case 1:
		a = cat([]string{"BZPOPMAX"}, ks, []string{"1"})
	case 2:
		a = cat([]string{"BZMPOP", "1", strconv.Itoa(len(ks))}, ks, []string{g.pick("MIN", "MAX"), "COUNT", strconv.Itoa(g.intn(1, 3))})
	}
	push := cat([]string{"ZADD", ks[g.intn(0, len(ks)-1)]}, g.pairs(g.intn(1, 2), func() string { return g.pick(coreScores...) }, g.member))
	return op{kind: opBlockServe, args: a, push: push, blockKeys: ks}
}

// ---- transactions ----

// dataOp is one command from a data family.
func (g *gen) dataOp() op {
	fs := []func() []op{g.strings, g.lists, g.hashes, g.sets, g.zsets, g.keysFamily, g.expire}
	return fs[g.intn(0, len(fs)-1)]()[0]
}

func (g *gen) tx() []op {
	var ops []op
	a := func(args ...string) { ops = append(ops, op{conn: connA, args: args}) }
	if g.chance(10) {
		a(g.pick("EXEC", "DISCARD", "UNWATCH"))
		return ops
	}
	if g.chance(50) {
		a(cat([]string{"WATCH"}, g.keys(g.pick(prefixes...), 1, 2))...)
	}
	if g.chance(40) {
		o := g.dataOp()
		o.conn = connB
		ops = append(ops, o)
	}
	if g.chance(10) {
		a("UNWATCH")
	}
	a("MULTI")
	for n := g.intn(0, 4); n > 0; n-- {
		if g.chance(6) {
			ops = append(ops, op{conn: connA, noMutate: true, args: g.pick2([][]string{
				{"NOSUCHCMD"}, {"GET"}, {"WATCH", "s0"}, {"MULTI"}, {"SET", "s0"}})})
			continue
		}
		o := g.dataOp()
		o.conn = connA
		ops = append(ops, o)
	}
	if g.chance(20) {
		o := g.dataOp()
		o.conn = connB
		ops = append(ops, o)
	}
	if g.chance(85) {
		a("EXEC")
	} else {
		a("DISCARD")
	}
	return ops
}

// ---- pub/sub ----

var (
	channels    = []string{"ch0", "ch1", "ch2", "news.a", "news.b"}
	chanPattern = []string{"ch*", "news.*", "*", "ch[01]", "x?"}
)

func (g *gen) pubsub() []op {
	sub := func(args ...string) op { return op{kind: opSubscriber, conn: connS, args: args} }
	ch := func() string { return g.pick(channels...) }
	pat := func() string { return g.pick(chanPattern...) }
	return one(g.choose(
		func() op { return sub(cat([]string{"SUBSCRIBE"}, g.repeat(1, 3, ch))...) },
		func() op { return op{kind: opPublish, conn: -1, args: []string{"PUBLISH", ch(), g.value()}} },
		func() op { return sub(cat([]string{"PSUBSCRIBE"}, g.repeat(1, 2, pat))...) },
		func() op { return sub(cat([]string{"UNSUBSCRIBE"}, g.repeat(0, 2, ch))...) },
		func() op { return sub(cat([]string{"PUNSUBSCRIBE"}, g.repeat(0, 2, pat))...) },
		func() op { return sub("PING") },
		func() op { return sub("GET", "s0") },
		func() op {
			a := []string{"PUBSUB", g.kw("CHANNELS")}
			if g.chance(50) {
				a = append(a, pat())
			}
			return with(sortedElems, a...)
		},
		func() op { return plain(cat([]string{"PUBSUB", g.kw("NUMSUB")}, g.repeat(0, 3, ch))...) },
		func() op { return plain("PUBSUB", g.kw("NUMPAT")) },
		func() op { return plain("PUBSUB", g.pick("FOO", "NUMPAT x")) },
	))
}

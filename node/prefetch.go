package node

import (
	"opdis/node/dict"
	"opdis/wire"
)

// prefetchKeys reads ahead, for the next commands pipelined in buf, the
// memory they will touch: the keyspace entry of their key (dict.Prefetch),
// the value object, a string's bytes, and the entry of the element a
// command names in a hash, set or sorted set (HSET key field, SADD key
// member, ZADD key score member). On data larger than the CPU caches
// each lookup waits for three or four cache misses in a row; read ahead, a
// pipeline's lookups wait for theirs together and then find everything
// cached. It returns how many commands it read ahead for.
//
// It changes nothing, and a wrong guess costs only the reads: the second
// argument of a command need not be a key, nor the element the third or
// last, and a SELECT in the pipeline makes the reads useless, not wrong.
func (n *Node) prefetchKeys(db *DB, buf []byte) int {
	var keys, thirds, lasts [dict.PrefetchMax]string
	k := 0
	for k < len(keys) {
		var room [4][]byte
		args, count, used, ok := wire.PeekArgs(buf, room[:0])
		if !ok || count < 2 {
			break
		}
		keys[k], thirds[k], lasts[k] = str(args[1]), "", ""
		if count >= 3 {
			thirds[k] = str(args[2])
		}
		if count == 3 || count == 4 {
			lasts[k] = str(args[count-1])
		}
		k++
		if used == len(buf) {
			break
		}
		buf = buf[used:]
	}
	if k < 2 {
		return k // nothing to overlap
	}
	var vals [dict.PrefetchMax]*Object
	sum := db.keys.Prefetch(keys[:k], vals[:k])
	for _, o := range vals[:k] {
		if o != nil {
			sum += uint64(o.Type)
		}
	}
	for _, o := range vals[:k] { // a string's bytes: GET's reply, INCR's number
		if o != nil && o.Type == TypeString && len(o.Str) > 0 {
			sum += uint64(o.Str[0])
		}
	}
	// Elements, for each run of commands on the same collection: a hash's
	// field and a set's member come third, a sorted set's member last.
	for i := 0; i < k; {
		o, j := vals[i], i+1
		for j < k && vals[j] == o {
			j++
		}
		if o != nil {
			switch o.Type {
			case TypeHash:
				sum += prefetchIn(o.Hash, thirds[i:j])
			case TypeSet:
				sum += prefetchIn(o.Set, thirds[i:j])
			case TypeZSet:
				sum += prefetchIn(o.ZSet.dict, lasts[i:j])
			}
		}
		i = j
	}
	n.prefetchSum += sum
	return k
}

// prefetchIn is dict.Prefetch of the non-empty names among elems.
func prefetchIn[V any](d *dict.Dict[V], elems []string) uint64 {
	var names [dict.PrefetchMax]string
	var vals [dict.PrefetchMax]V
	m := 0
	for _, e := range elems {
		if e != "" {
			names[m] = e
			m++
		}
	}
	if m < 2 {
		return 0
	}
	return d.Prefetch(names[:m], vals[:m])
}

package node

import (
	"opdis/node/dict"
	"opdis/wire"
)

// prefetchKeys reads ahead, for the next commands pipelined in buf, the
// memory their key lookups will touch: the keyspace entries
// (dict.Prefetch), the value objects and a string's bytes. Each lookup on
// a keyspace larger than the CPU caches waits for four cache misses in a
// row; read ahead, a pipeline's lookups wait for theirs together, and then
// find everything cached. It returns how many commands it read ahead for.
// It changes nothing: the second argument of a command need not be a key,
// and a SELECT in the pipeline makes the reads useless, not wrong.
func (n *Node) prefetchKeys(db *DB, buf []byte) int {
	var keys [dict.PrefetchMax]string
	k := 0
	for k < len(keys) {
		key, used, ok := wire.PeekKey(buf)
		if !ok {
			break
		}
		keys[k] = str(key)
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
	n.prefetchSum += sum
	return k
}

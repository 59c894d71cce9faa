package node

import "opdis/node/dict"

// DB is one numbered database: keys and their expiry times.
type DB struct {
	id      int
	keys    *dict.Dict[*Object]
	expires *dict.Dict[int64] // unix ms, only keys that have a TTL
}

func newDB(id int, seed uint64) *DB {
	return &DB{id: id, keys: dict.New[*Object](seed), expires: dict.New[int64](seed ^ 0x5bd1e995)}
}

// ID returns the database number.
func (db *DB) ID() int { return db.id }

// Len returns the number of keys, counting expired ones not yet removed.
func (db *DB) Len() int { return db.keys.Len() }

// Volatile returns how many keys have a TTL.
func (db *DB) Volatile() int { return db.expires.Len() }

// Range calls fn for every key in table order (expired ones included).
func (db *DB) Range(fn func(key string, o *Object, expireAt int64) bool) {
	db.keys.Range(func(k string, o *Object) bool {
		return fn(k, o, db.expireAt(k))
	})
}

// expireAt returns the key's expiry in unix ms, or -1.
func (db *DB) expireAt(key string) int64 {
	if at, ok := db.expires.Get(key); ok {
		return at
	}
	return -1
}

// expireIfNeeded deletes key if its time has passed and reports whether it did.
// The delete is propagated as DEL, so replicas and the log never decide
// expiry on their own.
func (n *Node) expireIfNeeded(db *DB, key string) bool {
	at, ok := db.expires.Get(key)
	if !ok || at > n.nowMs() || n.op.applying || n.inMasterStream {
		return false // nothing expires while the log or the master's stream is replayed
	}
	if n.isReplica() || n.writesPaused() {
		return true // logically gone; the master's DEL (or the end of the pause) removes it
	}
	n.stats.ExpiredKeys++
	n.removeKey(db, key)
	n.propagateExpire(db, key)
	return true
}

// lookupRead returns the live object under key for a read, counting a hit
// or a miss and refreshing its access time, or nil.
func (n *Node) lookupRead(db *DB, key []byte) *Object {
	o := n.lookupNoTouch(db, key)
	if o == nil {
		n.stats.KeyspaceMisses++
		return nil
	}
	n.stats.KeyspaceHits++
	o.access = n.lruMs
	return o
}

// lookupWrite is Redis's lookupKeyWrite: the live object under key, or nil,
// with its access time refreshed and no hit/miss counted.
func (n *Node) lookupWrite(db *DB, key []byte) *Object {
	o := n.lookupNoTouch(db, key)
	if o != nil {
		o.access = n.lruMs
	}
	return o
}

// lookupKeyNoTouch is Redis's lookupKeyReadWithFlags(LOOKUP_NOTOUCH), for
// EXISTS, TYPE, TTL, OBJECT: it counts a hit or a miss but leaves the
// access time alone.
func (n *Node) lookupKeyNoTouch(db *DB, key []byte) *Object {
	o := n.lookupNoTouch(db, key)
	if o == nil {
		n.stats.KeyspaceMisses++
	} else {
		n.stats.KeyspaceHits++
	}
	return o
}

// lookupNoTouch returns the live object under key (expiring it lazily), or
// nil, and changes nothing else.
func (n *Node) lookupNoTouch(db *DB, key []byte) *Object {
	k := str(key)
	o, ok := db.keys.Get(k)
	if !ok {
		return nil
	}
	if db.expires.Len() > 0 && n.expireIfNeeded(db, k) {
		return nil
	}
	return o
}

// lookupReadType is lookupRead that replies WRONGTYPE and returns ok false
// when the key holds another type. A missing key is (nil, true).
func (n *Node) lookupReadType(c *Client, key []byte, t ObjType) (*Object, bool) {
	o := n.lookupRead(c.db, key)
	if o != nil && o.Type != t {
		c.addError(errWrongType)
		return nil, false
	}
	return o, true
}

// lookupWriteType is lookupWrite with the WRONGTYPE check of lookupReadType.
func (n *Node) lookupWriteType(c *Client, key []byte, t ObjType) (*Object, bool) {
	o := n.lookupWrite(c.db, key)
	if o != nil && o.Type != t {
		c.addError(errWrongType)
		return nil, false
	}
	return o, true
}

// setKey stores o under key, replacing any value. Unless keepTTL, the key
// loses its TTL (as SET does). It signals the change to WATCH.
func (n *Node) setKey(db *DB, key []byte, o *Object, keepTTL bool) {
	k := str(key)
	o.access = n.lruMs
	if n.snap != nil {
		n.snapBeforeWrite(db, k)
		o.snap = n.snap.gen // not part of the running snapshot
	}
	db.keys.Set(k, o)
	if !keepTTL {
		db.expires.Delete(k)
	}
	n.touch(db, k)
	if o.Type == TypeList || o.Type == TypeZSet {
		// As Redis 7.0's dbAdd: any new list or zset (a push, RENAME, MOVE,
		// COPY…) may serve a parked client.
		n.signalReady(db, key)
	}
}

// addKey stores o under a key the caller knows is absent (after lookupWrite
// returned nil).
func (n *Node) addKey(db *DB, key []byte, o *Object) {
	n.setKey(db, key, o, false)
}

// deleteKey removes key if present (and live) and reports whether it did.
// It signals the change to WATCH.
func (n *Node) deleteKey(db *DB, key []byte) bool {
	if n.lookupNoTouch(db, key) == nil {
		return false
	}
	n.removeKey(db, str(key))
	return true
}

// removeKey drops key and its TTL unconditionally.
func (n *Node) removeKey(db *DB, key string) {
	n.snapBeforeWrite(db, key)
	db.keys.Delete(key)
	db.expires.Delete(key)
	n.touch(db, key)
}

// deleteIfEmpty removes a container key whose last element was removed.
func (n *Node) deleteIfEmpty(db *DB, key []byte, o *Object) {
	if o.Len() == 0 {
		n.removeKey(db, str(key))
	}
}

// setExpire sets key's TTL to the unix-ms time at. The key must exist.
func (n *Node) setExpire(db *DB, key []byte, at int64) {
	n.snapBeforeWrite(db, str(key))
	if k, ok := db.keys.Key(str(key)); ok {
		db.expires.SetOwned(k, at) // one copy of the key, as Redis's two dicts share one sds
	} else {
		db.expires.Set(str(key), at)
	}
	n.touch(db, str(key))
}

// persist removes key's TTL and reports whether it had one.
func (n *Node) persist(db *DB, key []byte) bool {
	n.snapBeforeWrite(db, str(key))
	if db.expires.Delete(str(key)) {
		n.touch(db, str(key))
		return true
	}
	return false
}

// touch is Redis's signalModifiedKey: it fails the EXEC of every client
// WATCHing key and counts a change for SAVE's dirty counter.
func (n *Node) touch(db *DB, key string) {
	n.dirty++
	if len(n.watched) == 0 {
		return
	}
	for _, c := range n.watched[watchKey{db.id, key}] {
		c.dirtyCAS = true
	}
}

// touchAll is touch for every watched key of db (FLUSHDB, SWAPDB); db -1
// means every database.
func (n *Node) touchAll(db int) {
	for wk, clients := range n.watched { //det:ok only sets flags
		if db == -1 || wk.db == db {
			for _, c := range clients {
				c.dirtyCAS = true
			}
		}
	}
}

// activeExpireCycle samples keys with a TTL and deletes expired ones, as
// Redis's activeExpireCycle: per database, batches of 20 until fewer than a
// quarter of a batch were expired, bounded in total work.
func (n *Node) activeExpireCycle() {
	const batch = 20
	budget := 2000
	now := n.nowMs()
	for _, db := range n.dbs {
		for budget > 0 && db.expires.Len() > 0 {
			expired := 0
			for i := 0; i < batch && db.expires.Len() > 0; i++ {
				budget--
				key, at, _ := db.expires.Random(n.env.Rand)
				if at <= now {
					n.stats.ExpiredKeys++
					n.removeKey(db, key)
					n.propagateExpire(db, key)
					expired++
				}
			}
			if expired*4 < batch {
				break
			}
		}
	}
}

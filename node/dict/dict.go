// Package dict owns the node's hash table: a chained table with a seeded,
// deterministic hash, Redis's reverse-binary SCAN cursor and fair random
// sampling. Unlike a Go map its iteration order is a pure function of the
// seed and the operations applied, so it may reach replies and the log.
package dict

import "strings"

// Rand is the random source Random draws from.
type Rand interface{ Uint64() uint64 }

// An entry keeps its key's hash: a lookup then reads the key's bytes
// (another cache line, often a miss) only for the entry that matches, and a
// resize does not hash again.
type entry[V any] struct {
	hash uint64
	key  string
	val  V
	next *entry[V]
}

// Dict maps string keys to values of type V.
type Dict[V any] struct {
	seed    uint64
	buckets []*entry[V]
	n       int
}

const minBuckets = 4

// New returns an empty Dict whose hash is keyed by seed.
func New[V any](seed uint64) *Dict[V] {
	return &Dict[V]{seed: seed}
}

// Len returns the number of keys.
func (d *Dict[V]) Len() int { return d.n }

// Hash is the table's hash of key.
func (d *Dict[V]) hash(key string) uint64 { return Hash(d.seed, key) }

// Get returns the value stored under key.
func (d *Dict[V]) Get(key string) (V, bool) {
	if e := d.find(key); e != nil {
		return e.val, true
	}
	var zero V
	return zero, false
}

// find returns key's entry, or nil.
func (d *Dict[V]) find(key string) *entry[V] {
	if d.n == 0 {
		return nil
	}
	h := d.hash(key)
	for e := d.buckets[h&uint64(len(d.buckets)-1)]; e != nil; e = e.next {
		if e.hash == h && e.key == key {
			return e
		}
	}
	return nil
}

// PrefetchMax is how many keys one Prefetch call takes.
const PrefetchMax = 16

// Prefetch does the reads that lookups of keys (at most PrefetchMax) will
// do — bucket, entry, the key's first byte — one step for all keys at a
// time, so that the CPU waits for their cache misses together instead of
// one after another, and puts each key's value in vals (the zero V when
// absent; matched by hash alone, so a hint). A chained table larger than
// the CPU caches misses three times in a row per lookup. The result is a
// checksum of what was read; keep it so the compiler keeps the reads.
func (d *Dict[V]) Prefetch(keys []string, vals []V) uint64 {
	if d.n == 0 || len(keys) > PrefetchMax {
		clear(vals)
		return 0
	}
	var hs [PrefetchMax]uint64
	var es [PrefetchMax]*entry[V]
	mask := uint64(len(d.buckets) - 1)
	for i, k := range keys {
		hs[i] = d.hash(k)
		es[i] = d.buckets[hs[i]&mask]
	}
	var sum uint64
	for i := range keys {
		e := es[i]
		for e != nil && e.hash != hs[i] {
			e = e.next
		}
		es[i] = e
	}
	for i := range keys {
		if e := es[i]; e != nil {
			if len(e.key) > 0 {
				sum += uint64(e.key[0])
			}
			vals[i] = e.val
		} else {
			var zero V
			vals[i] = zero
		}
	}
	return sum
}

// Ptr returns a pointer to the value under key, or nil. The pointer is
// valid until the next Set or Delete.
func (d *Dict[V]) Ptr(key string) *V {
	if e := d.find(key); e != nil {
		return &e.val
	}
	return nil
}

// Set stores val under key and reports whether key is new. A new key is
// copied: the table owns its keys, so a key that views a request's buffer
// (the node's keys, fields and members do) does not keep that buffer, and
// whatever else it holds, alive for as long as the key lives.
func (d *Dict[V]) Set(key string, val V) bool { return d.set(key, val, true) }

// SetOwned is Set for a key the caller hands over: it is kept as is (a
// fresh string, or another table's copy of the same key).
func (d *Dict[V]) SetOwned(key string, val V) bool { return d.set(key, val, false) }

func (d *Dict[V]) set(key string, val V, clone bool) bool {
	if len(d.buckets) == 0 {
		d.buckets = make([]*entry[V], minBuckets)
	}
	h := d.hash(key)
	b := h & uint64(len(d.buckets)-1)
	for e := d.buckets[b]; e != nil; e = e.next {
		if e.hash == h && e.key == key {
			e.val = val
			return false
		}
	}
	if clone {
		key = strings.Clone(key)
	}
	d.buckets[b] = &entry[V]{hash: h, key: key, val: val, next: d.buckets[b]}
	d.n++
	if d.n > len(d.buckets) {
		d.resize(len(d.buckets) * 2)
	}
	return true
}

// Key returns the table's own copy of key, for a second table to share
// (SetOwned); ok is false when key is absent.
func (d *Dict[V]) Key(key string) (stored string, ok bool) {
	if e := d.find(key); e != nil {
		return e.key, true
	}
	return "", false
}

// Delete removes key and reports whether it was there.
func (d *Dict[V]) Delete(key string) bool {
	if d.n == 0 {
		return false
	}
	h := d.hash(key)
	b := h & uint64(len(d.buckets)-1)
	var prev *entry[V]
	for e := d.buckets[b]; e != nil; prev, e = e, e.next {
		if e.hash != h || e.key != key {
			continue
		}
		if prev == nil {
			d.buckets[b] = e.next
		} else {
			prev.next = e.next
		}
		d.n--
		if len(d.buckets) > minBuckets && d.n*8 < len(d.buckets) {
			d.resize(len(d.buckets) / 2)
		}
		return true
	}
	return false
}

// Clear removes every key.
func (d *Dict[V]) Clear() {
	d.buckets = nil
	d.n = 0
}

func (d *Dict[V]) resize(size int) {
	if size < minBuckets {
		size = minBuckets
	}
	old := d.buckets
	d.buckets = make([]*entry[V], size)
	mask := uint64(size - 1)
	// Walk old chains in order and append, so the result depends only on
	// the table's contents and history, never on memory addresses.
	tails := make([]*entry[V], size)
	for _, head := range old {
		for e := head; e != nil; {
			next := e.next
			e.next = nil
			b := e.hash & mask
			if tails[b] == nil {
				d.buckets[b] = e
			} else {
				tails[b].next = e
			}
			tails[b] = e
			e = next
		}
	}
}

// Range calls fn for every key in table order until fn returns false. fn
// must not modify the Dict.
func (d *Dict[V]) Range(fn func(key string, val V) bool) {
	for _, head := range d.buckets {
		for e := head; e != nil; e = e.next {
			if !fn(e.key, e.val) {
				return
			}
		}
	}
}

// Keys returns every key in table order.
func (d *Dict[V]) Keys() []string {
	keys := make([]string, 0, d.n)
	d.Range(func(k string, _ V) bool { keys = append(keys, k); return true })
	return keys
}

// Scan visits the bucket named by cursor (and, as Redis does, keeps going
// until it has visited at least count entries or wrapped) and returns the next
// cursor, 0 when the walk is complete. A key present for the whole walk is
// visited at least once, even if the table grows or shrinks between calls.
func (d *Dict[V]) Scan(cursor uint64, count int, fn func(key string, val V)) uint64 {
	if d.n == 0 {
		return 0
	}
	if count < 1 {
		count = 1
	}
	mask := uint64(len(d.buckets) - 1)
	visited := 0
	for maxBuckets := count * 10; ; maxBuckets-- {
		for e := d.buckets[cursor&mask]; e != nil; e = e.next {
			fn(e.key, e.val)
			visited++
		}
		// Increment the reversed cursor, as Redis's dictScan.
		cursor |= ^mask
		cursor = reverse(cursor)
		cursor++
		cursor = reverse(cursor)
		if cursor == 0 || visited >= count || maxBuckets <= 0 {
			return cursor
		}
	}
}

func reverse(v uint64) uint64 {
	v = (v>>1)&0x5555555555555555 | (v&0x5555555555555555)<<1
	v = (v>>2)&0x3333333333333333 | (v&0x3333333333333333)<<2
	v = (v>>4)&0x0F0F0F0F0F0F0F0F | (v&0x0F0F0F0F0F0F0F0F)<<4
	v = (v>>8)&0x00FF00FF00FF00FF | (v&0x00FF00FF00FF00FF)<<8
	v = (v>>16)&0x0000FFFF0000FFFF | (v&0x0000FFFF0000FFFF)<<16
	return v>>32 | v<<32
}

// Random returns a random key and its value; ok is false when empty. Like
// Redis's dictGetFairRandomKey it picks a non-empty bucket, then a chain
// element, which is close to uniform at the table's load factor.
func (d *Dict[V]) Random(r Rand) (key string, val V, ok bool) {
	if d.n == 0 {
		return "", val, false
	}
	mask := uint64(len(d.buckets) - 1)
	var head *entry[V]
	for head == nil {
		head = d.buckets[r.Uint64()&mask]
	}
	n := 0
	for e := head; e != nil; e = e.next {
		n++
	}
	e := head
	for i := r.Uint64() % uint64(n); i > 0; i-- {
		e = e.next
	}
	return e.key, e.val, true
}

// Hash is a fast seeded 64-bit string hash (a multiply-xorshift mix over
// 8-byte words with a splitmix64 finalizer). It is deterministic for a seed.
func Hash(seed uint64, s string) uint64 {
	const m1, m2 = 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9
	h := seed ^ uint64(len(s))*m1
	for len(s) >= 8 {
		k := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = (h ^ k) * m2
		h ^= h >> 29
		s = s[8:]
	}
	var k uint64
	for i := 0; i < len(s); i++ {
		k |= uint64(s[i]) << (8 * i)
	}
	h = (h ^ k) * m1
	h ^= h >> 32
	h *= m2
	h ^= h >> 29
	return h
}

package model

import (
	"maps"
	"slices"
	"strconv"
)

// Keyspace is the reference dataset: a plain map from key to string value
// that runs the checked commands sequentially with the same semantics as
// the porcupine model. The simulator replays a linearization (or a known
// sequential history) into it and compares nodes' datasets against it.
type Keyspace struct{ m map[string]string }

// NewKeyspace returns an empty keyspace.
func NewKeyspace() *Keyspace { return &Keyspace{m: map[string]string{}} }

func (k *Keyspace) get(key string) (string, bool) { v, ok := k.m[key]; return v, ok }
func (k *Keyspace) set(key, val string)           { k.m[key] = val }
func (k *Keyspace) del(key string) bool {
	_, ok := k.m[key]
	delete(k.m, key)
	return ok
}

// Apply runs in and returns what a server would reply.
func (k *Keyspace) Apply(in Input) Output { return apply(k, in) }

// Get returns key's value.
func (k *Keyspace) Get(key string) (string, bool) { return k.get(key) }

// Len is the number of keys.
func (k *Keyspace) Len() int { return len(k.m) }

// Keys returns the keys, sorted.
func (k *Keyspace) Keys() []string { return slices.Sorted(maps.Keys(k.m)) }

// Map returns a copy of the contents (for go-cmp diffs).
func (k *Keyspace) Map() map[string]string { return maps.Clone(k.m) }

// Clone returns an independent copy.
func (k *Keyspace) Clone() *Keyspace { return &Keyspace{m: maps.Clone(k.m)} }

// Equal reports whether both hold the same keys and values.
func (k *Keyspace) Equal(o *Keyspace) bool { return maps.Equal(k.m, o.m) }

// Diff lists the differences from k to o, one line per key, sorted by
// key: "-key" (only in k), "+key" (only in o), "~key" (values differ).
func (k *Keyspace) Diff(o *Keyspace) []string {
	keys := slices.Sorted(maps.Keys(k.m))
	for key := range o.m {
		if _, ok := k.m[key]; !ok {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	var out []string
	for _, key := range keys {
		a, inK := k.m[key]
		b, inO := o.m[key]
		switch {
		case !inO:
			out = append(out, "-"+key+" = "+strconv.Quote(a))
		case !inK:
			out = append(out, "+"+key+" = "+strconv.Quote(b))
		case a != b:
			out = append(out, "~"+key+": "+strconv.Quote(a)+" != "+strconv.Quote(b))
		}
	}
	return out
}

// Group returns the keys of one key group as a State (sorted), the shape
// the porcupine model keeps per partition.
func (k *Keyspace) Group(g string) State {
	var s State
	for _, key := range k.Keys() {
		if Group(key) == g {
			s = append(s, KV{key, k.m[key]})
		}
	}
	return s
}

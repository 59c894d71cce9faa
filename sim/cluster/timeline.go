package cluster

import (
	"slices"
	"strings"
	"time"

	"opdis/node"
	"opdis/wire"
)

// timeline is one node's history of in-memory states, indexed by op id:
// for each entry the node logged, the values of the keys it touched right
// after it. The state after op id L is every entry up to L replayed from
// the empty keyspace. When a restart loads up to L, the entries after L
// are gone from the node's past (a later entry may reuse their op ids).
type timeline struct {
	entries []tlEntry
}

type tlEntry struct {
	opid int64
	at   time.Duration // simulated time it was logged
	full bool          // kvs is the whole keyspace (a command whose keys we do not know)
	kvs  []kv
}

type kv struct {
	key, val string
	present  bool
}

// last is the highest op id logged (0 if none).
func (t *timeline) last() int64 {
	if len(t.entries) == 0 {
		return 0
	}
	return t.entries[len(t.entries)-1].opid
}

// lastBefore is the highest op id logged at or before at (0 if none).
func (t *timeline) lastBefore(at time.Duration) int64 {
	i, _ := slices.BinarySearchFunc(t.entries, at, func(e tlEntry, at time.Duration) int {
		if e.at <= at {
			return -1
		}
		return 1
	})
	if i == 0 {
		return 0
	}
	return t.entries[i-1].opid
}

// truncate forgets the entries after op id l.
func (t *timeline) truncate(l int64) {
	i, _ := slices.BinarySearchFunc(t.entries, l+1, func(e tlEntry, id int64) int {
		if e.opid < id {
			return -1
		}
		return 1
	})
	t.entries = t.entries[:i]
}

// stateAt is the keyspace after op id l.
func (t *timeline) stateAt(l int64) map[string]string {
	m := map[string]string{}
	for _, e := range t.entries {
		if e.opid > l {
			break
		}
		if e.full {
			clear(m)
		}
		for _, x := range e.kvs {
			if x.present {
				m[x.key] = x.val
			} else {
				delete(m, x.key)
			}
		}
	}
	return m
}

// rebase makes the keyspace of nd, at op id l, the whole past: a full
// sync replaced the node's history.
func (t *timeline) rebase(l int64, nd *node.Node) {
	t.entries = t.entries[:0]
	t.entries = append(t.entries, tlEntry{opid: l, full: true, kvs: snapshot(nd)})
}

// snapshot is nd's whole database 0.
func snapshot(nd *node.Node) []kv {
	var kvs []kv
	nd.DB(0).Range(func(key string, o *node.Object, _ int64) bool {
		kvs = append(kvs, kv{key, string(o.Str), true})
		return true
	})
	return kvs
}

// add records entry (just logged by nd, whose memory reflects it). An op
// id at or below the last one replaces the entries from it on (a replica
// that took a master's history over its own keeps the timeline ordered;
// C3 checks the histories themselves).
func (t *timeline) add(at time.Duration, opid int64, entry []byte, nd *node.Node) {
	if opid <= t.last() {
		t.truncate(opid - 1)
	}
	e := tlEntry{opid: opid, at: at}
	keys, ok := entryKeys(entry)
	if !ok {
		e.full = true
		e.kvs = snapshot(nd)
	} else {
		for _, k := range keys {
			e.kvs = append(e.kvs, kv{key: k})
		}
		found := 0
		nd.DB(0).Range(func(key string, o *node.Object, _ int64) bool {
			for i := range e.kvs {
				if e.kvs[i].key == key {
					e.kvs[i].val, e.kvs[i].present = string(o.Str), true
					found++
				}
			}
			return found < len(e.kvs)
		})
	}
	t.entries = append(t.entries, e)
}

// entryKeys returns the keys an entry's commands write, when every
// command is one whose keys it knows (and works on database 0).
func entryKeys(entry []byte) ([]string, bool) {
	e, _, err := wire.ParseEntry(entry, true)
	if err != nil || e.Header.DB != 0 {
		return nil, false
	}
	var keys []string
	add := func(k []byte) {
		if !slices.Contains(keys, string(k)) {
			keys = append(keys, string(k))
		}
	}
	for _, args := range e.Commands {
		if len(args) == 0 {
			return nil, false
		}
		switch strings.ToLower(string(args[0])) {
		case "multi", "exec":
		case "set", "setnx", "setex", "psetex", "getset", "append", "incr", "decr", "incrby", "decrby",
			"incrbyfloat", "getdel", "setrange":
			if len(args) < 2 {
				return nil, false
			}
			add(args[1])
		case "del", "unlink":
			for _, k := range args[1:] {
				add(k)
			}
		case "mset", "msetnx":
			for i := 1; i < len(args); i += 2 {
				add(args[i])
			}
		default: // select, or a command we do not know the keys of
			return nil, false
		}
	}
	return keys, true
}

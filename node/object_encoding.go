package node

// OBJECT ENCODING and REFCOUNT as Redis 7.0 reports them.
//
// Strings carry their encoding in the flags raw and big (big is otherwise
// unused by strings):
//   - raw only: built by APPEND/SETRANGE on an existing value, or SETRANGE
//     on a new key; always "raw", and Str is the object's own buffer (it
//     may be changed in place).
//   - big only: the value never went through Redis's tryObjectEncoding
//     (INCRBYFLOAT results), so it is "embstr" up to 44 bytes and "raw"
//     beyond, even if it looks like an integer.
//   - raw and big: COPY of an int-encoded value: "int", never a shared
//     object (REFCOUNT 1).
//   - neither: went through tryObjectEncoding (SET, MSET, APPEND to a new
//     key, INCR...): "int" when it is a canonical 64-bit integer of at most
//     20 bytes (shared for 0..9999), "embstr" up to 44 bytes, "raw" beyond.

const (
	embstrSizeLimit = 44
	sharedIntegers  = 10000
	sharedRefcount  = 2147483647 // OBJ_SHARED_REFCOUNT
)

// stringIsInt reports whether a string that went through tryObjectEncoding
// is stored int-encoded, and its value.
func stringIsInt(o *Object) (int64, bool) {
	if o.raw != o.big || len(o.Str) > 20 {
		return 0, false
	}
	return parseInt(o.Str)
}

// sharedInt reports whether o is one of Redis's shared integer objects.
func (n *Node) sharedInt(o *Object) bool {
	if o.Type != TypeString || o.raw || o.big {
		return false
	}
	v, ok := stringIsInt(o)
	return ok && v >= 0 && v < sharedIntegers && n.sharedIntegersAllowed()
}

// encodingName returns OBJECT ENCODING's answer for o.
func (n *Node) encodingName(o *Object) string {
	switch o.Type {
	case TypeString:
		if o.raw && !o.big {
			return "raw"
		}
		if _, ok := stringIsInt(o); ok {
			return "int"
		}
		if len(o.Str) <= embstrSizeLimit {
			return "embstr"
		}
		return "raw"
	case TypeList:
		return "quicklist"
	case TypeSet:
		if o.big {
			return "hashtable"
		}
		return "intset"
	case TypeZSet:
		if o.big {
			return "skiplist"
		}
		return "listpack"
	default: // TypeHash
		if o.big {
			return "hashtable"
		}
		return "listpack"
	}
}

// sharedIntegersAllowed mirrors Redis: small integers are shared objects
// unless maxmemory is set with an LRU or LFU policy.
func (n *Node) sharedIntegersAllowed() bool {
	if n.cfg.MaxMemory == 0 {
		return true
	}
	switch n.cfg.MaxMemoryPolicy {
	case "volatile-lru", "volatile-lfu", "allkeys-lru", "allkeys-lfu":
		return false
	}
	return true
}

// refcount returns OBJECT REFCOUNT's answer for o: the shared-integer
// refcount for int-encoded strings 0..9999, else 1.
func (n *Node) refcount(o *Object) int64 {
	if n.sharedInt(o) {
		return sharedRefcount
	}
	return 1
}

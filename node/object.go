package node

import "opdis/node/dict"

// ObjType is a value's Redis type.
type ObjType uint8

const (
	TypeString ObjType = iota
	TypeList
	TypeSet
	TypeZSet
	TypeHash
)

// String returns the name TYPE replies.
func (t ObjType) String() string {
	return [...]string{"string", "list", "set", "zset", "hash"}[t]
}

// Object is one value in the keyspace. Exactly one of the payload fields
// is used, according to Type.
//
// The fields a read touches (Type, access, Str) come first: objects are
// 80 bytes, so half of them start 0 or 16 bytes into a cache line and a
// GET then reads one line, where access at the end always took a second.
type Object struct {
	Type ObjType
	// big is set once a small encoding (listpack, intset) was converted to
	// the large one; like Redis, opdis never converts back.
	big bool
	// raw marks a string built by APPEND/SETRANGE (always "raw" encoding).
	raw    bool
	snap   uint32 // generation of the snapshot that wrote it (snapshot.go)
	access int64  // unix ms of the last read, for OBJECT IDLETIME

	Str  []byte               // TypeString
	List *List                // TypeList
	Set  *dict.Dict[struct{}] // TypeSet
	ZSet *ZSet                // TypeZSet
	Hash *dict.Dict[[]byte]   // TypeHash
}

// Len returns the number of elements of a container (the byte length of a string).
func (o *Object) Len() int {
	switch o.Type {
	case TypeString:
		return len(o.Str)
	case TypeList:
		return o.List.Len()
	case TypeSet:
		return o.Set.Len()
	case TypeZSet:
		return o.ZSet.Len()
	default:
		return o.Hash.Len()
	}
}

func newStringObject(v []byte) *Object { return &Object{Type: TypeString, Str: v} }

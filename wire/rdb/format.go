package rdb

import "strconv"

// Constants of the RDB format (Redis src/rdb.h).

// Version is the RDB version the Encoder writes: Redis 7.0's. Redis 7.0
// refuses files with a higher version, so opdis never writes one.
const Version = 10

// maxReadVersion is the newest version the Decoder reads: 11 (Redis 7.2)
// adds only the listpack set type (20) and the third stream type (21) over 10.
const maxReadVersion = 11

// Value types as stored in the file.
const (
	rdbString          = 0
	rdbList            = 1 // linked list of strings
	rdbSet             = 2
	rdbZSet            = 3 // scores as strings
	rdbHash            = 4
	rdbZSet2           = 5 // scores as little-endian float64
	rdbModule          = 6
	rdbModule2         = 7
	rdbHashZipmap      = 9
	rdbListZiplist     = 10
	rdbSetIntset       = 11
	rdbZSetZiplist     = 12
	rdbHashZiplist     = 13
	rdbListQuicklist   = 14
	rdbStreamListpacks = 15
	rdbHashListpack    = 16
	rdbZSetListpack    = 17
	rdbListQuicklist2  = 18
	rdbStreamListpack2 = 19
	rdbSetListpack     = 20
	rdbStreamListpack3 = 21
)

// Opcodes: record types that are not keys.
const (
	opFunction2     = 245 // a function library (Redis 7.0)
	opFunction      = 246 // pre-GA 7.0 function format, refused by Redis itself
	opModuleAux     = 247
	opIdle          = 248 // LRU idle seconds of the next key
	opFreq          = 249 // LFU counter of the next key
	opAux           = 250
	opResizeDB      = 251
	opExpireMs      = 252
	opExpireSec     = 253
	opSelectDB      = 254
	opEOF           = 255
	quicklistPlain  = 1 // quicklist2 node holding one element
	quicklistPacked = 2 // quicklist2 node holding a listpack
)

// Length encodings: the top two bits of the first byte.
const (
	len6       = 0
	len14      = 1
	len32or64  = 2
	lenEncoded = 3 // a "special" string encoding follows in the low 6 bits
	len32      = 0x80
	len64      = 0x81

	encInt8  = 0
	encInt16 = 1
	encInt32 = 2
	encLZF   = 3
)

// Module value opcodes (rdbLoadCheckModuleValue), used to skip MODULE_AUX.
const (
	moduleOpEOF    = 0
	moduleOpSInt   = 1
	moduleOpUInt   = 2
	moduleOpFloat  = 3
	moduleOpDouble = 4
	moduleOpString = 5
)

// Type is the kind of a key's value.
type Type uint8

const (
	TypeString Type = iota
	TypeList
	TypeSet
	TypeZSet
	TypeHash
)

func (t Type) String() string {
	switch t {
	case TypeString:
		return "string"
	case TypeList:
		return "list"
	case TypeSet:
		return "set"
	case TypeZSet:
		return "zset"
	case TypeHash:
		return "hash"
	}
	return "type(" + strconv.Itoa(int(t)) + ")"
}

// Value is one key's value, fully materialized.
type Value struct {
	Type   Type
	Str    []byte    // TypeString
	Elems  [][]byte  // list elements in order; set members; hash field,value,field,value…; zset members
	Scores []float64 // TypeZSet: Scores[i] is Elems[i]'s score
}

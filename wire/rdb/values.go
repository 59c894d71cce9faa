package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
)

// readValue reads the value of a key of file type t and normalizes every
// encoding to a Value.
func (d *Decoder) readValue(t byte) (Value, error) {
	start := d.off
	switch t {
	case rdbString:
		s, err := d.readString()
		return Value{Type: TypeString, Str: s}, err
	case rdbList:
		elems, err := d.readStrings(1)
		return Value{Type: TypeList, Elems: elems}, err
	case rdbSet:
		elems, err := d.readStrings(1)
		if err == nil {
			err = d.checkDistinct(start, elems, 1, "set member")
		}
		return Value{Type: TypeSet, Elems: elems}, err
	case rdbHash:
		elems, err := d.readStrings(2)
		if err == nil {
			err = d.checkDistinct(start, elems, 2, "hash field")
		}
		return Value{Type: TypeHash, Elems: elems}, err
	case rdbZSet, rdbZSet2:
		v, err := d.readZSet(t == rdbZSet2)
		if err == nil {
			err = d.checkDistinct(start, v.Elems, 1, "zset member")
		}
		return v, err
	case rdbListQuicklist, rdbListQuicklist2:
		return d.readQuicklist(t == rdbListQuicklist2)
	case rdbStreamListpacks, rdbStreamListpack2, rdbStreamListpack3:
		return Value{}, d.errAt(d.off, "stream values are %w", ErrUnsupported)
	case rdbModule:
		return Value{}, d.errAt(d.off, "module values are %w", ErrUnsupported)
	case rdbModule2:
		off := d.off
		id, err := d.readLength()
		if err != nil {
			return Value{}, err
		}
		return Value{}, d.errAt(off, "module values (module %q) are %w", moduleName(id), ErrUnsupported)
	}
	// The rest are one string holding a compact encoding.
	off := d.off
	blob, err := d.readString()
	if err != nil {
		return Value{}, err
	}
	var v Value
	var what string
	switch t {
	case rdbHashZipmap:
		what = "zipmap"
		v.Type = TypeHash
		v.Elems, err = parseZipmap(blob)
	case rdbListZiplist:
		what = "ziplist"
		v.Type = TypeList
		v.Elems, err = parseZiplist(blob, nil)
	case rdbSetIntset:
		what = "intset"
		v.Type = TypeSet
		v.Elems, err = parseIntset(blob)
	case rdbZSetZiplist, rdbHashZiplist:
		what = "ziplist"
		v.Elems, err = parseZiplist(blob, nil)
	case rdbHashListpack, rdbZSetListpack, rdbSetListpack:
		what = "listpack"
		v.Elems, err = parseListpack(blob, nil)
	}
	if err != nil {
		return Value{}, d.errAt(off, "%s: %v", what, err)
	}
	switch t {
	case rdbHashZipmap, rdbHashZiplist, rdbHashListpack:
		v.Type = TypeHash
		if len(v.Elems)%2 != 0 {
			return Value{}, d.errAt(off, "%s hash has an odd number of entries (%d)", what, len(v.Elems))
		}
		err = d.checkDistinct(start, v.Elems, 2, "hash field")
	case rdbSetListpack:
		v.Type = TypeSet
		err = d.checkDistinct(start, v.Elems, 1, "set member")
	case rdbZSetZiplist, rdbZSetListpack:
		v, err = d.pairsToZSet(off, what, v.Elems)
	}
	return v, err
}

// readStrings reads a length n and then n*per strings.
func (d *Decoder) readStrings(per uint64) ([][]byte, error) {
	n, err := d.readLength()
	if err != nil {
		return nil, err
	}
	if n > math.MaxUint64/per {
		return nil, d.errAt(d.off, "length %d out of range", n)
	}
	n *= per
	elems := make([][]byte, 0, min(n, 1024)) // grows with the data actually read
	for range n {
		s, err := d.readString()
		if err != nil {
			return nil, err
		}
		elems = append(elems, s)
	}
	return elems, nil
}

func (d *Decoder) readZSet(binaryScores bool) (Value, error) {
	n, err := d.readLength()
	if err != nil {
		return Value{}, err
	}
	v := Value{Type: TypeZSet, Elems: make([][]byte, 0, min(n, 1024)), Scores: make([]float64, 0, min(n, 1024))}
	for range n {
		m, err := d.readString()
		if err != nil {
			return Value{}, err
		}
		off := d.off
		var score float64
		if binaryScores {
			if err := d.readFull(d.tmp[:8]); err != nil {
				return Value{}, err
			}
			score = math.Float64frombits(binary.LittleEndian.Uint64(d.tmp[:8]))
		} else if score, err = d.readStringScore(); err != nil {
			return Value{}, err
		}
		if math.IsNaN(score) {
			return Value{}, d.errAt(off, "zset member %q has a NaN score", m)
		}
		v.Elems = append(v.Elems, m)
		v.Scores = append(v.Scores, score)
	}
	return v, nil
}

// readStringScore reads a zset score of the version-1 zset type: a length
// byte (253 NaN, 254 +inf, 255 -inf) and that many bytes of decimal text.
func (d *Decoder) readStringScore() (float64, error) {
	off := d.off
	n, err := d.readByte()
	if err != nil {
		return 0, err
	}
	switch n {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	var buf [255]byte
	b := buf[:n]
	if err := d.readFull(b); err != nil {
		return 0, err
	}
	f, perr := strconv.ParseFloat(string(b), 64)
	if perr != nil {
		return 0, d.errAt(off, "bad zset score %q", b)
	}
	return f, nil
}

func (d *Decoder) pairsToZSet(off int64, what string, pairs [][]byte) (Value, error) {
	if len(pairs)%2 != 0 {
		return Value{}, d.errAt(off, "%s zset has an odd number of entries (%d)", what, len(pairs))
	}
	v := Value{Type: TypeZSet, Elems: make([][]byte, len(pairs)/2), Scores: make([]float64, len(pairs)/2)}
	for i := range v.Elems {
		v.Elems[i] = pairs[2*i]
		s, err := strconv.ParseFloat(string(pairs[2*i+1]), 64)
		if err != nil || math.IsNaN(s) {
			return Value{}, d.errAt(off, "%s zset member %q has a bad score %q", what, pairs[2*i], pairs[2*i+1])
		}
		v.Scores[i] = s
	}
	return v, d.checkDistinct(off, v.Elems, 1, "zset member")
}

// readQuicklist reads a list stored as nodes: ziplists (quicklist, type
// 14), or listpacks and plain single elements (quicklist2, type 18).
func (d *Decoder) readQuicklist(v2 bool) (Value, error) {
	n, err := d.readLength()
	if err != nil {
		return Value{}, err
	}
	var elems [][]byte
	for i := range n {
		container := uint64(quicklistPacked)
		off := d.off
		if v2 {
			if container, err = d.readLength(); err != nil {
				return Value{}, err
			}
			if container != quicklistPlain && container != quicklistPacked {
				return Value{}, d.errAt(off, "quicklist node %d: unknown container %d", i, container)
			}
			off = d.off
		}
		blob, err := d.readString()
		if err != nil {
			return Value{}, err
		}
		switch {
		case container == quicklistPlain:
			elems = append(elems, blob)
		case v2:
			if elems, err = parseListpack(blob, elems); err != nil {
				return Value{}, d.errAt(off, "quicklist node %d: listpack: %v", i, err)
			}
		default:
			if elems, err = parseZiplist(blob, elems); err != nil {
				return Value{}, d.errAt(off, "quicklist node %d: ziplist: %v", i, err)
			}
		}
	}
	return Value{Type: TypeList, Elems: elems}, nil
}

// checkDistinct refuses a duplicate among elems[0], elems[step], …, the
// value that starts at off; Redis refuses such files too.
func (d *Decoder) checkDistinct(off int64, elems [][]byte, step int, what string) error {
	if len(elems) <= step {
		return nil
	}
	seen := make(map[string]struct{}, len(elems)/step)
	for i := 0; i < len(elems); i += step {
		if _, dup := seen[string(elems[i])]; dup {
			return d.errAt(off, "duplicate %s %q", what, elems[i])
		}
		seen[string(elems[i])] = struct{}{}
	}
	return nil
}

// moduleName decodes the 9-character module type name from a module id
// (the low 10 bits are the encoding version).
func moduleName(id uint64) string {
	const charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var name [9]byte
	id >>= 10
	for j := range 9 {
		name[8-j] = charset[id&63]
		id >>= 6
	}
	return string(name[:])
}

package node

// Command bodies the container families (hash, list, set, zset) share
// because Redis's t_hash.c, t_list.c, t_set.c and t_zset.c implement them
// alike.

// replyCard is HLEN, LLEN, SCARD and ZCARD: the number of elements of
// the container of type t under key, 0 when there is none.
func (n *Node) replyCard(c *Client, key []byte, t ObjType) {
	o, ok := n.lookupReadType(c, key, t)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	c.addInt(int64(o.Len()))
}

// removeMembers is HDEL, SREM and ZREM (key member [member ...]): remove
// deletes one member from o and reports whether it was there. An emptied
// container is deleted; the command propagates as is when it removed
// anything. It replies the number removed.
func (n *Node) removeMembers(c *Client, args [][]byte, t ObjType, remove func(o *Object, member string) bool) {
	o, ok := n.lookupWriteType(c, args[1], t)
	if !ok {
		return
	}
	if o == nil {
		c.addInt(0)
		return
	}
	deleted := 0
	for _, m := range args[2:] {
		if remove(o, str(m)) {
			deleted++
			if o.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		if o.Len() == 0 {
			n.removeKey(c.db, str(args[1]))
		} else {
			n.touch(c.db, str(args[1]))
		}
		n.propagate(c.db, args...)
	}
	c.addInt(int64(deleted))
}

// firstNonEmpty returns the first of keys that holds a value, as LMPOP,
// ZMPOP and the blocking pops look for one; a value of another type than
// t is WRONGTYPE (ok false, replied). key is nil when all are missing.
func (n *Node) firstNonEmpty(c *Client, keys [][]byte, t ObjType) (key []byte, o *Object, ok bool) {
	for _, k := range keys {
		if o, ok = n.lookupWriteType(c, k, t); !ok {
			return nil, nil, false
		}
		if o != nil {
			return k, o, true
		}
	}
	return nil, nil, true
}

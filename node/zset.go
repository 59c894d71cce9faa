package node

// ZSet is a sorted set value. (stub)
type ZSet struct{}

// Len returns the number of members.
func (z *ZSet) Len() int { return 0 }

// Clone returns a deep copy (COPY).
func (z *ZSet) Clone() *ZSet { return &ZSet{} }

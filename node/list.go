package node

// List is a list value. (stub)
type List struct{}

// Len returns the number of elements.
func (l *List) Len() int { return 0 }

// Clone returns a deep copy (COPY).
func (l *List) Clone() *List { return &List{} }

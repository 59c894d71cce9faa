package node

// List is a list value: a deque of byte strings kept in a ring buffer whose
// capacity is a power of two. Pushes and pops at both ends and indexing are
// O(1); inserting or removing in the middle moves the shorter side.
//
// Elements are never modified in place: a stored []byte may be a command
// argument (immutable by contract) and may be shared with a Clone.
type List struct {
	buf  [][]byte // len(buf) is 0 or a power of two
	head int      // index in buf of element 0
	n    int
}

const listMinCap = 8

// NewList returns an empty list.
func NewList() *List { return &List{} }

// newListObject returns a new, empty list value.
func newListObject() *Object { return &Object{Type: TypeList, List: NewList()} }

// Len returns the number of elements.
func (l *List) Len() int { return l.n }

// Clone returns a copy (COPY). Elements are immutable and so are shared.
func (l *List) Clone() *List {
	c := &List{}
	if l.n > 0 {
		c.buf = make([][]byte, len(l.buf))
		l.copyTo(c.buf)
		c.n = l.n
	}
	return c
}

// pos maps the logical index i (0 <= i < cap) to a slot of buf.
func (l *List) pos(i int) int { return (l.head + i) & (len(l.buf) - 1) }

// copyTo copies the elements, in order, to the front of dst.
func (l *List) copyTo(dst [][]byte) {
	if l.n == 0 {
		return
	}
	end := l.head + l.n
	if end <= len(l.buf) {
		copy(dst, l.buf[l.head:end])
		return
	}
	k := copy(dst, l.buf[l.head:])
	copy(dst[k:], l.buf[:end-len(l.buf)])
}

// resize moves the elements into a new buffer of capacity c.
func (l *List) resize(c int) {
	nb := make([][]byte, c)
	l.copyTo(nb)
	l.buf = nb
	l.head = 0
}

func (l *List) growIfFull() {
	if l.n == len(l.buf) {
		c := len(l.buf) * 2
		if c < listMinCap {
			c = listMinCap
		}
		l.resize(c)
	}
}

// shrinkIfSparse gives memory back once the list uses under a quarter of it.
func (l *List) shrinkIfSparse() {
	if l.n == 0 {
		l.buf, l.head = nil, 0
		return
	}
	c := len(l.buf)
	if c > listMinCap && l.n < c/4 {
		for c > listMinCap && l.n < c/4 {
			c /= 2
		}
		l.resize(c)
	}
}

// PushBack appends v at the tail.
func (l *List) PushBack(v []byte) {
	l.growIfFull()
	l.buf[l.pos(l.n)] = v
	l.n++
}

// PushFront inserts v at the head.
func (l *List) PushFront(v []byte) {
	l.growIfFull()
	l.head = (l.head - 1) & (len(l.buf) - 1)
	l.buf[l.head] = v
	l.n++
}

// Push adds v at the head (front) or the tail.
func (l *List) Push(v []byte, front bool) {
	if front {
		l.PushFront(v)
	} else {
		l.PushBack(v)
	}
}

// PopFront removes and returns the head element, or nil if the list is empty.
func (l *List) PopFront() []byte {
	if l.n == 0 {
		return nil
	}
	v := l.buf[l.head]
	l.buf[l.head] = nil
	l.head = (l.head + 1) & (len(l.buf) - 1)
	l.n--
	l.shrinkIfSparse()
	return v
}

// PopBack removes and returns the tail element, or nil if the list is empty.
func (l *List) PopBack() []byte {
	if l.n == 0 {
		return nil
	}
	p := l.pos(l.n - 1)
	v := l.buf[p]
	l.buf[p] = nil
	l.n--
	l.shrinkIfSparse()
	return v
}

// Pop removes and returns the head (front) or tail element.
func (l *List) Pop(front bool) []byte {
	if front {
		return l.PopFront()
	}
	return l.PopBack()
}

// Index returns element i (0 <= i < Len).
func (l *List) Index(i int) []byte {
	if i < 0 || i >= l.n {
		panic("list: index out of range")
	}
	return l.buf[l.pos(i)]
}

// Set replaces element i (0 <= i < Len).
func (l *List) Set(i int, v []byte) {
	if i < 0 || i >= l.n {
		panic("list: index out of range")
	}
	l.buf[l.pos(i)] = v
}

// Insert puts v at index i (0 <= i <= Len), shifting the shorter side.
func (l *List) Insert(i int, v []byte) {
	if i < 0 || i > l.n {
		panic("list: index out of range")
	}
	if i == 0 {
		l.PushFront(v)
		return
	}
	if i == l.n {
		l.PushBack(v)
		return
	}
	l.growIfFull()
	mask := len(l.buf) - 1
	if i < l.n/2 {
		// Move elements [0, i) one slot towards the front.
		l.head = (l.head - 1) & mask
		for j := 0; j < i; j++ {
			l.buf[l.pos(j)] = l.buf[l.pos(j+1)]
		}
	} else {
		// Move elements [i, n) one slot towards the back.
		for j := l.n; j > i; j-- {
			l.buf[l.pos(j)] = l.buf[l.pos(j-1)]
		}
	}
	l.buf[l.pos(i)] = v
	l.n++
}

// Remove deletes element i (0 <= i < Len), shifting the shorter side.
func (l *List) Remove(i int) {
	if i < 0 || i >= l.n {
		panic("list: index out of range")
	}
	mask := len(l.buf) - 1
	if i < l.n/2 {
		for j := i; j > 0; j-- {
			l.buf[l.pos(j)] = l.buf[l.pos(j-1)]
		}
		l.buf[l.head] = nil
		l.head = (l.head + 1) & mask
	} else {
		for j := i; j < l.n-1; j++ {
			l.buf[l.pos(j)] = l.buf[l.pos(j+1)]
		}
		l.buf[l.pos(l.n-1)] = nil
	}
	l.n--
	l.shrinkIfSparse()
}

// TrimFront removes the first k elements (k <= Len).
func (l *List) TrimFront(k int) {
	if k <= 0 {
		return
	}
	k = min(k, l.n)
	for j := 0; j < k; j++ {
		l.buf[l.pos(j)] = nil
	}
	l.head = (l.head + k) & (len(l.buf) - 1)
	l.n -= k
	l.shrinkIfSparse()
}

// TrimBack removes the last k elements (k <= Len).
func (l *List) TrimBack(k int) {
	if k <= 0 {
		return
	}
	k = min(k, l.n)
	for j := l.n - k; j < l.n; j++ {
		l.buf[l.pos(j)] = nil
	}
	l.n -= k
	l.shrinkIfSparse()
}

// Range calls fn for elements start..end (inclusive, 0 <= start <= end <
// Len) in order, or in reverse order when reverse is set, until fn returns
// false.
func (l *List) Range(start, end int, reverse bool, fn func(i int, v []byte) bool) {
	if reverse {
		for i := end; i >= start; i-- {
			if !fn(i, l.buf[l.pos(i)]) {
				return
			}
		}
		return
	}
	for i := start; i <= end; i++ {
		if !fn(i, l.buf[l.pos(i)]) {
			return
		}
	}
}

// Values returns a copy of the element slice, head first.
func (l *List) Values() [][]byte {
	out := make([][]byte, l.n)
	l.copyTo(out)
	return out
}

// RemoveIf deletes the elements for which match is true, scanning from the
// head (or from the tail when fromTail), stopping after limit removals
// (limit <= 0: no limit). It returns how many it removed. O(Len).
func (l *List) RemoveIf(fromTail bool, limit int, match func(v []byte) bool) int {
	removed := 0
	if !fromTail {
		w := 0
		for r := 0; r < l.n; r++ {
			v := l.buf[l.pos(r)]
			if (limit <= 0 || removed < limit) && match(v) {
				removed++
				continue
			}
			if w != r {
				l.buf[l.pos(w)] = v
			}
			w++
		}
		for j := w; j < l.n; j++ {
			l.buf[l.pos(j)] = nil
		}
		l.n = w
	} else {
		w := l.n - 1
		for r := l.n - 1; r >= 0; r-- {
			v := l.buf[l.pos(r)]
			if (limit <= 0 || removed < limit) && match(v) {
				removed++
				continue
			}
			if w != r {
				l.buf[l.pos(w)] = v
			}
			w--
		}
		// Slots [0, w] are now unused.
		for j := 0; j <= w; j++ {
			l.buf[l.pos(j)] = nil
		}
		if removed > 0 {
			l.head = l.pos(w + 1)
		}
		l.n -= removed
	}
	if removed > 0 {
		l.shrinkIfSparse()
	}
	return removed
}

package psync

import (
	"fmt"
	"sort"
)

const (
	// MinBacklogSize is the smallest repl-backlog-size Redis keeps
	// (CONFIG_REPL_BACKLOG_MIN_SIZE); smaller settings are raised to it.
	MinBacklogSize = 16 * 1024
	// DefaultBacklogSize is repl-backlog-size's default, 1mb.
	DefaultBacklogSize = 1 << 20

	// minChunk is the smallest chunk allocated (PROTO_REPLY_CHUNK_BYTES).
	minChunk = 16 * 1024
)

// Backlog holds the tail of the replication stream: at least the last
// repl-backlog-size bytes (once that many were written), in chunks as in
// Redis 7.0's replication buffer. Appending never moves bytes already
// stored, so a huge entry costs one copy into fresh chunks, and trimming
// drops whole chunks from the front. Chunks are linked, and a Reader holds
// the one it is in: a replica streaming from the backlog keeps reading
// its bytes even after the backlog has let them go.
type Backlog struct {
	size    int64    // repl-backlog-size
	chunks  []*chunk // chunks[0] holds the first byte; never empty
	histlen int64
}

// chunk is a run of stream bytes. buf grows within its capacity and is
// never written below its length, so slices handed out stay valid.
type chunk struct {
	buf   []byte
	start int64 // stream offset of buf[0]
	next  *chunk
}

// NewBacklog returns an empty backlog of the given size (at least
// MinBacklogSize) whose first byte will have offset first
// (master_repl_offset+1).
func NewBacklog(size, first int64) *Backlog {
	return &Backlog{
		size: max(size, MinBacklogSize),
		// An empty chunk marks where the stream resumes; a Reader opened
		// now holds it and follows its next link once bytes arrive.
		chunks: []*chunk{{buf: []byte{}, start: first}},
	}
}

// Size is repl-backlog-size.
func (b *Backlog) Size() int64 { return b.size }

// FirstByteOffset is repl_backlog_first_byte_offset: the offset of the
// oldest byte held (the next one to come when the backlog is empty).
func (b *Backlog) FirstByteOffset() int64 { return b.chunks[0].start }

// HistLen is repl_backlog_histlen: how many bytes are held.
func (b *Backlog) HistLen() int64 { return b.histlen }

// End is the offset the next appended byte will have
// (master_repl_offset+1).
func (b *Backlog) End() int64 { return b.FirstByteOffset() + b.histlen }

// Append adds stream bytes at End. p is copied.
func (b *Backlog) Append(p []byte) {
	for len(p) > 0 {
		t := b.chunks[len(b.chunks)-1]
		if len(t.buf) == cap(t.buf) {
			n := &chunk{buf: make([]byte, 0, b.chunkSize(len(p))), start: t.start + int64(len(t.buf))}
			t.next = n
			b.chunks = append(b.chunks, n)
			t = n
		}
		k := min(cap(t.buf)-len(t.buf), len(p))
		t.buf = append(t.buf, p[:k]...)
		p = p[k:]
		b.histlen += int64(k)
		b.trim()
	}
}

// chunkSize is Redis's rule (feedReplicationBuffer): at least 16 KiB so
// small writes share a chunk, and at most a sixteenth of the backlog so
// trimming a chunk never drops much more than needed.
func (b *Backlog) chunkSize(want int) int {
	limit := max(b.size/16, minChunk)
	return int(min(max(int64(want), minChunk), limit))
}

// trim drops whole chunks from the front while what remains still holds
// more than size bytes (incrementalTrimReplicationBacklog). The last chunk
// always stays.
func (b *Backlog) trim() {
	for len(b.chunks) > 1 {
		f := b.chunks[0]
		if b.histlen-int64(len(f.buf)) <= b.size {
			return
		}
		b.histlen -= int64(len(f.buf))
		b.chunks[0] = nil // let a chunk no Reader holds be collected
		b.chunks = b.chunks[1:]
	}
}

// Resize applies a new repl-backlog-size (at least MinBacklogSize);
// shrinking trims at once, growing keeps bytes from now on.
func (b *Backlog) Resize(size int64) {
	b.size = max(size, MinBacklogSize)
	b.trim()
}

// Holds reports whether a Reader can start at offset: Redis's partial
// resync condition, first_byte_offset <= offset <= first_byte_offset +
// histlen (the upper end sends nothing until more is written).
func (b *Backlog) Holds(offset int64) bool {
	return offset >= b.FirstByteOffset() && offset <= b.End()
}

// NewReader returns a Reader at offset, or an error when the backlog does
// not hold it.
func (b *Backlog) NewReader(offset int64) (*Reader, error) {
	if !b.Holds(offset) {
		return nil, fmt.Errorf("backlog: offset %d outside [%d, %d]", offset, b.FirstByteOffset(), b.End())
	}
	// The last chunk starting at or before offset (an empty chunk and the
	// next one may share a start; the later one is where bytes are).
	i := sort.Search(len(b.chunks), func(i int) bool { return b.chunks[i].start > offset }) - 1
	c := b.chunks[i]
	return &Reader{b: b, c: c, pos: int(offset - c.start), off: offset}, nil
}

// Reader streams a backlog from an offset on, in slices of the backlog's
// own chunks. It sees bytes appended after it was opened and is never
// invalidated by trimming: what it has not read yet stays reachable
// through it.
type Reader struct {
	b   *Backlog
	c   *chunk
	pos int
	off int64
}

// Next returns up to max bytes from the reader's offset and moves past
// them, or nil when it has caught up. The slice aliases the backlog: it
// stays valid, and the caller must not modify it.
func (r *Reader) Next(max int) []byte {
	if max <= 0 {
		return nil
	}
	for r.pos == len(r.c.buf) {
		if r.c.next == nil {
			return nil
		}
		r.c, r.pos = r.c.next, 0
	}
	n := min(max, len(r.c.buf)-r.pos)
	p := r.c.buf[r.pos : r.pos+n : r.pos+n]
	r.pos += n
	r.off += int64(n)
	return p
}

// Offset is the offset of the next byte Next will return.
func (r *Reader) Offset() int64 { return r.off }

// Pending is how many bytes the backlog has appended that the reader has
// not returned yet: a replica's unsent output, for
// client-output-buffer-limit.
func (r *Reader) Pending() int64 { return r.b.End() - r.off }

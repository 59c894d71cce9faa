package psync

import (
	"bytes"
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// TestBacklogModel checks the backlog against a byte slice holding the
// whole stream: random appends (small, chunk-sized and huge), resizes and
// readers opened at random offsets and read in random steps, some kept
// open across later appends. A reader opened anywhere in
// [first, master_offset+1] returns exactly the model's bytes; any other
// offset is refused; the backlog keeps at least repl-backlog-size bytes
// (of what it held) and at most that plus its first chunk.
func TestBacklogModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := rapid.Int64Range(1, 1<<40).Draw(t, "start")
		size := rapid.Int64Range(0, 300_000).Draw(t, "size")
		b := NewBacklog(size, start)
		var model []byte // every byte ever appended; model[0] has offset start
		type open struct {
			r    *Reader
			from int64
			got  []byte
		}
		var readers []*open
		next := byte(0)
		for i, n := 0, rapid.IntRange(1, 60).Draw(t, "ops"); i < n; i++ {
			switch rapid.IntRange(0, 9).Draw(t, "op") {
			case 0, 1, 2, 3:
				n := rapid.OneOf(rapid.IntRange(0, 100), rapid.IntRange(100, 40_000), rapid.IntRange(40_000, 400_000)).Draw(t, "len")
				p := make([]byte, n)
				for j := range p {
					p[j] = next
					next = next*31 + 7
				}
				keep := min(b.Size(), b.HistLen()+int64(n))
				b.Append(p)
				model = append(model, p...)
				if b.HistLen() < keep {
					t.Fatalf("histlen %d after appending %d bytes, want at least %d: the backlog lost bytes it should keep", b.HistLen(), n, keep)
				}
			case 4:
				before := b.HistLen()
				b.Resize(rapid.Int64Range(0, 300_000).Draw(t, "resize"))
				if keep := min(b.Size(), before); b.HistLen() < keep {
					t.Fatalf("histlen %d after resizing to %d, want at least %d", b.HistLen(), b.Size(), keep)
				}
			case 5, 6:
				end := start + int64(len(model))
				off := rapid.Int64Range(b.FirstByteOffset()-3, end+3).Draw(t, "offset")
				r, err := b.NewReader(off)
				inside := off >= b.FirstByteOffset() && off <= end
				if (err == nil) != inside {
					t.Fatalf("NewReader(%d) err=%v; backlog holds [%d, %d]", off, err, b.FirstByteOffset(), end)
				}
				if err == nil {
					readers = append(readers, &open{r: r, from: off})
				}
			default:
				if len(readers) == 0 {
					continue
				}
				o := readers[rapid.IntRange(0, len(readers)-1).Draw(t, "reader")]
				step := rapid.IntRange(1, 70_000).Draw(t, "step")
				for range rapid.IntRange(1, 5).Draw(t, "reads") {
					p := o.r.Next(step)
					if len(p) > step {
						t.Fatalf("Next(%d) returned %d bytes", step, len(p))
					}
					o.got = append(o.got, p...)
				}
			}
			checkBacklog(t, b, start, model)
			for _, o := range readers {
				want := model[o.from-start : o.from-start+int64(len(o.got))]
				if !bytes.Equal(o.got, want) {
					t.Fatalf("reader from %d: got %d bytes that differ from the stream", o.from, len(o.got))
				}
				if o.r.Offset() != o.from+int64(len(o.got)) || o.r.Pending() != start+int64(len(model))-o.r.Offset() {
					t.Fatalf("reader from %d: offset %d pending %d after %d bytes", o.from, o.r.Offset(), o.r.Pending(), len(o.got))
				}
			}
		}
		// Every reader, however far behind, drains to exactly the rest of the stream.
		for _, o := range readers {
			for p := o.r.Next(1 << 20); p != nil; p = o.r.Next(1 << 20) {
				o.got = append(o.got, p...)
			}
			if !bytes.Equal(o.got, model[o.from-start:]) {
				t.Fatalf("reader from %d drained %d bytes, want %d identical", o.from, len(o.got), int64(len(model))-(o.from-start))
			}
		}
	})
}

func checkBacklog(t *rapid.T, b *Backlog, start int64, model []byte) {
	end := start + int64(len(model))
	if b.End() != end || b.FirstByteOffset()+b.HistLen() != end {
		t.Fatalf("end %d, first %d + histlen %d; want end %d", b.End(), b.FirstByteOffset(), b.HistLen(), end)
	}
	if first := int64(len(b.chunks[0].buf)); b.HistLen() > b.Size()+first {
		t.Fatalf("histlen %d > size %d + first chunk %d: trimming fell behind", b.HistLen(), b.Size(), first)
	}
	r, err := b.NewReader(b.FirstByteOffset())
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for p := r.Next(1 << 30); p != nil; p = r.Next(1 << 30) {
		got = append(got, p...)
	}
	if !bytes.Equal(got, model[b.FirstByteOffset()-start:]) {
		t.Fatalf("backlog content differs from the stream's last %d bytes", b.HistLen())
	}
}

// TestBacklogChunks pins Redis's sizing: chunks of at least 16 KiB and at
// most a sixteenth of the backlog, trimmed only as whole chunks.
func TestBacklogChunks(t *testing.T) {
	b := NewBacklog(1<<20, 1)
	b.Append(make([]byte, 10))
	b.Append(make([]byte, 10))
	if len(b.chunks) != 2 || cap(b.chunks[1].buf) != minChunk {
		t.Fatalf("two small appends: %d chunks, cap %d; want the 16 KiB chunk shared", len(b.chunks), cap(b.chunks[1].buf))
	}
	b.Append(make([]byte, 5<<20)) // a huge entry: 64 KiB chunks, trimmed as it goes
	if b.HistLen() < 1<<20 || b.HistLen() > 1<<20+64<<10 {
		t.Fatalf("histlen %d after a 5 MiB append to a 1 MiB backlog", b.HistLen())
	}
	for _, c := range b.chunks {
		if cap(c.buf) > 64<<10 {
			t.Fatalf("chunk of %d bytes, limit is size/16 = 64 KiB", cap(c.buf))
		}
	}
	if got := b.FirstByteOffset(); got != 1+20+5<<20-b.HistLen() {
		t.Fatalf("first byte offset %d", got)
	}
	b.Resize(1) // raised to the 16 KiB minimum, as CONFIG SET does
	if b.Size() != MinBacklogSize || b.HistLen() > MinBacklogSize+64<<10 || b.HistLen() < MinBacklogSize {
		t.Fatalf("after shrinking: size %d histlen %d", b.Size(), b.HistLen())
	}
}

// TestReaderOutlivesTrim: a replica streaming from the backlog keeps
// every byte it has not sent even when the backlog moves past it.
func TestReaderOutlivesTrim(t *testing.T) {
	b := NewBacklog(MinBacklogSize, 100)
	r, err := b.NewReader(100)
	if err != nil {
		t.Fatal(err)
	}
	if p := r.Next(10); p != nil {
		t.Fatalf("empty backlog returned %q", p)
	}
	var want []byte
	for i := range 5000 {
		p := []byte(fmt.Sprintf("entry-%04d;", i))
		b.Append(p)
		want = append(want, p...)
	}
	if b.FirstByteOffset() == 100 {
		t.Fatal("backlog did not trim; the test proves nothing")
	}
	if _, err := b.NewReader(100); err == nil {
		t.Fatal("a new reader at a trimmed offset was accepted")
	}
	var got []byte
	for p := r.Next(777); p != nil; p = r.Next(777) {
		got = append(got, p...)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("lagging reader read %d bytes, want %d", len(got), len(want))
	}
}

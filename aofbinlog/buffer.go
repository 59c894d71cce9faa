package aofbinlog

import "fmt"

// flushAt is the buffered size at which Append writes the buffer out by
// itself, so a long burst without a Flush stays bounded in memory.
const flushAt = 1 << 20

// bufFile is the live file under Options.Buffered: Write only gathers the
// bytes in memory, as Redis's aof_buf does, and Flush writes them with one
// system call. Every other operation needs the bytes in the file, so it
// flushes first. A failed write is rolled back (the file is cut back to
// its size before it) and the bytes stay gathered, so a later Flush
// retries them, as Redis retries aof_buf; only a failed rollback is
// sticky, since the file's end is then unknown.
type bufFile struct {
	File
	buf []byte
	err error
}

func (b *bufFile) Write(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// Flush writes the gathered bytes.
func (b *bufFile) Flush() error {
	if b.err != nil || len(b.buf) == 0 {
		return b.err
	}
	size, err := b.File.Size()
	if err != nil {
		return err
	}
	n, err := b.File.Write(b.buf)
	if err == nil && n != len(b.buf) {
		err = fmt.Errorf("short write (%d of %d bytes)", n, len(b.buf))
	}
	if err != nil {
		if n > 0 {
			if terr := b.File.Truncate(size); terr != nil {
				b.err = fmt.Errorf("%w; rollback failed: %v", err, terr)
				return b.err
			}
		}
		return err
	}
	if cap(b.buf) > 4*flushAt {
		b.buf = nil // a burst's buffer is not kept for ever
	} else {
		b.buf = b.buf[:0]
	}
	return nil
}

func (b *bufFile) ReadAt(p []byte, off int64) (int, error) {
	if err := b.Flush(); err != nil {
		return 0, err
	}
	return b.File.ReadAt(p, off)
}

func (b *bufFile) Sync() error {
	if err := b.Flush(); err != nil {
		return err
	}
	return b.File.Sync()
}

func (b *bufFile) Truncate(size int64) error {
	if err := b.Flush(); err != nil {
		return err
	}
	return b.File.Truncate(size)
}

func (b *bufFile) Size() (int64, error) {
	if err := b.Flush(); err != nil {
		return 0, err
	}
	return b.File.Size()
}

func (b *bufFile) Close() error {
	err := b.Flush()
	if cerr := b.File.Close(); err == nil {
		err = cerr
	}
	return err
}

// setLive makes f the append handle of the live file.
func (l *Log) setLive(f File) {
	if l.opts.Buffered {
		f = &bufFile{File: f}
	}
	l.live = f
}

// Flush writes appended entries that Options.Buffered holds in memory to
// the live file (without fsync). The node calls it before replies leave,
// as Redis flushes aof_buf before writing to clients. A failed write is
// rolled back and may be retried by the next Flush; only a failed
// rollback poisons the log.
func (l *Log) Flush() error {
	bf, ok := l.live.(*bufFile)
	if !ok || l.err != nil {
		return l.err
	}
	if err := bf.Flush(); err != nil {
		err = fmt.Errorf("aof %s: write: %w", l.liveSeg().name, err)
		if bf.err != nil {
			return l.poison(err)
		}
		return err
	}
	return nil
}

// Buffered returns how many appended bytes are not yet written to the file.
func (l *Log) Buffered() int {
	if bf, ok := l.live.(*bufFile); ok {
		return len(bf.buf)
	}
	return 0
}

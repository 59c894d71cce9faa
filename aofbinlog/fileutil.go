package aofbinlog

import (
	"errors"
	"fmt"
	"io"
)

// ReadSmallFile reads a whole index or state file, refusing one over
// MaxIndexSize. Errors name the file and wrap the cause (IsNotExist works).
func ReadSmallFile(fsys FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if size > MaxIndexSize {
		return nil, fmt.Errorf("%s: %d bytes, larger than the %d-byte limit", name, size, MaxIndexSize)
	}
	data := make([]byte, size)
	n, err := f.ReadAt(data, 0)
	if int64(n) == size {
		return data, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, fmt.Errorf("%s: read %d of %d bytes: %w", name, n, size, err)
}

// ErrNotDurable marks a WriteFileAtomic error after the rename: the new
// content is what name holds now, but the directory fsync failed, so a
// crash may bring the old content back.
var ErrNotDurable = errors.New("replaced but not durably")

// WriteFileAtomic replaces name with data: write tmp-<name>, fsync it,
// rename it over name, fsync the directory. A crash at any point leaves
// either the old or the new content under name (a stale tmp- file is
// harmless and overwritten by the next write). An error wrapping
// ErrNotDurable means name holds data now, durably or not.
func WriteFileAtomic(fsys FS, name string, data []byte) error {
	tmp := tmpPrefix + name
	f, err := fsys.Create(tmp)
	if err != nil {
		return fmt.Errorf("%s: %w", tmp, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("%s: write: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("%s: fsync: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: close: %w", tmp, err)
	}
	if err := fsys.Rename(tmp, name); err != nil {
		return fmt.Errorf("%s: rename from %s: %w", name, tmp, err)
	}
	if err := fsys.SyncDir(); err != nil {
		return fmt.Errorf("%s: fsync dir: %w (%w)", name, err, ErrNotDurable)
	}
	return nil
}

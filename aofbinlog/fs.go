package aofbinlog

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// FS is the data directory as the binlog sees it. Names are plain file
// names relative to the directory (no separators). A missing file is
// reported with an error for which errors.Is(err, fs.ErrNotExist) holds.
//
// Durability contract (the crash model sim/simfs implements): bytes
// written to a File survive a crash only after File.Sync returns nil; a
// Create, Rename or Remove survives a crash only after a later SyncDir
// returns nil. An un-synced directory operation may be lost, but never
// reordered after a later one that survived.
type FS interface {
	// Create creates name, or truncates it if it exists, for reading and
	// appending.
	Create(name string) (File, error)
	// OpenAppend opens name for reading and appending, creating it empty
	// if it is missing.
	OpenAppend(name string) (File, error)
	// Open opens an existing file read-only.
	Open(name string) (File, error)
	// Rename atomically replaces newname with oldname.
	Rename(oldname, newname string) error
	// Remove deletes name.
	Remove(name string) error
	// List returns the names in the directory, sorted.
	List() ([]string, error)
	// SyncDir makes the directory's entries (creates, renames, removes)
	// durable.
	SyncDir() error
	// Stat returns the size of name.
	Stat(name string) (int64, error)
}

// File is one open file. Write always appends at the end.
type File interface {
	Write(p []byte) (int, error)
	ReadAt(p []byte, off int64) (int, error)
	Sync() error
	Truncate(size int64) error
	Size() (int64, error)
	Close() error
}

// IsNotExist reports whether err says a file does not exist.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// CheckName rejects names that are not a plain file name in the data
// directory. FS implementations call it on every name they are given.
func CheckName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("invalid file name %q", name)
	case len(name) > 255:
		return fmt.Errorf("file name too long (%d bytes)", len(name))
	case strings.ContainsAny(name, "/\\\x00"):
		return fmt.Errorf("invalid file name %q: must be a plain name in the data directory", name)
	}
	return nil
}

package osenv

// The operating-system implementation of aofbinlog.FS: a real directory.

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"opdis/aofbinlog"
)

// FS is a data directory on the real file system.
type FS struct{ dir string }

var _ aofbinlog.FS = (*FS)(nil)

// NewFS returns the FS rooted at dir, creating the directory if needed.
func NewFS(dir string) (*FS, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &FS{dir: dir}, nil
}

// Dir returns the directory the FS is rooted at.
func (f *FS) Dir() string { return f.dir }

func (f *FS) path(name string) (string, error) {
	if err := aofbinlog.CheckName(name); err != nil {
		return "", &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w: %v", fs.ErrInvalid, err)}
	}
	return filepath.Join(f.dir, name), nil
}

func (f *FS) open(name string, flag int) (aofbinlog.File, error) {
	p, err := f.path(name)
	if err != nil {
		return nil, err
	}
	fh, err := os.OpenFile(p, flag, 0o644)
	if err != nil {
		return nil, err
	}
	return osFile{fh}, nil
}

// Create implements aofbinlog.FS.
func (f *FS) Create(name string) (aofbinlog.File, error) {
	return f.open(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND)
}

// OpenAppend implements aofbinlog.FS.
func (f *FS) OpenAppend(name string) (aofbinlog.File, error) {
	return f.open(name, os.O_RDWR|os.O_CREATE|os.O_APPEND)
}

// Open implements aofbinlog.FS.
func (f *FS) Open(name string) (aofbinlog.File, error) {
	return f.open(name, os.O_RDONLY)
}

// Rename implements aofbinlog.FS.
func (f *FS) Rename(oldname, newname string) error {
	o, err := f.path(oldname)
	if err != nil {
		return err
	}
	n, err := f.path(newname)
	if err != nil {
		return err
	}
	return os.Rename(o, n)
}

// Remove implements aofbinlog.FS.
func (f *FS) Remove(name string) error {
	p, err := f.path(name)
	if err != nil {
		return err
	}
	return os.Remove(p)
}

// List implements aofbinlog.FS: the names of the regular files, sorted.
func (f *FS) List() ([]string, error) {
	ents, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// SyncDir implements aofbinlog.FS by fsyncing the directory itself.
func (f *FS) SyncDir() error {
	d, err := os.Open(f.dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// Stat implements aofbinlog.FS.
func (f *FS) Stat(name string) (int64, error) {
	p, err := f.path(name)
	if err != nil {
		return 0, err
	}
	st, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// osFile adapts *os.File (opened with O_APPEND, so Write appends).
type osFile struct{ *os.File }

func (o osFile) Size() (int64, error) {
	st, err := o.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

package main

// Writing an output directory: refusing a used one, atomic small files,
// copying byte ranges, and removing what a failed run created.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"opdis/aofbinlog"
	"opdis/node/osenv"
)

// outDir is a new output directory. Files created through create are
// removed by cleanup unless keep was called, and so is the directory if
// the run made it.
type outDir struct {
	fsys    *osenv.FS
	made    string // the directory, if this run created it
	created []string
	keep    bool
}

// newOutDir refuses dir unless it does not exist or is empty (and is not
// the source), then creates it.
func newOutDir(dir, source string) (*outDir, error) {
	o := &outDir{}
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		o.made = dir
	case err != nil:
		return nil, err
	case len(ents) > 0:
		return nil, fmt.Errorf("%s is not empty: refusing to write into it", dir)
	}
	if a, err1 := os.Stat(dir); err1 == nil {
		if b, err2 := os.Stat(source); err2 == nil && os.SameFile(a, b) {
			return nil, fmt.Errorf("%s is the source directory", dir)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if o.fsys, err = osenv.NewFS(dir); err != nil {
		return nil, err
	}
	return o, nil
}

// sub returns an FS for a subdirectory, created now.
func (o *outDir) sub(name string) (*osenv.FS, error) {
	p := filepath.Join(o.fsys.Dir(), name)
	if err := os.Mkdir(p, 0o755); err != nil {
		return nil, err
	}
	o.created = append(o.created, p)
	return osenv.NewFS(p)
}

// create creates a file to be removed if the run fails.
func (o *outDir) create(fsys *osenv.FS, name string) (aofbinlog.File, error) {
	f, err := fsys.Create(name)
	if err != nil {
		return nil, err
	}
	o.created = append(o.created, filepath.Join(fsys.Dir(), name))
	return f, nil
}

// track records a file written by other means (an index file).
func (o *outDir) track(fsys *osenv.FS, name string) {
	o.created = append(o.created, filepath.Join(fsys.Dir(), name))
}

// cleanup removes what a failed run created, newest first.
func (o *outDir) cleanup() {
	if o == nil || o.keep {
		return
	}
	for i := len(o.created) - 1; i >= 0; i-- {
		os.Remove(o.created[i])
		os.Remove(tmpName(o.created[i]))
	}
	if o.made != "" {
		os.Remove(o.made)
	}
}

// tmpName is the temporary a path's atomic write goes through.
func tmpName(path string) string {
	return filepath.Join(filepath.Dir(path), "tmp-"+filepath.Base(path))
}

// copyRange appends n bytes of src's name, from offset off, to dst.
func copyRange(dst io.Writer, src aofbinlog.FS, name string, off, n int64, prog *progress) error {
	if n == 0 {
		return nil
	}
	f, err := src.Open(name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	buf := make([]byte, min(n, 1<<20))
	for n > 0 {
		k := int(min(n, int64(len(buf))))
		got, err := f.ReadAt(buf[:k], off)
		if got < k {
			if err == nil || errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("%s: read at %d: %w", name, off, err)
		}
		if _, err := dst.Write(buf[:k]); err != nil {
			return err
		}
		off += int64(k)
		n -= int64(k)
		prog.add(int64(k), 0)
	}
	return nil
}

// copyFile copies the whole file name from src to a new file in dst,
// fsynced, and returns its size.
func (o *outDir) copyFile(dst *osenv.FS, dstName string, src aofbinlog.FS, name string, prog *progress) (int64, error) {
	size, err := src.Stat(name)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	f, err := o.create(dst, dstName)
	if err != nil {
		return 0, err
	}
	if err := copyRange(f, src, name, 0, size, prog); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return 0, fmt.Errorf("%s: fsync: %w", dstName, err)
	}
	return size, f.Close()
}

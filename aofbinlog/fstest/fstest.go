// Package fstest checks an aofbinlog.FS implementation against the
// interface's contract (the semantics every implementation shares; the
// crash model is sim/simfs's own business).
package fstest

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"

	"opdis/aofbinlog"
)

// Run runs the contract tests on file systems made by newFS, each empty.
func Run(t *testing.T, newFS func(t *testing.T) aofbinlog.FS) {
	t.Run("CreateWriteRead", func(t *testing.T) {
		fsys := newFS(t)
		f, err := fsys.Create("a.aof")
		ok(t, err)
		write(t, f, "hello ")
		write(t, f, "world")
		if err := f.Sync(); err != nil {
			t.Fatal(err)
		}
		checkContent(t, f, "hello world")
		if n, err := fsys.Stat("a.aof"); err != nil || n != 11 {
			t.Fatalf("Stat = %d, %v", n, err)
		}
		// Write appends even after a truncate.
		if err := f.Truncate(5); err != nil {
			t.Fatal(err)
		}
		write(t, f, "!")
		checkContent(t, f, "hello!")
		buf := make([]byte, 10)
		if n, err := f.ReadAt(buf, 3); n != 3 || err != io.EOF {
			t.Fatalf("ReadAt past the end = %d, %v; want 3, io.EOF", n, err)
		}
		if n, err := f.ReadAt(buf, 6); n != 0 || err != io.EOF {
			t.Fatalf("ReadAt at the end = %d, %v; want 0, io.EOF", n, err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		// Create truncates an existing file.
		g, err := fsys.Create("a.aof")
		ok(t, err)
		checkContent(t, g, "")
		g.Close()
	})
	t.Run("OpenAppend", func(t *testing.T) {
		fsys := newFS(t)
		f, err := fsys.OpenAppend("b.aof") // creates
		ok(t, err)
		write(t, f, "one")
		f.Close()
		f, err = fsys.OpenAppend("b.aof") // keeps the content
		ok(t, err)
		write(t, f, "two")
		checkContent(t, f, "onetwo")
		f.Close()
		r, err := fsys.Open("b.aof")
		ok(t, err)
		checkContent(t, r, "onetwo")
		if _, err := r.Write([]byte("x")); err == nil {
			t.Fatal("Write on a read-only file succeeded")
		}
		r.Close()
	})
	t.Run("NotExist", func(t *testing.T) {
		fsys := newFS(t)
		if _, err := fsys.Open("nope"); !aofbinlog.IsNotExist(err) {
			t.Fatalf("Open missing: %v", err)
		}
		if _, err := fsys.Stat("nope"); !aofbinlog.IsNotExist(err) {
			t.Fatalf("Stat missing: %v", err)
		}
		if err := fsys.Remove("nope"); !aofbinlog.IsNotExist(err) {
			t.Fatalf("Remove missing: %v", err)
		}
		if err := fsys.Rename("nope", "x"); !aofbinlog.IsNotExist(err) {
			t.Fatalf("Rename missing: %v", err)
		}
	})
	t.Run("RenameRemoveList", func(t *testing.T) {
		fsys := newFS(t)
		for _, n := range []string{"c", "a", "b"} {
			f, err := fsys.Create(n)
			ok(t, err)
			write(t, f, n)
			f.Close()
		}
		if err := fsys.Rename("c", "a"); err != nil { // replaces a
			t.Fatal(err)
		}
		if err := fsys.Remove("b"); err != nil {
			t.Fatal(err)
		}
		if err := fsys.SyncDir(); err != nil {
			t.Fatal(err)
		}
		names, err := fsys.List()
		ok(t, err)
		if !slices.Equal(names, []string{"a"}) {
			t.Fatalf("List = %q", names)
		}
		f, err := fsys.Open("a")
		ok(t, err)
		checkContent(t, f, "c")
		f.Close()
	})
	t.Run("BadNames", func(t *testing.T) {
		fsys := newFS(t)
		for _, n := range []string{"", ".", "..", "../x", "d/x", "/etc/passwd"} {
			if f, err := fsys.Create(n); err == nil {
				f.Close()
				t.Errorf("Create(%q) succeeded", n)
			}
		}
	})
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, f aofbinlog.File, s string) {
	t.Helper()
	if n, err := f.Write([]byte(s)); n != len(s) || err != nil {
		t.Fatalf("Write = %d, %v", n, err)
	}
}

func checkContent(t *testing.T, f aofbinlog.File, want string) {
	t.Helper()
	size, err := f.Size()
	if err != nil || size != int64(len(want)) {
		t.Fatalf("Size = %d, %v; want %d", size, err, len(want))
	}
	buf := make([]byte, size)
	if n, err := f.ReadAt(buf, 0); n != len(buf) || (err != nil && !errors.Is(err, io.EOF)) {
		t.Fatalf("ReadAt = %d, %v", n, err)
	}
	if !bytes.Equal(buf, []byte(want)) {
		t.Fatalf("content %q, want %q", buf, want)
	}
}

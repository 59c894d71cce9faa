// Package simfs is an in-memory aofbinlog.FS with a crash model and fault
// injection, for tests and the simulator.
//
// Crash model. Every file keeps the bytes that were last fsynced apart from
// the bytes written since. Crash loses the un-synced bytes, except that it
// may keep a random prefix of them (a torn write: the page cache wrote back
// part of what was appended). Directory operations (Create of a new name,
// Rename, Remove) are durable only after SyncDir; Crash keeps a random
// prefix of the operations since the last SyncDir, in order, and forgets
// the rest (an ordered metadata journal). File handles opened before a
// crash fail afterwards.
//
// Faults. Inject makes the next N matching calls fail with a given error
// (syscall.ENOSPC, syscall.EIO, ...), optionally storing half the bytes of a
// failing write first; Hook sees every call and may fail it.
//
// Everything is deterministic: Crash draws only from the Rand it is given,
// and no map is iterated where order matters.
package simfs

import (
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sync"

	"opdis/aofbinlog"
)

// Rand is the random source Crash draws from; math/rand/v2's *rand.Rand
// and node.Rand fit.
type Rand interface{ Uint64() uint64 }

// Op names an FS or File call, for faults and hooks.
type Op int

const (
	OpCreate Op = iota
	OpOpenAppend
	OpOpen
	OpRename
	OpRemove
	OpList
	OpSyncDir
	OpStat
	OpWrite
	OpReadAt
	OpSync
	OpTruncate
)

var opNames = [...]string{"create", "openappend", "open", "rename", "remove", "list", "syncdir", "stat", "write", "readat", "sync", "truncate"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("op%d", int(o))
}

// Fault fails the next Count calls of Op (on file Name, or any file if
// Name is "") with Err. A failing Write with Short set first appends half
// of its bytes, as a write that runs out of space part way does.
type Fault struct {
	Op    Op
	Name  string
	Count int
	Err   error
	Short bool
}

// Stats counts calls, for tests and benchmarks.
type Stats struct {
	Writes, Reads, Syncs, DirSyncs, Renames, Removes, Crashes int
	BytesWritten, BytesRead                                   int64
	// Faults counts calls an injected Fault failed (not Hook failures).
	Faults int
}

// ErrStale is returned by a File opened before the last Crash.
var ErrStale = fmt.Errorf("simfs: file handle opened before a crash")

type inode struct {
	data      []byte
	synced    []byte // content as of the last Sync; shares data's prefix unless truncated
	truncated bool   // data was cut below len(synced) since the last Sync
}

type dirOp struct {
	op        Op // OpCreate, OpRename or OpRemove
	name, new string
	ino       *inode
}

// FS is the simulated directory. It is safe for use by one goroutine at a
// time (a mutex guards it, but the simulator is single-threaded anyway).
type FS struct {
	mu      sync.Mutex
	live    map[string]*inode // what List and Open see
	durable map[string]*inode // what survives a crash with no pending op kept
	pending []dirOp           // directory operations since the last SyncDir
	gen     int               // bumped by Crash; stale handles fail
	faults  []Fault
	stats   Stats

	// Hook, if set, is called before every operation; a non-nil result
	// fails the operation with that error.
	Hook func(op Op, name string) error
}

var _ aofbinlog.FS = (*FS)(nil)

// New returns an empty directory.
func New() *FS {
	return &FS{live: map[string]*inode{}, durable: map[string]*inode{}}
}

// Inject adds a fault. Faults are matched in the order they were added.
func (f *FS) Inject(ft Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ft.Count > 0 {
		f.faults = append(f.faults, ft)
	}
}

// ClearFaults drops every pending fault.
func (f *FS) ClearFaults() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = nil
}

// Stats returns the call counters.
func (f *FS) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

// fault reports whether the call fails, and whether a failing write is short.
func (f *FS) fault(op Op, name string) (error, bool) {
	if f.Hook != nil {
		if err := f.Hook(op, name); err != nil {
			return &fs.PathError{Op: op.String(), Path: name, Err: err}, false
		}
	}
	for i := range f.faults {
		ft := &f.faults[i]
		if ft.Op != op || (ft.Name != "" && ft.Name != name) {
			continue
		}
		ft.Count--
		f.stats.Faults++
		err, short := ft.Err, ft.Short
		if ft.Count <= 0 {
			f.faults = slices.Delete(f.faults, i, i+1)
		}
		return &fs.PathError{Op: op.String(), Path: name, Err: err}, short
	}
	return nil, false
}

func notExist(op Op, name string) error {
	return &fs.PathError{Op: op.String(), Path: name, Err: fs.ErrNotExist}
}

func (f *FS) check(op Op, name string) error {
	if err := aofbinlog.CheckName(name); err != nil {
		return &fs.PathError{Op: op.String(), Path: name, Err: fs.ErrInvalid}
	}
	err, _ := f.fault(op, name)
	return err
}

// Create implements aofbinlog.FS.
func (f *FS) Create(name string) (aofbinlog.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(OpCreate, name); err != nil {
		return nil, err
	}
	ino := f.live[name]
	if ino == nil {
		ino = f.newInode(name)
	} else {
		ino.truncate(0)
	}
	return f.handle(name, ino, false), nil
}

// OpenAppend implements aofbinlog.FS.
func (f *FS) OpenAppend(name string) (aofbinlog.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(OpOpenAppend, name); err != nil {
		return nil, err
	}
	ino := f.live[name]
	if ino == nil {
		ino = f.newInode(name)
	}
	return f.handle(name, ino, false), nil
}

// Open implements aofbinlog.FS.
func (f *FS) Open(name string) (aofbinlog.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(OpOpen, name); err != nil {
		return nil, err
	}
	ino := f.live[name]
	if ino == nil {
		return nil, notExist(OpOpen, name)
	}
	return f.handle(name, ino, true), nil
}

func (f *FS) newInode(name string) *inode {
	ino := &inode{}
	f.live[name] = ino
	f.pending = append(f.pending, dirOp{op: OpCreate, name: name, ino: ino})
	return ino
}

func (f *FS) handle(name string, ino *inode, ro bool) *file {
	return &file{fs: f, ino: ino, name: name, gen: f.gen, ro: ro}
}

// Rename implements aofbinlog.FS.
func (f *FS) Rename(oldname, newname string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(OpRename, oldname); err != nil {
		return err
	}
	if err := aofbinlog.CheckName(newname); err != nil {
		return &fs.PathError{Op: "rename", Path: newname, Err: fs.ErrInvalid}
	}
	ino := f.live[oldname]
	if ino == nil {
		return notExist(OpRename, oldname)
	}
	f.stats.Renames++
	delete(f.live, oldname)
	f.live[newname] = ino
	f.pending = append(f.pending, dirOp{op: OpRename, name: oldname, new: newname})
	return nil
}

// Remove implements aofbinlog.FS.
func (f *FS) Remove(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(OpRemove, name); err != nil {
		return err
	}
	if f.live[name] == nil {
		return notExist(OpRemove, name)
	}
	f.stats.Removes++
	delete(f.live, name)
	f.pending = append(f.pending, dirOp{op: OpRemove, name: name})
	return nil
}

// List implements aofbinlog.FS.
func (f *FS) List() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err, _ := f.fault(OpList, ""); err != nil {
		return nil, err
	}
	return sortedNames(f.live), nil
}

// SyncDir implements aofbinlog.FS.
func (f *FS) SyncDir() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err, _ := f.fault(OpSyncDir, ""); err != nil {
		return err
	}
	f.stats.DirSyncs++
	f.durable = cloneNS(f.live)
	f.pending = nil
	return nil
}

// Stat implements aofbinlog.FS.
func (f *FS) Stat(name string) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(OpStat, name); err != nil {
		return 0, err
	}
	ino := f.live[name]
	if ino == nil {
		return 0, notExist(OpStat, name)
	}
	return int64(len(ino.data)), nil
}

// Crash simulates power loss: each file keeps its synced bytes plus, half
// the time, a random prefix of its un-synced ones; the directory keeps a
// random prefix of the operations since the last SyncDir.
func (f *FS) Crash(r Rand) { f.crash(r) }

// CrashClean simulates power loss with nothing un-synced surviving.
func (f *FS) CrashClean() { f.crash(nil) }

func (f *FS) crash(r Rand) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stats.Crashes++
	pick := func(n int) int { // uniform in [0, n]
		if r == nil || n == 0 {
			return 0
		}
		return int(r.Uint64() % uint64(n+1))
	}
	for _, ino := range f.allInodes() {
		switch {
		case ino.truncated:
			ino.data = slices.Clone(ino.synced)
		case len(ino.data) > len(ino.synced):
			keep := 0
			if r != nil && r.Uint64()%2 == 0 {
				keep = pick(len(ino.data) - len(ino.synced))
			}
			ino.data = ino.data[:len(ino.synced)+keep]
		}
		ino.sync()
	}
	ns := cloneNS(f.durable)
	for _, op := range f.pending[:pick(len(f.pending))] {
		switch op.op {
		case OpCreate:
			ns[op.name] = op.ino
		case OpRename:
			if ino := ns[op.name]; ino != nil {
				delete(ns, op.name)
				ns[op.new] = ino
			}
		case OpRemove:
			delete(ns, op.name)
		}
	}
	f.live, f.durable, f.pending = ns, cloneNS(ns), nil
	f.gen++
}

// allInodes returns every inode reachable from the live or durable
// namespace or a pending create, in a deterministic order.
func (f *FS) allInodes() []*inode {
	var out []*inode
	seen := map[*inode]bool{}
	add := func(ino *inode) {
		if ino != nil && !seen[ino] {
			seen[ino] = true
			out = append(out, ino)
		}
	}
	for _, n := range sortedNames(f.durable) {
		add(f.durable[n])
	}
	for _, op := range f.pending {
		add(op.ino)
	}
	for _, n := range sortedNames(f.live) {
		add(f.live[n])
	}
	return out
}

// Clone returns an independent copy of the directory, including what is
// not yet durable.
func (f *FS) Clone() *FS {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[*inode]*inode{}
	cp := func(ino *inode) *inode {
		if ino == nil {
			return nil
		}
		if c := m[ino]; c != nil {
			return c
		}
		c := &inode{data: slices.Clone(ino.data), synced: slices.Clone(ino.synced), truncated: ino.truncated}
		m[ino] = c
		return c
	}
	g := New()
	for _, n := range sortedNames(f.live) {
		g.live[n] = cp(f.live[n])
	}
	for _, n := range sortedNames(f.durable) {
		g.durable[n] = cp(f.durable[n])
	}
	for _, op := range f.pending {
		op.ino = cp(op.ino)
		g.pending = append(g.pending, op)
	}
	return g
}

// ReadFile returns a copy of name's current content.
func (f *FS) ReadFile(name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ino := f.live[name]
	if ino == nil {
		return nil, notExist(OpOpen, name)
	}
	return slices.Clone(ino.data), nil
}

// WriteFile sets name's content durably (file and directory entry), as a
// test fixture. It bypasses faults and hooks.
func (f *FS) WriteFile(name string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ino := f.live[name]
	if ino == nil {
		ino = &inode{}
		f.live[name] = ino
	}
	ino.data = slices.Clone(data)
	ino.sync()
	f.durable = cloneNS(f.live)
	f.pending = nil
}

func (ino *inode) sync() {
	ino.synced = ino.data[:len(ino.data):len(ino.data)]
	ino.truncated = false
}

// append grows data by doubling (append's 1.25x for large slices makes
// building a big file quadratic-ish in copying).
func (ino *inode) append(p []byte) {
	if need := len(ino.data) + len(p); need > cap(ino.data) {
		nd := make([]byte, len(ino.data), max(2*cap(ino.data), need, 512))
		copy(nd, ino.data)
		ino.data = nd
	}
	ino.data = append(ino.data, p...)
}

func (ino *inode) truncate(n int) {
	switch {
	case n < len(ino.synced):
		ino.data = slices.Clone(ino.data[:n]) // keep the synced copy intact
		ino.truncated = true
	case n <= len(ino.data):
		ino.data = ino.data[:n]
	default:
		ino.data = append(ino.data, make([]byte, n-len(ino.data))...)
	}
}

func sortedNames(m map[string]*inode) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func cloneNS(m map[string]*inode) map[string]*inode {
	c := make(map[string]*inode, len(m))
	for n, ino := range m {
		c[n] = ino
	}
	return c
}

// file is an open handle.
type file struct {
	fs     *FS
	ino    *inode
	name   string
	gen    int
	ro     bool
	closed bool
}

func (h *file) usable(op Op) error {
	switch {
	case h.closed:
		return &fs.PathError{Op: op.String(), Path: h.name, Err: fs.ErrClosed}
	case h.gen != h.fs.gen:
		return &fs.PathError{Op: op.String(), Path: h.name, Err: ErrStale}
	}
	return nil
}

func (h *file) Write(p []byte) (int, error) {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if err := h.usable(OpWrite); err != nil {
		return 0, err
	}
	if h.ro {
		return 0, &fs.PathError{Op: "write", Path: h.name, Err: fs.ErrPermission}
	}
	h.fs.stats.Writes++
	n := len(p)
	err, short := h.fs.fault(OpWrite, h.name)
	if err != nil {
		n = 0
		if short {
			n = len(p) / 2
		}
	}
	h.ino.append(p[:n])
	h.fs.stats.BytesWritten += int64(n)
	return n, err
}

func (h *file) ReadAt(p []byte, off int64) (int, error) {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if err := h.usable(OpReadAt); err != nil {
		return 0, err
	}
	if err, _ := h.fs.fault(OpReadAt, h.name); err != nil {
		return 0, err
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "readat", Path: h.name, Err: fs.ErrInvalid}
	}
	if off >= int64(len(h.ino.data)) {
		return 0, io.EOF
	}
	n := copy(p, h.ino.data[off:])
	h.fs.stats.Reads++
	h.fs.stats.BytesRead += int64(n)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (h *file) Sync() error {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if err := h.usable(OpSync); err != nil {
		return err
	}
	if err, _ := h.fs.fault(OpSync, h.name); err != nil {
		return err
	}
	h.fs.stats.Syncs++
	h.ino.sync()
	return nil
}

func (h *file) Truncate(size int64) error {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if err := h.usable(OpTruncate); err != nil {
		return err
	}
	if h.ro {
		return &fs.PathError{Op: "truncate", Path: h.name, Err: fs.ErrPermission}
	}
	if err, _ := h.fs.fault(OpTruncate, h.name); err != nil {
		return err
	}
	if size < 0 {
		return &fs.PathError{Op: "truncate", Path: h.name, Err: fs.ErrInvalid}
	}
	h.ino.truncate(int(size))
	return nil
}

func (h *file) Size() (int64, error) {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if err := h.usable(OpStat); err != nil {
		return 0, err
	}
	return int64(len(h.ino.data)), nil
}

func (h *file) Close() error {
	h.fs.mu.Lock()
	defer h.fs.mu.Unlock()
	if h.closed {
		return &fs.PathError{Op: "close", Path: h.name, Err: fs.ErrClosed}
	}
	h.closed = true
	return nil
}

package main

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// workload sends random writes to a reference redis-server and logs the
// same writes as oplog entries, in effect form (absolute expiry times,
// a DEL or PEXPIREAT that changed nothing is not logged).
type workload struct {
	t     *testing.T
	rng   *rand.Rand
	b     *logBuilder
	c     *rconn
	db    int // the reference connection's selected db; -1 unknown
	nowMs int64
}

func (w *workload) sel(db int) {
	if w.db != db {
		w.c.must(w.t, "SELECT", strconv.Itoa(db))
		w.db = db
	}
}

func (w *workload) key(kind string) string {
	return kind + ":" + strconv.Itoa(w.rng.IntN(8))
}

func (w *workload) anyKey() string {
	return w.key([]string{"s", "n", "l", "S", "z", "h"}[w.rng.IntN(6)])
}

func (w *workload) val() string {
	v := "v" + strconv.Itoa(w.rng.IntN(1000))
	if w.rng.IntN(10) == 0 {
		v += "\x00\xff\r\n bin"
	}
	return v
}

func (w *workload) expireAt() string {
	return strconv.FormatInt(w.nowMs+3_600_000+w.rng.Int64N(3_600_000), 10)
}

// command is one random write. Keys are typed by prefix, so no command
// meets a key of the wrong type.
func (w *workload) command() []string {
	switch w.rng.IntN(10) {
	case 0:
		return []string{"SET", w.key("s"), w.val(), "PXAT", w.expireAt()}
	case 1:
		return []string{"SET", w.key("s"), w.val()}
	case 2:
		if w.rng.IntN(3) == 0 {
			return []string{"SET", w.key("n"), strconv.Itoa(w.rng.IntN(100))}
		}
		return []string{"INCR", w.key("n")}
	case 3:
		return []string{"RPUSH", w.key("l"), w.val(), w.val()}
	case 4:
		return []string{"SADD", w.key("S"), w.val(), "m" + strconv.Itoa(w.rng.IntN(20))}
	case 5:
		return []string{"ZADD", w.key("z"), strconv.Itoa(w.rng.IntN(50)) + ".5", "m" + strconv.Itoa(w.rng.IntN(20))}
	case 6:
		return []string{"HSET", w.key("h"), "f" + strconv.Itoa(w.rng.IntN(10)), w.val()}
	case 7:
		return []string{"DEL", w.anyKey()}
	default:
		return []string{"PEXPIREAT", w.anyKey(), w.expireAt()}
	}
}

// step performs one random write on both sides.
func (w *workload) step() {
	t := w.t
	db := w.rng.IntN(4)
	switch r := w.rng.IntN(100); {
	case r < 8: // a transaction, sometimes switching db inside
		w.sel(db)
		var cmds [][]string
		for n := 1 + w.rng.IntN(4); n > 0; n-- {
			if w.rng.IntN(3) == 0 {
				cmds = append(cmds, []string{"SELECT", strconv.Itoa(w.rng.IntN(4))})
			}
			cmds = append(cmds, w.command())
		}
		w.c.must(t, "MULTI")
		for _, c := range cmds {
			if v := w.c.must(t, c...); v.Str != "QUEUED" {
				t.Fatalf("%q in MULTI: %v", c, v)
			}
			if c[0] == "SELECT" {
				w.db, _ = strconv.Atoi(c[1])
			}
		}
		for _, e := range w.c.must(t, "EXEC").Elems {
			if e.Kind == '-' {
				t.Fatalf("EXEC of %q: %s", cmds, e.Str)
			}
		}
		w.b.tx(db, cmds...)
	case r < 14: // SET + PEXPIREAT, one entry with two commands
		w.sel(db)
		k, v, at := w.key("s"), w.val(), w.expireAt()
		w.c.must(t, "SET", k, v)
		w.c.must(t, "PEXPIREAT", k, at)
		w.b.cmd2(db, []string{"SET", k, v}, []string{"PEXPIREAT", k, at})
	case r < 16: // an expiry DEL (flagged), a lone header before an entry
		w.sel(db)
		k := w.anyKey()
		if w.c.must(t, "DEL", k).Int == 1 {
			w.b.lone(db)
			w.b.expired(db, k)
		}
	default:
		w.sel(db)
		c := w.command()
		v := w.c.must(t, c...)
		if (c[0] == "DEL" || c[0] == "PEXPIREAT") && v.Int == 0 {
			return // no effect, nothing logged
		}
		w.b.cmd(db, c...)
	}
}

// TestExportRedisDifferential writes the same random workload to a real
// redis-server and, as oplog entries, to an opdis AOF directory (with
// splits and a snapshot taken by that redis-server's SAVE); then exports
// the directory at several points, starts a second redis-server on each
// export and compares its whole dataset with the reference's at that
// point.
func TestExportRedisDifferential(t *testing.T) {
	needRedis(t)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("OPDIS_AOF_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (OPDIS_AOF_SEED=%d to repeat)", seed, seed)

	src, refDir := t.TempDir(), t.TempDir()
	ref := startRedis(t, refDir, "--appendonly", "no")
	c, err := dialRedis(ref.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	w := &workload{t: t, rng: rand.New(rand.NewPCG(seed, 1)), b: newLog(t, src), c: c, nowMs: time.Now().UnixMilli()}
	states := map[int64]dataset{} // the reference's dataset after each captured op id
	snap := func() int64 {
		op := w.b.next - 1
		states[op] = capture(t, c)
		w.db = -1
		return op
	}
	var before, snapOp, after int64
	for i := 0; i < 400; i++ {
		w.step()
		if w.rng.IntN(30) == 0 {
			w.b.split()
		}
		op := w.b.next - 1
		switch {
		case before == 0 && op >= 60:
			before = snap()
		case snapOp == 0 && op >= 150:
			// The snapshot: the reference's own RDB v10 file, at the
			// live file's current end (not at a split).
			snapOp = snap()
			c.must(t, "SAVE")
			data, err := os.ReadFile(filepath.Join(refDir, "dump.rdb"))
			if err != nil {
				t.Fatal(err)
			}
			name := "dump-" + strconv.FormatInt(snapOp, 10) + ".rdb"
			if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
			w.b.writeRDBIndex(name)
		case after == 0 && op >= 250:
			after = snap()
		}
	}
	end := snap()
	w.b.close()
	t.Logf("log: %d entries; captured at op ids %d, %d (snapshot), %d, %d", end, before, snapOp, after, end)
	if out, _, code := runTool(t, "verify", src); code != 0 || !strings.Contains(out, "OK (0 warnings)") {
		t.Fatalf("verify of the generated log:\n%s", out)
	}

	exportAndCompare(t, src, "", true, states[end])
	exportAndCompare(t, src, "opid:"+strconv.FormatInt(before, 10), false, states[before]) // before the snapshot: from op id 1
	exportAndCompare(t, src, "opid:"+strconv.FormatInt(snapOp, 10), true, states[snapOp])
	exportAndCompare(t, src, fmtTime(w.b.entry(after).h.TimestampMs), true, states[after])

	// restore, then export the restored directory.
	for _, op := range []int64{before, after} {
		dst := filepath.Join(t.TempDir(), "restored")
		restoreOK(t, src, dst, "opid:"+strconv.FormatInt(op, 10))
		exportAndCompare(t, dst, "", op >= snapOp, states[op])
	}
}

// exportAndCompare exports src (at to, if set), checks the layout with
// redis-check-aof, loads it into a fresh redis-server and compares the
// dataset with want.
func exportAndCompare(t *testing.T, src, to string, wantBase bool, want dataset) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "export")
	a := []string{"export-redis", "--from", src, "--into", dst}
	if to != "" {
		a = append(a, "--to", to)
	}
	out, errOut, code := runTool(t, a...)
	if code != 0 {
		t.Fatalf("%v: exit %d\n%s%s", a, code, out, errOut)
	}
	aofDir := filepath.Join(dst, "appendonlydir")
	manifest, err := os.ReadFile(filepath.Join(aofDir, "appendonly.aof.manifest"))
	if err != nil {
		t.Fatal(err)
	}
	wantManifest := "file appendonly.aof.1.incr.aof seq 1 type i\n"
	if wantBase {
		wantManifest = "file appendonly.aof.1.base.rdb seq 1 type b\n" + wantManifest
	}
	if string(manifest) != wantManifest {
		t.Errorf("%v: manifest %q, want %q", a, manifest, wantManifest)
	}
	if _, err := exec.LookPath("redis-check-aof"); err == nil {
		check, _ := exec.Command("redis-check-aof", filepath.Join(aofDir, "appendonly.aof.manifest")).CombinedOutput()
		if !strings.Contains(string(check), "All AOF files and manifest are valid") {
			t.Errorf("%v: redis-check-aof:\n%s", a, check)
		}
	}
	p := startRedis(t, dst, "--appendonly", "yes")
	c, err := dialRedis(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	got := capture(t, c)
	c.close()
	p.stop()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%v: the exported dataset (%v) differs from the reference (%v) (-want +got):\n%s", a, got, want, diff)
	}
	if len(want) == 0 {
		t.Errorf("%v: empty reference dataset: the test compares nothing", a)
	}
}

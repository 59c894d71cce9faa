package main

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"opdis/node"
	"opdis/node/osenv"
	"opdis/wire"
)

// Point-in-time restore, end to end: a real node writes its data dir
// (splits, a snapshot in the middle), the keyspace is recorded after
// chosen entries, and `restore --to` into a new dir, loaded by a fresh
// node, must equal the recorded keyspace.

type pitrClock struct{ ns int64 }

func (c *pitrClock) UnixNano() int64          { return c.ns }
func (c *pitrClock) Monotonic() time.Duration { return time.Duration(c.ns) }

type pitrRand struct{ s uint64 }

func (r *pitrRand) Uint64() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// liveKeyspace renders every key of every database that is live at
// nowMs (a key whose TTL passed is logically gone even before it is
// deleted).
func liveKeyspace(n *node.Node, dbs int, nowMs int64) string {
	var out []string
	for i := 0; i < dbs; i++ {
		n.DB(i).Range(func(k string, o *node.Object, at int64) bool {
			if at != -1 && at <= nowMs {
				return true
			}
			var val []string
			switch o.Type {
			case node.TypeString:
				val = []string{string(o.Str)}
			case node.TypeList:
				for _, v := range o.List.Values() {
					val = append(val, string(v))
				}
			case node.TypeSet:
				val = o.Set.Keys()
				sort.Strings(val)
			case node.TypeZSet:
				o.ZSet.Range(func(m string, s float64) bool {
					val = append(val, m+"="+strconv.FormatFloat(s, 'g', 17, 64))
					return true
				})
			case node.TypeHash:
				o.Hash.Range(func(f string, v []byte) bool { val = append(val, f+"="+string(v)); return true })
				sort.Strings(val)
			}
			out = append(out, fmt.Sprintf("%d %q %s %q %d", i, k, o.Type, val, at))
			return true
		})
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func newPITRNode(t *testing.T, dir string, clock *pitrClock, seed uint64) *node.Node {
	t.Helper()
	fs, err := osenv.NewFS(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := node.DefaultConfig()
	cfg.AppendOnly, cfg.Save, cfg.AOFMaxSize = true, "", 4<<10
	cfg.Databases = 4
	n := node.New(cfg, node.Env{Clock: clock, Rand: &pitrRand{s: seed}, FS: fs})
	if err := n.Load(); err != nil {
		t.Fatalf("Load %s: %v", dir, err)
	}
	return n
}

func TestPITRRestoreEqualsRecordedState(t *testing.T) {
	src := t.TempDir()
	clock := &pitrClock{ns: 1_700_000_000 * int64(time.Second)}
	a := newPITRNode(t, src, clock, 1)
	states := map[int64]string{} // op id -> keyspace right after it
	times := map[int64]int64{}   // op id -> its time (ms)
	record := map[int64]bool{}
	r := &pitrRand{s: 42}
	for op := int64(1); op < 1200; op += int64(r.Uint64()%60) + 1 {
		record[op] = true
	}
	a.OnEntry(func(_ []byte, h wire.Header) {
		times[h.OpID] = h.TimeMs()
		if record[h.OpID] {
			states[h.OpID] = liveKeyspace(a, 4, h.TimeMs())
		}
	})
	ids := []int64{a.Connect("t", "t"), a.Connect("t", "t")}
	send := func(id int64, args ...string) {
		bs := make([][]byte, len(args))
		for i, s := range args {
			bs[i] = []byte(s)
		}
		a.Feed(id, wire.AppendCommand(nil, bs...))
		a.TakeOutput(id, nil)
	}
	send(ids[1], "SELECT", "2")
	snapshotAt := int64(0)
	for i := 0; a.NextOpID() < 1200; i++ {
		id := ids[r.Uint64()%2]
		k := "k" + strconv.Itoa(int(r.Uint64()%12))
		v := strconv.Itoa(i)
		switch r.Uint64() % 9 {
		case 0:
			send(id, "SET", k, v)
		case 1:
			send(id, "INCR", "n"+k)
		case 2:
			send(id, "RPUSH", "l"+k, v)
		case 3:
			send(id, "SADD", "s"+k, v, "x")
		case 4:
			send(id, "ZADD", "z"+k, strconv.Itoa(i%7), v)
		case 5:
			send(id, "HSET", "h"+k, "f"+strconv.Itoa(i%3), v)
		case 6:
			send(id, "DEL", k, "l"+k)
		case 7:
			send(id, "MULTI")
			send(id, "INCRBY", "n"+k, "5")
			send(id, "APPEND", k, v)
			send(id, "EXEC")
		default:
			send(id, "SET", "t"+k, v, "PX", strconv.Itoa(int(r.Uint64()%4000)+1))
		}
		clock.ns += int64(r.Uint64()%80) * int64(time.Millisecond)
		a.Tick() // active expiry, snapshot steps, everysec
		if i == 500 {
			send(ids[0], "BGSAVE")
			snapshotAt = a.NextOpID()
		}
	}
	a.Close()

	// The restored node starts at the target's time: the point restored.
	restore := func(to string, atMs int64) string {
		t.Helper()
		into := filepath.Join(t.TempDir(), "restored")
		var out, errb bytes.Buffer
		if code := run([]string{"restore", "--to", to, "--from", src, "--into", into}, &out, &errb); code != 0 {
			t.Fatalf("restore --to %s: exit %d\n%s%s", to, code, out.String(), errb.String())
		}
		b := newPITRNode(t, into, &pitrClock{ns: atMs * 1e6}, 7)
		defer b.Close()
		return liveKeyspace(b, 4, atMs)
	}
	var ops []int64
	for op := range states { //det:ok sorted below
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i] < ops[j] })
	checked := 0
	for _, op := range ops {
		if op%3 != 0 && op != ops[len(ops)-1] {
			continue // a sample keeps the test fast
		}
		if got := restore("opid:"+strconv.FormatInt(op, 10), times[op]); got != states[op] {
			t.Fatalf("restore to opid %d (snapshot at %d) differs from the state recorded then", op, snapshotAt)
		}
		// A time target: every entry up to this one's millisecond.
		ms := times[op]
		last := op
		for times[last+1] == ms && last+1 < a.NextOpID() {
			last++
		}
		want, ok := states[last]
		if !ok {
			continue
		}
		if got := restore(time.UnixMilli(ms).UTC().Format(time.RFC3339Nano), ms); got != want {
			t.Fatalf("restore to time %d (op %d) differs", ms, last)
		}
		checked++
	}
	if checked < 5 || snapshotAt == 0 {
		t.Fatalf("only %d time points checked (snapshot at %d)", checked, snapshotAt)
	}
}

package rdb

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// Interop with a real redis-server 7.0: it must load what the Encoder
// writes, and the Decoder must read what it saves. Skipped without
// redis-server in PATH.

type redisServer struct {
	addr string
	dir  string
	log  string
	cmd  *exec.Cmd
	done chan error
}

func needRedis(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range append([]string{"redis-server"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not in PATH", tool)
		}
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startRedis runs redis-server on a free loopback port with dir/dbfile and
// waits for PING. If the server exits (say, refusing the RDB) it fails the
// test with the log.
func startRedis(t *testing.T, dir, dbfile string) *redisServer {
	t.Helper()
	for attempt := 0; ; attempt++ {
		port := freePort(t)
		s := &redisServer{addr: "127.0.0.1:" + strconv.Itoa(port), dir: dir, log: filepath.Join(dir, "redis.log"), done: make(chan error, 1)}
		s.cmd = exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--dir", dir, "--dbfilename", dbfile, "--save", "", "--appendonly", "no",
			"--daemonize", "no", "--logfile", s.log, "--enable-debug-command", "yes")
		if err := s.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { s.done <- s.cmd.Wait() }()
		err := s.waitReady()
		if err == nil {
			t.Cleanup(func() {
				s.cmd.Process.Kill() // by PID: only the process this test started
				<-s.done
			})
			return s
		}
		s.cmd.Process.Kill()
		log, _ := os.ReadFile(s.log)
		if attempt == 2 || !bytes.Contains(log, []byte("Address already in use")) {
			t.Fatalf("redis-server did not come up: %v\n--- log ---\n%s", err, log)
		}
	}
}

func (s *redisServer) waitReady() error {
	c := redis.NewClient(&redis.Options{Addr: s.addr, MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("redis-server exited: %v", err)
		default:
		}
		if err := c.Ping(context.Background()).Err(); err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("timed out")
}

func (s *redisServer) client(db int) *redis.Client {
	return redis.NewClient(&redis.Options{Addr: s.addr, DB: db, MaxRetries: -1})
}

// normValue is a Value in a form both sides can produce: set members and
// hash fields sorted, zset pairs in Redis's (score, member) order.
type normValue struct {
	Type   string
	Str    string
	Elems  []string
	Scores []float64
}

func normalize(v Value) normValue {
	n := normValue{Type: v.Type.String(), Str: string(v.Str)}
	switch v.Type {
	case TypeList:
		for _, e := range v.Elems {
			n.Elems = append(n.Elems, string(e))
		}
	case TypeSet:
		for _, e := range v.Elems {
			n.Elems = append(n.Elems, string(e))
		}
		slices.Sort(n.Elems)
	case TypeHash:
		type fv struct{ f, v string }
		var pairs []fv
		for i := 0; i+1 < len(v.Elems); i += 2 {
			pairs = append(pairs, fv{string(v.Elems[i]), string(v.Elems[i+1])})
		}
		slices.SortFunc(pairs, func(a, b fv) int { return strings.Compare(a.f, b.f) })
		for _, p := range pairs {
			n.Elems = append(n.Elems, p.f, p.v)
		}
	case TypeZSet:
		idx := make([]int, len(v.Elems))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int {
			if c := cmp.Compare(v.Scores[a], v.Scores[b]); c != 0 {
				return c
			}
			return bytes.Compare(v.Elems[a], v.Elems[b])
		})
		for _, i := range idx {
			n.Elems = append(n.Elems, string(v.Elems[i]))
			n.Scores = append(n.Scores, v.Scores[i])
		}
	}
	return n
}

// fetch reads key's value from a live server.
func fetch(t *testing.T, c *redis.Client, key string) normValue {
	t.Helper()
	ctx := context.Background()
	typ, err := c.Type(ctx, key).Result()
	if err != nil {
		t.Fatalf("TYPE %q: %v", key, err)
	}
	n := normValue{Type: typ}
	switch typ {
	case "string":
		n.Str, err = c.Get(ctx, key).Result()
	case "list":
		n.Elems, err = c.LRange(ctx, key, 0, -1).Result()
	case "set":
		n.Elems, err = c.SMembers(ctx, key).Result()
		slices.Sort(n.Elems)
	case "hash":
		var m map[string]string
		m, err = c.HGetAll(ctx, key).Result()
		var fields []string
		for f := range m { //det:ok sorted below
			fields = append(fields, f)
		}
		slices.Sort(fields)
		for _, f := range fields {
			n.Elems = append(n.Elems, f, m[f])
		}
	case "zset":
		var zs []redis.Z
		zs, err = c.ZRangeWithScores(ctx, key, 0, -1).Result()
		for _, z := range zs {
			n.Elems = append(n.Elems, z.Member.(string))
			n.Scores = append(n.Scores, z.Score)
		}
	default:
		t.Fatalf("key %q has type %q", key, typ)
	}
	if err != nil {
		t.Fatalf("reading %q: %v", key, err)
	}
	return n
}

// interopDataset is a deterministic mix of edge cases and random values
// large enough that Redis converts them to every in-memory encoding.
func interopDataset(nowMs int64) []testKey {
	var keys []testKey
	add := func(db int, k string, v Value, exp int64) { keys = append(keys, testKey{db, []byte(k), v, exp}) }
	for i, s := range []string{"", "0", "-1", "127", "128", "-129", "32768", "2147483647", "2147483648", "-2147483648",
		"9223372036854775807", "-0", "007", "+1", " 12", "3.14", "\x00\xff\r\n", strings.Repeat("compress me ", 200)} {
		add(0, "str:"+strconv.Itoa(i), str(s), -1)
	}
	add(0, "bin-key-\x00\xff", str("binary key"), nowMs+3_600_000)
	add(0, "expiring", str("soon"), nowMs+7_200_000)
	add(0, "zspecial", Value{Type: TypeZSet, Elems: strs("inf", "-inf", "zero", "tiny", "max", "neg"),
		Scores: []float64{math.Inf(1), math.Inf(-1), 0, math.SmallestNonzeroFloat64, math.MaxFloat64, -2.5}}, -1)
	rng := rand.New(rand.NewPCG(1, 2))
	randBytes := func(maxLen int) []byte {
		b := make([]byte, rng.IntN(maxLen+1))
		for i := range b {
			if rng.IntN(3) == 0 {
				b[i] = byte(rng.IntN(256))
			} else {
				b[i] = "abcde0123"[rng.IntN(9)]
			}
		}
		return b
	}
	distinct := func(n, maxLen int) [][]byte {
		seen := map[string]bool{}
		var out [][]byte
		for len(out) < n {
			var b []byte
			if rng.IntN(2) == 0 {
				b = strconv.AppendInt(nil, rng.Int64N(1<<40)-1<<39, 10)
			} else {
				b = randBytes(maxLen)
			}
			if !seen[string(b)] {
				seen[string(b)] = true
				out = append(out, b)
			}
		}
		return out
	}
	for _, db := range []int{0, 3, 15} {
		for i := range 40 {
			n := []int{1, 5, 100, 700}[rng.IntN(4)]
			maxLen := []int{8, 40, 100}[rng.IntN(3)]
			exp := int64(-1)
			if rng.IntN(4) == 0 {
				exp = nowMs + 3_600_000 + rng.Int64N(1_000_000)
			}
			k := fmt.Sprintf("k%d:%d", db, i)
			switch i % 5 {
			case 0:
				add(db, k, Value{Type: TypeString, Str: randBytes(maxLen * 10)}, exp)
			case 1:
				var e [][]byte
				for range n {
					e = append(e, randBytes(maxLen))
				}
				add(db, k, Value{Type: TypeList, Elems: e}, exp)
			case 2:
				if rng.IntN(2) == 0 { // all integers: intset-shaped
					var e [][]byte
					seen := map[int64]bool{}
					for len(e) < n {
						v := rng.Int64N(1<<20) - 1<<19
						if !seen[v] {
							seen[v] = true
							e = append(e, strconv.AppendInt(nil, v, 10))
						}
					}
					add(db, k, Value{Type: TypeSet, Elems: e}, exp)
				} else {
					add(db, k, Value{Type: TypeSet, Elems: distinct(n, maxLen)}, exp)
				}
			case 3:
				m := distinct(n, maxLen)
				s := make([]float64, n)
				for j := range s {
					s[j] = math.Round(rng.NormFloat64()*1000) / 8
				}
				add(db, k, Value{Type: TypeZSet, Elems: m, Scores: s}, exp)
			case 4:
				var e [][]byte
				for _, f := range distinct(n, maxLen) {
					e = append(e, f, randBytes(maxLen))
				}
				add(db, k, Value{Type: TypeHash, Elems: e}, exp)
			}
		}
	}
	return keys
}

func TestRedisLoadsOurs(t *testing.T) {
	needRedis(t, "redis-check-rdb")
	nowMs := time.Now().UnixMilli()
	keys := interopDataset(nowMs)
	expired := testKey{0, []byte("long-expired"), str("gone"), 1000}

	dir := t.TempDir()
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	for _, a := range [][2]string{{"redis-ver", "7.0.15"}, {"redis-bits", "64"}, {"opdis-next-opid", "123456"},
		{"repl-id", "0123456789abcdef0123456789abcdef01234567"}, {"repl-offset", "0"}} {
		if err := e.Aux(a[0], a[1]); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range append(keys, expired) {
		if i == 0 || k.DB != keys[i-1].DB {
			if err := e.SelectDB(k.DB, 100, 10); err != nil {
				t.Fatal(err)
			}
		}
		if err := e.Key(k.Key, k.Value, k.ExpireMs); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Finish(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ours.rdb"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	out, err := exec.Command("redis-check-rdb", filepath.Join(dir, "ours.rdb")).CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("RDB looks OK")) || !bytes.Contains(out, []byte("Checksum OK")) {
		t.Fatalf("redis-check-rdb: %v\n%s", err, out)
	}

	s := startRedis(t, dir, "ours.rdb")
	ctx := context.Background()
	want := map[int]map[string]normValue{}
	for _, k := range keys {
		if want[k.DB] == nil {
			want[k.DB] = map[string]normValue{}
		}
		want[k.DB][string(k.Key)] = normalize(k.Value)
	}
	for db, wantKeys := range want { //det:ok each db checked on its own
		c := s.client(db)
		defer c.Close()
		if n, err := c.DBSize(ctx).Result(); err != nil || n != int64(len(wantKeys)) {
			t.Errorf("db %d: DBSIZE %d (%v), want %d", db, n, err, len(wantKeys))
		}
		got := map[string]normValue{}
		for k := range wantKeys { //det:ok filling a map
			got[k] = fetch(t, c, k)
		}
		if diff := gocmp.Diff(wantKeys, got); diff != "" {
			t.Errorf("db %d differs (-wrote +redis):\n%.4000s", db, diff)
		}
	}
	for _, k := range keys {
		pttl, err := s.client(k.DB).PTTL(ctx, string(k.Key)).Result()
		if err != nil {
			t.Fatal(err)
		}
		if k.ExpireMs < 0 && pttl != -1 {
			t.Errorf("%q: PTTL %v, want none", k.Key, pttl)
		}
		if k.ExpireMs >= 0 {
			left := time.Duration(k.ExpireMs-nowMs) * time.Millisecond
			if pttl <= 0 || pttl > left || pttl < left-time.Minute {
				t.Errorf("%q: PTTL %v, want about %v", k.Key, pttl, left)
			}
		}
	}
	if n, _ := s.client(0).Exists(ctx, string(expired.Key)).Result(); n != 0 {
		t.Errorf("a key that expired in 1970 was loaded")
	}
}

func TestDecodeRedisSave(t *testing.T) {
	needRedis(t)
	dir := t.TempDir()
	s := startRedis(t, dir, "dump.rdb")
	ctx := context.Background()
	c0 := s.client(0)
	defer c0.Close()
	// Elements of 200 bytes or more become quicklist PLAIN nodes.
	if err := c0.Do(ctx, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "200").Err(); err != nil {
		t.Fatal(err)
	}
	nowMs := time.Now().UnixMilli()
	keys := interopDataset(nowMs)
	keys = append(keys,
		testKey{0, []byte("plain-nodes"), Value{Type: TypeList, Elems: strs("small", strings.Repeat("P", 300), "x", strings.Repeat("Q", 5000))}, -1},
		testKey{0, []byte("big-elements"), Value{Type: TypeList, Elems: strs(strings.Repeat("e", 150), strings.Repeat("f", 199), strings.Repeat("g", 130))}, -1},
		testKey{3, []byte("lzf"), str(strings.Repeat("redis compresses this string ", 4000)), nowMs + 86_400_000},
	)
	for _, k := range keys {
		c := s.client(k.DB)
		key := string(k.Key)
		var err error
		switch v := k.Value; v.Type {
		case TypeString:
			err = c.Set(ctx, key, v.Str, 0).Err()
		case TypeList:
			err = c.RPush(ctx, key, anys(v.Elems)...).Err()
		case TypeSet:
			err = c.SAdd(ctx, key, anys(v.Elems)...).Err()
		case TypeHash:
			err = c.HSet(ctx, key, anys(v.Elems)...).Err()
		case TypeZSet:
			var zs []redis.Z
			for i, m := range v.Elems {
				zs = append(zs, redis.Z{Score: v.Scores[i], Member: m})
			}
			err = c.ZAdd(ctx, key, zs...).Err()
		}
		if err == nil && k.ExpireMs >= 0 {
			err = c.PExpireAt(ctx, key, time.UnixMilli(k.ExpireMs)).Err()
		}
		c.Close()
		if err != nil {
			t.Fatalf("loading %q: %v", key, err)
		}
	}
	// Every in-memory encoding Redis 7.0 has for these types must be present,
	// so that every RDB type it writes appears in the file.
	encs := map[string]bool{}
	for _, k := range keys {
		c := s.client(k.DB)
		enc, err := c.ObjectEncoding(ctx, string(k.Key)).Result()
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		encs[k.Value.Type.String()+"/"+enc] = true
	}
	for _, want := range []string{"string/int", "string/embstr", "string/raw", "list/quicklist", "set/intset", "set/hashtable",
		"zset/listpack", "zset/skiplist", "hash/listpack", "hash/hashtable"} {
		if !encs[want] {
			t.Errorf("dataset lacks encoding %s (have %v)", want, encs)
		}
	}
	// A function library is saved as a FUNCTION2 record, which the decoder drops.
	lib := "#!lua name=opdislib\nredis.register_function('f', function(keys, args) return 1 end)"
	if err := c0.Do(ctx, "FUNCTION", "LOAD", lib).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c0.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "dump.rdb"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(strings.Repeat("redis compresses this string ", 40))) {
		t.Errorf("the compressible string is stored raw: this dump has no LZF string to decode")
	}
	if !bytes.Contains(raw, []byte(lib)) {
		t.Errorf("dump lacks the function library")
	}
	d := NewDecoder(bytes.NewReader(raw))
	var got []testKey
	aux := map[string]string{}
	dbs := map[int]bool{}
	for {
		r, err := d.Next()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("decoding Redis's dump: %v", err)
			}
			break
		}
		switch r.Kind {
		case KindAux:
			aux[r.AuxKey] = r.AuxVal
		case KindSelectDB:
			dbs[r.DB] = true
		case KindKey:
			got = append(got, testKey{r.DB, r.Key, r.Value, r.ExpireMs})
		}
	}
	if d.Version() != 10 || aux["redis-ver"] != "7.0.15" || aux["redis-bits"] != "64" {
		t.Errorf("version %d, aux %v", d.Version(), aux)
	}
	if !dbs[0] || !dbs[3] || !dbs[15] {
		t.Errorf("SELECTDB records for %v, want 0, 3 and 15", dbs)
	}
	type entry struct {
		DB  int
		Key string
		V   normValue
		Exp int64
	}
	index := func(ks []testKey) map[string]entry {
		m := map[string]entry{}
		for _, k := range ks {
			m[fmt.Sprintf("%d/%q", k.DB, k.Key)] = entry{k.DB, string(k.Key), normalize(k.Value), k.ExpireMs}
		}
		return m
	}
	if diff := gocmp.Diff(index(keys), index(got)); diff != "" {
		t.Errorf("decoded dump differs (-wrote +decoded):\n%.4000s", diff)
	}
}

func anys(b [][]byte) []any {
	out := make([]any, len(b))
	for i, e := range b {
		out[i] = e
	}
	return out
}

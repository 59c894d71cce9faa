package rdb

import (
	"bytes"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
)

// Throughput of the codec on a mixed dataset (~10 MB): go test -bench . -run '^$' ./wire/rdb

func benchDataset() []testKey {
	rng := rand.New(rand.NewPCG(7, 7))
	word := func() []byte {
		b := make([]byte, 8+rng.IntN(56))
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[rng.IntN(36)]
		}
		return b
	}
	var keys []testKey
	for i := range 20000 {
		k := []byte("key:" + strconv.Itoa(i))
		var v Value
		switch i % 5 {
		case 0:
			v = Value{Type: TypeString, Str: append(word(), word()...)}
		case 1:
			v = Value{Type: TypeString, Str: strconv.AppendInt(nil, rng.Int64N(1<<31), 10)}
		case 2:
			v = Value{Type: TypeList}
			for range 20 {
				v.Elems = append(v.Elems, word())
			}
		case 3:
			v = Value{Type: TypeHash}
			for j := range 10 {
				v.Elems = append(v.Elems, []byte("field"+strconv.Itoa(j)), word())
			}
		case 4:
			v = Value{Type: TypeZSet}
			for j := range 10 {
				v.Elems = append(v.Elems, append(word(), byte('0'+j)))
				v.Scores = append(v.Scores, rng.Float64()*1000)
			}
		}
		keys = append(keys, testKey{0, k, v, -1})
	}
	return keys
}

func encodeBench(b *testing.B, buf *bytes.Buffer, keys []testKey, compress bool) []byte {
	buf.Reset()
	e := NewEncoder(buf)
	e.SetCompression(compress)
	e.SelectDB(0, uint64(len(keys)), 0)
	for _, k := range keys {
		if err := e.Key(k.Key, k.Value, k.ExpireMs); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Finish(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func BenchmarkEncode(b *testing.B) {
	keys := benchDataset()
	for _, compress := range []bool{false, true} {
		name := "plain"
		if compress {
			name = "lzf"
		}
		b.Run(name, func(b *testing.B) {
			var buf bytes.Buffer
			b.SetBytes(int64(len(encodeBench(b, &buf, keys, false)))) // MB/s of uncompressed RDB
			b.ReportAllocs()
			for b.Loop() {
				encodeBench(b, &buf, keys, compress)
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	keys := benchDataset()
	for _, compress := range []bool{false, true} {
		name := "plain"
		if compress {
			name = "lzf"
		}
		b.Run(name, func(b *testing.B) {
			var plain, buf bytes.Buffer
			b.SetBytes(int64(len(encodeBench(b, &plain, keys, false))))
			file := encodeBench(b, &buf, keys, compress)
			b.ReportAllocs()
			for b.Loop() {
				d := NewDecoder(bytes.NewReader(file))
				for {
					if _, err := d.Next(); err == io.EOF {
						break
					} else if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

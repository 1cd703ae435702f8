package variants

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/clinfuse/clinfuse/ingest/variants/vcfsynth"
)

func gzipBytes(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// bgzfBytes compresses b as BGZF, writing it in pieces of chunk bytes (the
// writer still fills whole members).
func bgzfBytes(tb testing.TB, b []byte, chunk int) []byte {
	tb.Helper()
	var out bytes.Buffer
	z := vcfsynth.NewBGZFWriter(&out)
	for len(b) > 0 {
		n := min(chunk, len(b))
		z.Write(b[:n])
		b = b[n:]
	}
	if err := z.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// synthVCF returns a synthetic VCF of many BGZF members' worth of text.
func synthVCF(tb testing.TB, records int) []byte {
	tb.Helper()
	var b bytes.Buffer
	c := vcfsynth.Config{Records: records, Samples: 4, Seed: 7}
	if err := vcfsynth.Write(&b, c); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func inflateAll(t *testing.T, data []byte) ([]byte, error) {
	t.Helper()
	in, err := newInput(context.Background(), "t", bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return io.ReadAll(in.text)
}

// TestDecompression checks that plain, gzip (one and several members) and
// many-member BGZF text all read back identically.
func TestDecompression(t *testing.T) {
	text := synthVCF(t, 3000)
	half := len(text) / 2
	cases := []struct {
		name string
		data []byte
	}{
		{"plain", text},
		{"gzip", gzipBytes(t, text)},
		{"gzip two members", append(gzipBytes(t, text[:half]), gzipBytes(t, text[half:])...)},
		{"bgzf", bgzfBytes(t, text, 1000)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := inflateAll(t, c.data)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, text) {
				t.Fatalf("read %d bytes, want %d", len(got), len(text))
			}
		})
	}
	if n := bytes.Count(cases[3].data, []byte{0x1f, 0x8b, 8, 4}); n < 5 {
		t.Fatalf("test file has only %d BGZF members", n)
	}
}

// TestBGZFDamage checks that damaged BGZF is reported as malformed.
func TestBGZFDamage(t *testing.T) {
	good := bgzfBytes(t, synthVCF(t, 2000), 1<<16)
	crc := bytes.Clone(good)
	crc[len(crc)-28-8] ^= 0xff // CRC of the last data member
	cases := []struct {
		name string
		data []byte
		says string
	}{
		{"truncated member", good[:len(good)/2], "truncated"},
		{"bad crc", crc, "CRC"},
		{"garbage after members", append(bytes.Clone(good), "junk, not bgzf"...), "BGZF member"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := inflateAll(t, c.data)
			if !errors.Is(err, errBGZF) || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("got %v, want a bgzf error saying %q", err, c.says)
			}
		})
	}
}

// TestReadIndependentOfGOMAXPROCS reads the same many-member BGZF file with
// one and with several threads and expects identical rows.
func TestReadIndependentOfGOMAXPROCS(t *testing.T) {
	path := filepath.Join(t.TempDir(), "synth.vcf.gz")
	if err := os.WriteFile(path, bgzfBytes(t, synthVCF(t, 4000), 1<<16), 0o644); err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	one, st1, err1 := readAll(t, path, nil)
	runtime.GOMAXPROCS(4)
	four, st4, err4 := readAll(t, path, nil)
	runtime.GOMAXPROCS(prev)
	if err1 != nil || err4 != nil {
		t.Fatal(err1, err4)
	}
	if st1.Records != 4000 || st1.Calls == 0 || st1.Calls != st4.Calls {
		t.Fatalf("records %d, calls %d and %d", st1.Records, st1.Calls, st4.Calls)
	}
	if strings.Join(one, "\n") != strings.Join(four, "\n") {
		t.Fatal("rows differ between GOMAXPROCS 1 and 4")
	}
}

// TestReadCancelled checks that a cancelled context stops Read with the
// context's error and leaves no goroutine or memory behind.
func TestReadCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "synth.vcf.gz")
	if err := os.WriteFile(path, bgzfBytes(t, synthVCF(t, 5000), 1<<16), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	before := runtime.NumGoroutine()
	_, err := Inspect(ctx, path)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running, %d before", n, before)
	}
}

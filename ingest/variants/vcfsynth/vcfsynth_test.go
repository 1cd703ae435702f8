package vcfsynth

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
)

func TestWriteDeterministic(t *testing.T) {
	cases := []struct {
		name     string
		a, b     Config
		wantSame bool
	}{
		{"same seed", Config{500, 3, 1}, Config{500, 3, 1}, true},
		{"other seed", Config{500, 3, 1}, Config{500, 3, 2}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := Write(&a, c.a); err != nil {
				t.Fatal(err)
			}
			if err := Write(&b, c.b); err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(a.Bytes(), b.Bytes()) != c.wantSame {
				t.Fatalf("outputs equal: %v, want %v", !c.wantSame, c.wantSame)
			}
			data := 0
			for _, line := range strings.Split(strings.TrimSuffix(a.String(), "\n"), "\n") {
				if !strings.HasPrefix(line, "#") {
					data++
				}
			}
			if data != c.a.Records {
				t.Fatalf("%d data lines, want %d", data, c.a.Records)
			}
		})
	}
}

// TestBGZFIsGzip checks that the BGZF output is valid multi-member gzip
// with the BC field and the end-of-file member.
func TestBGZFIsGzip(t *testing.T) {
	var text, out bytes.Buffer
	if err := Write(&text, Config{Records: 3000, Samples: 5, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	z := NewBGZFWriter(&out)
	if _, err := z.Write(text.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	g, err := gzip.NewReader(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	back, err := io.ReadAll(g)
	if err != nil || !bytes.Equal(back, text.Bytes()) {
		t.Fatalf("round trip: %v, %d of %d bytes", err, len(back), text.Len())
	}
	members := bytes.Count(out.Bytes(), []byte("BC\x02\x00"))
	if !bytes.HasSuffix(out.Bytes(), eofMember) || members < 3 {
		t.Fatal("missing BC fields or end-of-file member")
	}
}

package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "P-001", "P-001"},
		{"formula stays as is", "=1+1", "=1+1"},
		{"tab and newlines", "a\tb\nc\r\nd", "a b c  d"},
		{"controls dropped", "a\x00b\x1bc\x7fd\u0085e", "abcde"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"non-characters", "a\uFFFEb\uFFFFc", "abc"},
		{"wide text kept", "患者 ✓", "患者 ✓"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cleanText(c.in); got != c.want {
				t.Errorf("cleanText(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestCellTextCuts(t *testing.T) {
	cases := []struct {
		name string
		in   string
		cut  bool
	}{
		{"at the limit", strings.Repeat("a", maxCellUnits), false},
		{"one over", strings.Repeat("a", maxCellUnits+1), true},
		{"astral characters count twice", strings.Repeat("😀", maxCellUnits/2+1), true},
		{"wide but within", strings.Repeat("患", maxCellUnits), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, cut := cellText(c.in)
			if cut != c.cut {
				t.Fatalf("cut = %v, want %v", cut, c.cut)
			}
			if n := len(utf16.Encode([]rune(got))); n > maxCellUnits {
				t.Errorf("%d UTF-16 units, over the limit", n)
			}
			if cut && !strings.HasSuffix(got, "characters in full]") {
				t.Errorf("cut text does not say so: %q", got[len(got)-40:])
			}
		})
	}
}

func TestCSVText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"P1", "P1"},
		{"=SUM(A1)", "'=SUM(A1)"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@x", "'@x"},
		{"\t=1", " =1"},
		{"a=b", "a=b"},
		{"", ""},
	}
	for _, c := range cases {
		if got := csvText(c.in); got != c.want {
			t.Errorf("csvText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzCellText(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, cut := cellText(s)
		if !utf8.ValidString(got) || strings.ContainsFunc(got, unicode.IsControl) {
			t.Fatalf("cellText(%q) = %q: invalid or control characters", s, got)
		}
		if n := len(utf16.Encode([]rune(got))); n > maxCellUnits {
			t.Fatalf("%d UTF-16 units", n)
		}
		if !cut && got != cleanText(s) {
			t.Fatalf("uncut text changed beyond cleaning")
		}
	})
}

// FuzzRisksCSV writes one risk row with fuzzed text and reads it back with
// encoding/csv: the row must parse, and no field may start a formula.
func FuzzRisksCSV(f *testing.F) {
	for _, h := range hostile[:len(hostile)-1] {
		f.Add(h, "records")
	}
	f.Fuzz(func(t *testing.T, id, driver string) {
		r := testRun(1, 1)
		r.Risks = []Risk{{PatientID: id, Target: r.Config.Targets[0].Name, Risk: 0.5, Low: 0.4,
			High: 0.6, Band: "medium", Status: StatusUndiagnosed, Driver: driver}}
		var buf bytes.Buffer
		if err := writeRisksCSV(&buf, r); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil || len(recs) != 2 || len(recs[1]) != 9 {
			t.Fatalf("risks.csv does not read back: %v, %d records", err, len(recs))
		}
		for _, field := range []string{recs[1][0], recs[1][8]} {
			if field != "" && strings.ContainsRune("=+-@\t\r", rune(field[0])) {
				t.Fatalf("field %q starts a formula", field)
			}
		}
		if recs[1][0] != csvText(id) {
			t.Fatalf("patient id %q read back as %q", csvText(id), recs[1][0])
		}
	})
}

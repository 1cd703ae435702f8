package schemas

import (
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow/go/v17/arrow"
)

func TestTargetMatches(t *testing.T) {
	tg := Target{Name: "t2d", Codes: []string{"44054006", "E11*"}}
	cases := []struct {
		code string
		want bool
	}{
		{"44054006", true}, {"440540061", false}, {"E11", true}, {"E11.9", true},
		{"E119", true}, {"E10.9", false}, {"", false},
	}
	for _, c := range cases {
		if got := tg.Matches(c.code); got != c.want {
			t.Errorf("Matches(%q) = %v, want %v", c.code, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	cases := []struct {
		name, yaml string
		ok         bool
		msg        string // the error mentions it, when not empty
	}{
		{"empty keeps defaults", "", true, ""},
		{"targets and seed", "seed: 9\ntargets: [{name: ht, codes: [I10*]}]\n", true, ""},
		{"unknown key", "sed: 9\n", false, "test.yaml: line 1: field sed not found"},
		{"nested unknown key", "model: {foldz: 3}\n", false, "line 1: field foldz not found"},
		{"wrong type", "model: {folds: many}\n", false, "cannot unmarshal !!str `many` into int"},
		{"head misspelt", "model: {head: grpah}\n", false, `model head "grpah" is not one of`},
		{"head a modality", "model: {head: variants}\n", true, ""},
		{"no targets", "targets: []\n", false, ""},
		{"bad as_of", "as_of: 2026-13-01\n", false, ""},
		{"duplicate target", "targets: [{name: a, codes: [x]}, {name: a, codes: [y]}]\n", false,
			""},
		{"bands not increasing",
			"report: {bands: [{name: a, below: 0.5}, {name: b, below: 0.2}]}\n", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(c.yaml), "test.yaml")
			if c.ok && err != nil {
				t.Fatal(err)
			}
			if !c.ok && !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("got %v, want ErrInvalidConfig", err)
			}
			if !c.ok && (!strings.Contains(err.Error(), c.msg) ||
				strings.Contains(err.Error(), "schemas.")) {
				t.Fatalf("error %q should mention %q and no Go type", err, c.msg)
			}
			if c.ok && cfg.Validate() != nil {
				t.Fatal("a parsed config does not validate")
			}
		})
	}
}

func TestDigest(t *testing.T) {
	a := Default()
	b := a
	b.Workers = 7
	if a.Digest() != b.Digest() {
		t.Error("the worker count changed the digest")
	}
	b.Seed++
	if a.Digest() == b.Digest() {
		t.Error("the seed did not change the digest")
	}
	back, err := Parse(strings.NewReader(string(a.YAML())), "round trip")
	if err != nil || back.Digest() != a.Digest() {
		t.Errorf("YAML round trip changed the config: %v", err)
	}
}

func TestBandOf(t *testing.T) {
	c := Default()
	for risk, want := range map[float64]string{0: "low", 0.19: "low", 0.2: "medium", 0.99: "high",
		1: "high"} {
		if got := c.BandOf(risk); got != want {
			t.Errorf("BandOf(%v) = %s, want %s", risk, got, want)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := Check(Risks, Risks); err != nil {
		t.Fatal(err)
	}
	if err := Check(Risks, Rejected); !errors.Is(err, ErrSchemaMismatch) {
		t.Errorf("different tables: %v", err)
	}
	// A Parquet round trip adds field-level metadata; it must not matter.
	fields := Risks.Fields()
	md := arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{"-1"})
	fields[0].Metadata = md
	meta := Risks.Metadata()
	if err := Check(Risks, arrow.NewSchema(fields, &meta)); err != nil {
		t.Errorf("field metadata: %v", err)
	}
	fields[0].Type = arrow.PrimitiveTypes.Int64
	if err := Check(Risks, arrow.NewSchema(fields, &meta)); !errors.Is(err, ErrSchemaMismatch) {
		t.Errorf("retyped field: %v", err)
	}
}

package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/clinfuse/clinfuse/schemas"
)

// hostile holds text an export could carry to attack a spreadsheet user.
var hostile = []string{
	`=HYPERLINK("http://example.invalid","click")`,
	"+1+1",
	"-2+3",
	"@SUM(A1:A2)",
	"\t=1+1",
	"\r=1+1",
	"=cmd|' /C calc'!A0",
	"ctrl\x00\x01\x1b[31mred\x7f\u0085end",
	"line1\nline2",
	"bad\xff\xfeutf8",
	"_x0041_ literal",
	"<b>&amp;</b>",
	strings.Repeat("long ", 8000), // 40,000 characters: over Excel's limit
}

// testRun builds a run of n patients with two targets, seeded.
func testRun(n int, seed uint64) *Run {
	rng := rand.New(rand.NewPCG(seed, 2))
	cfg := schemas.Default()
	hf := schemas.Target{Name: "heart failure", Codes: []string{"I50*"}}
	cfg.Targets = append(cfg.Targets, hf)
	r := &Run{
		ToolVersion: "0.1.0-test", Build: "go1.26.8 rev=abc123 codecs=openjpeg,charls",
		Config: cfg, Seed: cfg.Seed, ModelDigest: digestOf("model"),
		Platform: "linux/amd64 2 CPUs", ExportDir: "/nonexistent/export",
		Training: "Graph fusion over 5 folds on 2,000 patients with records, 300 with images.",
	}
	for i := range n {
		r.addPatient(rng, fmt.Sprintf("P%05d", i))
	}
	r.addInputs(rng, n)
	r.addModelFacts()
	return r
}

func digestOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

var modalities = []string{"images", "records", "variants"}

func (r *Run) addPatient(rng *rand.Rand, id string) {
	age := 20 + 70*rng.Float64()
	sex := []string{"F", "M"}[rng.IntN(2)]
	for _, t := range r.Config.Targets {
		p := rng.Float64()
		w := 0.2 * rng.Float64()
		k := Risk{PatientID: id, Target: t.Name, Risk: p, Low: math.Max(0, p-w),
			High: math.Min(1, p+w), Status: StatusUndiagnosed, Age: age, Sex: sex,
			Driver: modalities[rng.IntN(3)], Modalities: []string{"records", "images"}}
		if rng.IntN(5) == 0 {
			k.Status = StatusDiagnosed
		}
		for s := range 4 {
			k.Similar = append(k.Similar, Similar{
				PatientID:  fmt.Sprintf("R%04d", rng.IntN(9999)),
				Similarity: 0.5 + 0.1*float64(s),
				Outcome:    []string{"diagnosed", "not diagnosed"}[s%2],
			})
		}
		r.Risks = append(r.Risks, k)
		for _, m := range modalities {
			c := Contribution{id, t.Name, m, rng.NormFloat64() / 10}
			r.Contributions = append(r.Contributions, c)
		}
	}
	for _, m := range modalities {
		v := make([]float32, 4)
		for j := range v {
			v[j] = float32(rng.NormFloat64())
		}
		r.Embeddings = append(r.Embeddings, Embedding{id, m, v})
	}
	if n := len(r.Edges); n < 4*len(r.Embeddings) {
		r.Edges = append(r.Edges, Edge{id, fmt.Sprintf("P%05d", rng.IntN(100)), rng.Float64()})
	}
}

func (r *Run) addInputs(rng *rand.Rand, n int) {
	for i := range max(n/10, 3) {
		fate, reason := FateUsed, ""
		if i%7 == 3 {
			fate, reason = FateRejected, "unsupported transfer syntax JPEG-LS"
			r.Rejections = append(r.Rejections, Rejection{
				File: fmt.Sprintf("imaging/f%03d.dcm", i), Stage: "ingest", Reason: reason})
		}
		r.Inputs = append(r.Inputs, Input{Path: fmt.Sprintf("imaging/f%03d.dcm", i),
			Size: int64(1000 + rng.IntN(1000)), SHA256: digestOf(fmt.Sprint(i)), Kind: "dicom",
			Fate: fate, Reason: reason})
	}
	r.Rejections = append(r.Rejections, Rejection{File: "records/observations.csv", Line: 17,
		Stage: "ingest", Reason: "value is not a number"})
	r.Stages = []Stage{{"inventory", 10, 10, 0, 0.5}, {"ingest", 10, 9, 1, 2.25},
		{"report", 9, 9, 0, 0.1}}
	r.Limits = []string{"JPEG-LS not decoded: 1 file rejected"}
}

func (r *Run) addModelFacts() {
	for _, t := range r.Config.Targets {
		for _, head := range []string{"graph", "early", "late"} {
			r.Quality = append(r.Quality, Quality{
				Target: t.Name, Head: head, N: 500, Positives: 60,
				AUROC: Interval{0.81, 0.77, 0.85}, AUPRC: Interval{0.42, 0.35, 0.5},
				Brier: Interval{0.09, 0.08, 0.1}, ECE: Interval{0.03, 0.02, 0.05}})
		}
		for k := range 8 {
			p := (float64(k) + 0.5) / 8
			obs := p * (0.8 + 0.05*float64(k%3))
			r.Calibration = append(r.Calibration, CalPoint{t.Name, p, obs, 40})
		}
	}
	r.Completeness = []Completeness{
		{"images", 200, 60}, {"records", 200, 200}, {"variants", 200, 90},
	}
}

// withHostile puts hostile text into every field that comes from inputs.
func (r *Run) withHostile() *Run {
	for i, h := range hostile {
		k := &r.Risks[i%len(r.Risks)]
		k.PatientID = h
		k.Sex = h
		k.Similar[0].PatientID = h
		k.Similar[0].Outcome = h
		k.Status = StatusUndiagnosed
		r.Rejections = append(r.Rejections, Rejection{File: h, Stage: "ingest", Reason: h})
		r.Inputs = append(r.Inputs, Input{Path: fmt.Sprintf("other/%02d", i), SHA256: digestOf(h),
			Kind: h, Fate: FateIgnored, Reason: h})
	}
	r.Training = hostile[0]
	return r
}

func itoa(n int) string { return fmt.Sprint(n) }

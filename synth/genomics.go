package synth

import (
	"bufio"
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/biogo/hts/bgzf"
)

// gene is a gene of the synthetic panel, placed near its GRCh38 locus.
type gene struct {
	name, chrom string
	pos         int
	risk        bool
}

var genes = []gene{
	{"TCF7L2", "chr10", 112950000, true}, {"KCNJ11", "chr11", 17380000, true},
	{"PPARG", "chr3", 12290000, true}, {"SLC30A8", "chr8", 117950000, true},
	{"HNF1A", "chr12", 120970000, true}, {"GCKR", "chr2", 27500000, true},
	{"IGF2BP2", "chr3", 185640000, true}, {"CDKAL1", "chr6", 20530000, true},
	{"BRCA1", "chr17", 43050000, false}, {"BRCA2", "chr13", 32320000, false},
	{"APOE", "chr19", 44900000, false}, {"LDLR", "chr19", 11100000, false},
	{"PCSK9", "chr1", 55030000, false}, {"CFTR", "chr7", 117480000, false},
	{"MTHFR", "chr1", 11790000, false}, {"TP53", "chr17", 7670000, false},
	{"APC", "chr5", 112700000, false}, {"MLH1", "chr3", 36990000, false},
	{"MSH2", "chr2", 47400000, false}, {"ATM", "chr11", 108220000, false},
	{"CHEK2", "chr22", 28690000, false}, {"PALB2", "chr16", 23610000, false},
	{"LPL", "chr8", 19900000, false}, {"HFE", "chr6", 26090000, false},
	{"SERPINA1", "chr14", 94370000, false}, {"F5", "chr1", 169510000, false},
	{"MYH7", "chr14", 23410000, false}, {"KCNQ1", "chr11", 2440000, false},
	{"RYR1", "chr19", 38430000, false}, {"SCN5A", "chr3", 38550000, false},
	{"FBN1", "chr15", 48400000, false}, {"NF1", "chr17", 31090000, false},
}

var contigLength = map[string]int{
	"chr1": 248956422, "chr2": 242193529, "chr3": 198295559, "chr5": 181538259,
	"chr6": 170805979, "chr7": 159345973, "chr8": 145138636, "chr10": 133797422,
	"chr11": 135086622, "chr12": 133275309, "chr13": 114364328, "chr14": 107043718,
	"chr15": 101991189, "chr16": 90338345, "chr17": 83257441, "chr19": 58617616,
	"chr22": 50818468,
}

// site is one variant site.
type site struct {
	g      gene
	pos    int
	ref    string
	alts   []string
	effect []string // per alt: SnpEff annotation term
	impact []string // per alt
	freq   []float64
}

type effect struct{ term, impact string }

var (
	riskEffects = []effect{{"missense_variant", "MODERATE"}, {"missense_variant", "MODERATE"},
		{"stop_gained", "HIGH"}}
	backgroundEffects = []effect{{"missense_variant", "MODERATE"}, {"synonymous_variant", "LOW"},
		{"synonymous_variant", "LOW"}, {"frameshift_variant", "HIGH"},
		{"intron_variant", "MODIFIER"}}
)

func makeSites(rng *rand.Rand) []site {
	var out []site
	for _, g := range genes {
		n, effs := 6, backgroundEffects
		if g.risk {
			n, effs = 2, riskEffects
		}
		for k := range n {
			s := site{g: g, pos: g.pos + 1000*k + rng.IntN(900), ref: base(rng, "")}
			alts := 1
			if !g.risk && rng.Float64() < 0.08 {
				alts = 2
			}
			for range alts {
				e := effs[rng.IntN(len(effs))]
				s.alts = append(s.alts, base(rng, s.ref+strings.Join(s.alts, "")))
				s.effect = append(s.effect, e.term)
				s.impact = append(s.impact, e.impact)
				s.freq = append(s.freq, 0.02+0.2*rng.Float64())
			}
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b site) int {
		return cmp.Or(cmp.Compare(chromRank(a.g.chrom), chromRank(b.g.chrom)),
			cmp.Compare(a.pos, b.pos))
	})
	return out
}

func chromRank(c string) int {
	var n int
	fmt.Sscanf(c, "chr%d", &n)
	return n
}

func base(rng *rand.Rand, avoid string) string {
	for {
		b := string("ACGT"[rng.IntN(4)])
		if !strings.Contains(avoid, b) {
			return b
		}
	}
}

// carrier is one sample column of the VCF.
type carrier struct {
	sample string
	p      *patient // nil for samples that link to no patient
}

func writeGenomics(dir string, pats []*patient, rng *rand.Rand) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	sites := makeSites(rng)
	var cols []carrier
	for _, p := range pats {
		if p.genomics {
			cols = append(cols, carrier{p.sample, p})
		}
	}
	for i := range 2 {
		cols = append(cols, carrier{sample: fmt.Sprintf("CTRL-%02d", i+1)})
	}
	slices.SortFunc(cols, func(a, b carrier) int { return cmp.Compare(a.sample, b.sample) })
	if err := writeSampleMap(filepath.Join(dir, "samples.tsv"), cols); err != nil {
		return err
	}
	return writeVCF(filepath.Join(dir, "cohort.vcf.gz"), sites, cols, rng)
}

func writeSampleMap(path string, cols []carrier) error {
	var b strings.Builder
	b.WriteString("sample_id\tpatient_id\n")
	for _, c := range cols {
		if c.p != nil {
			fmt.Fprintf(&b, "%s\t%s\n", c.sample, c.p.id)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

func writeVCF(path string, sites []site, cols []carrier, rng *rand.Rand) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	bg := bgzf.NewWriter(f, 1)
	w := bufio.NewWriter(bg)
	writeVCFHeader(w, sites, cols)
	for _, s := range sites {
		writeSite(w, s, cols, rng)
	}
	err = w.Flush()
	if cerr := bg.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("synth: writing %s: %w", filepath.Base(path), err)
	}
	return nil
}

func writeVCFHeader(w *bufio.Writer, sites []site, cols []carrier) {
	w.WriteString("##fileformat=VCFv4.2\n##source=clinfuse-synth\n##reference=GRCh38\n")
	seen := map[string]bool{}
	for _, s := range sites {
		if !seen[s.g.chrom] {
			seen[s.g.chrom] = true
			fmt.Fprintf(w, "##contig=<ID=%s,length=%d>\n", s.g.chrom, contigLength[s.g.chrom])
		}
	}
	w.WriteString("##FILTER=<ID=LowQual,Description=\"Low quality\">\n")
	w.WriteString("##INFO=<ID=AC,Number=A,Type=Integer,Description=\"Allele count\">\n")
	w.WriteString("##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: " +
		"'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | " +
		"Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | " +
		"CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO' \">\n")
	w.WriteString("##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n")
	w.WriteString("##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Read depth\">\n")
	w.WriteString("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT")
	for _, c := range cols {
		w.WriteString("\t" + c.sample)
	}
	w.WriteString("\n")
}

// writeSite draws every sample's genotype at s and writes the VCF line.
func writeSite(w *bufio.Writer, s site, cols []carrier, rng *rand.Rand) {
	gts := make([]string, len(cols))
	ac := make([]int, len(s.alts))
	for i, c := range cols {
		a, b := drawAllele(s, c.p, rng), drawAllele(s, c.p, rng)
		if rng.Float64() < 0.01 {
			gts[i] = "./.:0"
			continue
		}
		for _, x := range []int{a, b} {
			if x > 0 {
				ac[x-1]++
			}
		}
		gts[i] = fmt.Sprintf("%d/%d:%d", min(a, b), max(a, b), 20+rng.IntN(40))
	}
	filter := "PASS"
	if rng.Float64() < 0.05 {
		filter = "LowQual"
	}
	acs := make([]string, len(ac))
	anns := make([]string, len(s.alts))
	for i, alt := range s.alts {
		acs[i] = fmt.Sprint(ac[i])
		anns[i] = fmt.Sprintf("%s|%s|%s|%s|%s|transcript|ENST%011d|protein_coding|1/1|"+
			"c.%d%s>%s|||||", alt, s.effect[i], s.impact[i], s.g.name, s.g.name, s.pos%1e9,
			s.pos%997, s.ref, alt)
	}
	fmt.Fprintf(w, "%s\t%d\t.\t%s\t%s\t%d\t%s\tAC=%s;ANN=%s\tGT:DP", s.g.chrom, s.pos, s.ref,
		strings.Join(s.alts, ","), 40+rng.IntN(60), filter, strings.Join(acs, ","),
		strings.Join(anns, ","))
	for _, g := range gts {
		w.WriteString("\t" + g)
	}
	w.WriteString("\n")
}

// drawAllele draws one allele (0 = reference) for a carrier. At risk-gene
// sites the chance of the alternate allele rises with the genomic factor.
func drawAllele(s site, p *patient, rng *rand.Rand) int {
	u := rng.Float64()
	for i, f := range s.freq {
		if s.g.risk && p != nil {
			f = sigmoid(math.Log(f/(1-f)) + 1.0*p.zGen)
		}
		if u < f {
			return i + 1
		}
		u -= f
	}
	return 0
}

func writeTruth(path string, pats []*patient) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	var b strings.Builder
	b.WriteString("patient_id\tdiseased\tdiagnosed\timaging\tgenomics\t" +
		"z_imaging\tz_records\tz_genomics\n")
	sorted := slices.Clone(pats)
	slices.SortFunc(sorted, func(a, b *patient) int { return cmp.Compare(a.id, b.id) })
	for _, p := range sorted {
		fmt.Fprintf(&b, "%s\t%d\t%d\t%d\t%d\t%.4f\t%.4f\t%.4f\n", p.id, b2i(p.diseased),
			b2i(p.diagnosed), b2i(p.imaging), b2i(p.genomics), p.zImg, p.zLab, p.zGen)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

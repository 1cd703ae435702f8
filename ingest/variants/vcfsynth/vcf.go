package vcfsynth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// Config sizes a synthetic VCF.
type Config struct {
	Records int    // data lines
	Samples int    // sample columns
	Seed    uint64 // PCG seed
}

var bases = []byte("ACGT")

// effects are (annotation, impact, gene) triples drawn for ANN entries.
var effects = [][3]string{
	{"missense_variant", "MODERATE", "BRCA2"},
	{"synonymous_variant", "LOW", "TP53"},
	{"intron_variant", "MODIFIER", "APOE"},
	{"stop_gained", "HIGH", "LDLR"},
	{"upstream_gene_variant", "MODIFIER", "PCSK9"},
	{"splice_region_variant&intron_variant", "LOW", "TCF7L2"},
	{"frameshift_variant", "HIGH", "KCNJ11"},
	{"3_prime_UTR_variant", "MODIFIER", "PPARG"},
}

// Write writes the VCF text described by c to w (uncompressed; wrap w in a
// BGZFWriter for a .vcf.gz).
func Write(w io.Writer, c Config) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	rng := rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15))
	writeHeader(bw, c.Samples)
	g := generator{rng: rng, samples: c.Samples}
	perChrom := max(1, (c.Records+21)/22)
	for i := range c.Records {
		chrom := min(22, 1+i/perChrom)
		if i%perChrom == 0 {
			g.pos = 10000
		}
		g.line(bw, chrom)
	}
	return bw.Flush()
}

func writeHeader(w *bufio.Writer, samples int) {
	w.WriteString("##fileformat=VCFv4.2\n##source=clinfuse-vcfsynth\n")
	for c := 1; c <= 22; c++ {
		fmt.Fprintf(w, "##contig=<ID=chr%d,length=250000000>\n", c)
	}
	w.WriteString("##INFO=<ID=DP,Number=1,Type=Integer,Description=\"Total depth\">\n" +
		"##INFO=<ID=AF,Number=A,Type=Float,Description=\"Allele frequency\">\n" +
		"##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: " +
		"'Allele | Annotation | Annotation_Impact | Gene_Name | Gene_ID | Feature_Type | " +
		"Feature_ID | Transcript_BioType | Rank | HGVS.c | HGVS.p | cDNA.pos / cDNA.length | " +
		"CDS.pos / CDS.length | AA.pos / AA.length | Distance | ERRORS / WARNINGS / INFO' \">\n" +
		"##FILTER=<ID=LowQual,Description=\"Low quality\">\n" +
		"##FORMAT=<ID=GT,Number=1,Type=String,Description=\"Genotype\">\n" +
		"##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"Read depth\">\n" +
		"##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"Genotype quality\">\n" +
		"##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"Allelic depths\">\n" +
		"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT")
	for s := 1; s <= samples; s++ {
		fmt.Fprintf(w, "\tSAMPLE%02d", s)
	}
	w.WriteByte('\n')
}

// generator draws one data line at a time.
type generator struct {
	rng     *rand.Rand
	samples int
	pos     int
	num     []byte
}

func (g *generator) line(w *bufio.Writer, chrom int) {
	g.pos += 1 + g.rng.IntN(2000)
	ref := bases[g.rng.IntN(4)]
	alts := g.alts(ref)
	af := 0.01 + 0.49*g.rng.Float64()
	fmt.Fprintf(w, "chr%d\t%d\t.\t%c\t%s\t%.1f\t",
		chrom, g.pos, ref, joinAlts(alts), 10+990*g.rng.Float64())
	if g.rng.IntN(10) == 0 {
		w.WriteString("LowQual")
	} else {
		w.WriteString("PASS")
	}
	fmt.Fprintf(w, "\tDP=%d;AF=%.3f;ANN=", 10*g.samples+g.rng.IntN(500), af)
	for i, a := range alts {
		if i > 0 {
			w.WriteByte(',')
		}
		e := effects[g.rng.IntN(len(effects))]
		fmt.Fprintf(w, "%s|%s|%s|%s|ENSG%011d|transcript|ENST%011d|protein_coding|%d/9|||||||",
			a, e[0], e[1], e[2], g.rng.IntN(1e6), g.rng.IntN(1e6), 1+g.rng.IntN(9))
	}
	w.WriteString("\tGT:DP:GQ:AD")
	for range g.samples {
		g.genotype(w, af, len(alts))
	}
	w.WriteByte('\n')
}

// alts draws one SNV (most sites), an indel, or two alternate alleles.
func (g *generator) alts(ref byte) []string {
	other := func() byte {
		for {
			if b := bases[g.rng.IntN(4)]; b != ref {
				return b
			}
		}
	}
	switch r := g.rng.IntN(100); {
	case r < 5:
		return []string{string(ref) + string(other()) + string(bases[g.rng.IntN(4)])}
	case r < 10:
		a := other()
		b := other()
		if a == b {
			return []string{string(a)}
		}
		return []string{string(a), string(b)}
	default:
		return []string{string(other())}
	}
}

func joinAlts(alts []string) string {
	if len(alts) == 1 {
		return alts[0]
	}
	return alts[0] + "," + alts[1]
}

// genotype writes one sample column under Hardy-Weinberg proportions.
func (g *generator) genotype(w *bufio.Writer, af float64, nalt int) {
	if g.rng.IntN(50) == 0 {
		w.WriteString("\t./.:.:.:.")
		return
	}
	a, b := g.draw(af, nalt), g.draw(af, nalt)
	if a > b {
		a, b = b, a
	}
	dp := 5 + g.rng.IntN(60)
	alt := 0
	if b > 0 {
		alt = dp / (1 + g.rng.IntN(3))
	}
	g.num = g.num[:0]
	g.num = append(g.num, '\t')
	g.num = strconv.AppendInt(g.num, int64(a), 10)
	g.num = append(g.num, '/')
	g.num = strconv.AppendInt(g.num, int64(b), 10)
	g.num = append(g.num, ':')
	g.num = strconv.AppendInt(g.num, int64(dp), 10)
	g.num = append(g.num, ':')
	g.num = strconv.AppendInt(g.num, int64(10+g.rng.IntN(90)), 10)
	g.num = append(g.num, ':')
	g.num = strconv.AppendInt(g.num, int64(dp-alt), 10)
	g.num = append(g.num, ',')
	g.num = strconv.AppendInt(g.num, int64(alt), 10)
	for range nalt - 1 {
		g.num = append(g.num, ",0"...)
	}
	w.Write(g.num)
}

// draw picks one allele: alternate with probability af, split evenly
// among the alternates.
func (g *generator) draw(af float64, nalt int) int {
	if g.rng.Float64() >= af {
		return 0
	}
	return 1 + g.rng.IntN(nalt)
}

package features

import (
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"

	"github.com/clinfuse/clinfuse/schemas"
)

// MarkGenomic records that a genomic sample links to the patient, so that a
// patient whose sample carries no variant call gets a row of zero burdens
// rather than a missing variant modality.
func (b *Builder) MarkGenomic(patientID string) error {
	if b.err != nil {
		return b.err
	}
	if b.done {
		return fmt.Errorf("%w: MarkGenomic after Finish", ErrOrder)
	}
	b.get(patientID).genomic = true
	return nil
}

// AddVariantCalls adds a batch of schemas.VariantCalls rows. Rows with a
// null patient_id are ignored (the ingest stage counts them as unlinked).
func (b *Builder) AddVariantCalls(rec arrow.Record) error {
	if err := b.check(schemas.VariantCalls, rec); err != nil {
		return err
	}
	b.freeze()
	ids := column[*array.String](rec, "patient_id")
	genes := column[*array.String](rec, "gene")
	impacts := column[*array.String](rec, "impact")
	zyg := column[*array.String](rec, "zygosity")
	pass := column[*array.Boolean](rec, "filter_pass")
	for i := 0; i < int(rec.NumRows()); i++ {
		if ids.IsNull(i) {
			continue
		}
		p := b.get(ids.Value(i))
		p.seen.VariantCalls++
		p.genomic = true
		if b.cfg.Genomics.PassOnly && !pass.Value(i) {
			continue
		}
		k := b.burdenSlot(optString(impacts, i), zyg.Value(i))
		if k >= 0 {
			b.addBurden(p, optString(genes, i), k)
		}
	}
	return nil
}

// burdenSlot returns the index of impact x zygosity in a patient's counts,
// -1 for an impact that is not counted.
func (b *Builder) burdenSlot(impact, zygosity string) int {
	for i, imp := range b.impacts {
		if imp == impact {
			if zygosity == "hom_alt" || zygosity == "hemi" {
				return 2*i + 1
			}
			return 2 * i
		}
	}
	return -1
}

// addBurden counts one qualifying allele in the gene (if any) and in the
// total.
func (b *Builder) addBurden(p *patient, gene string, k int) {
	n := 2 * len(b.impacts)
	if p.total == nil {
		p.total = make([]int32, n)
	}
	p.total[k]++
	if gene == "" {
		return
	}
	g := b.genes.id(gene)
	if p.burden == nil {
		p.burden = map[int32][]int32{}
	}
	c := p.burden[g]
	if c == nil {
		c = make([]int32, n)
		p.burden[g] = c
	}
	c[k]++
}

// genePanel returns the configured genes, the spec's, or the genes with
// qualifying alleles in the most patients (ties by name).
func (b *Builder) genePanel(ids []string) []string {
	switch {
	case b.spec != nil:
		return b.spec.Genes
	case len(b.cfg.Genomics.Genes) > 0:
		return b.cfg.Genomics.Genes
	}
	count := make([]int, len(b.genes.keys))
	for _, id := range ids {
		for g := range b.pats[id].burden {
			count[g]++
		}
	}
	most := b.cfg.Genomics.MaxGenes
	if most <= 0 {
		most = DefaultMaxGenes
	}
	var panel []string
	for _, g := range rank(count, func(g int) string { return b.genes.keys[g] }, 1, most) {
		panel = append(panel, b.genes.keys[g])
	}
	return panel
}

// variantNames lists the variant feature names for a panel.
func (b *Builder) variantNames(panel []string) []string {
	var names []string
	for _, imp := range b.impacts {
		names = append(names, "burden:"+imp+":het", "burden:"+imp+":hom")
	}
	for _, g := range panel {
		for _, imp := range b.impacts {
			names = append(names, fmt.Sprintf("gene:%s:%s:het", g, imp),
				fmt.Sprintf("gene:%s:%s:hom", g, imp))
		}
	}
	return names
}

// variantRow is a patient's variant features, nil without genomic data.
func (b *Builder) variantRow(p *patient, panel []string, width int) []float64 {
	if !p.genomic {
		return nil
	}
	row := make([]float64, 0, width)
	n := 2 * len(b.impacts)
	row = appendCounts(row, p.total, n)
	for _, g := range panel {
		var c []int32
		if id, ok := b.genes.ids[g]; ok {
			c = p.burden[id]
		}
		row = appendCounts(row, c, n)
	}
	return row
}

// appendCounts appends n counts, zeros when c is nil.
func appendCounts(row []float64, c []int32, n int) []float64 {
	for k := range n {
		v := 0.0
		if c != nil {
			v = float64(c[k])
		}
		row = append(row, v)
	}
	return row
}

package variants

// impact is a putative impact class, ordered so that a larger value is more
// severe; impactNone means "not annotated".
type impact uint8

const (
	impactNone impact = iota
	impactModifier
	impactLow
	impactModerate
	impactHigh
)

var impactNames = [...]string{"", "MODIFIER", "LOW", "MODERATE", "HIGH"}

func (i impact) String() string { return impactNames[i] }

// parseImpact reads an impact class as written by SnpEff or VEP.
func parseImpact(b []byte) impact {
	return impactByName[string(b)]
}

var impactByName = map[string]impact{
	"HIGH": impactHigh, "MODERATE": impactModerate, "LOW": impactLow, "MODIFIER": impactModifier,
}

// term is a Sequence Ontology consequence term with its place in the
// severity order (0 is most severe) and its default impact.
type term struct {
	name   string
	rank   int
	impact impact
}

// unknownRank places terms missing from the table after every known one.
const unknownRank = 1 << 20

// severity lists Sequence Ontology consequence terms from most to least
// severe, with the impact class Ensembl VEP assigns to each; the terms only
// SnpEff writes are slotted in beside their closest VEP equivalent.
var severity = []struct {
	name   string
	impact impact
}{
	{"chromosome_number_variation", impactHigh},
	{"exon_loss_variant", impactHigh},
	{"transcript_ablation", impactHigh},
	{"gene_fusion", impactHigh},
	{"bidirectional_gene_fusion", impactHigh},
	{"splice_acceptor_variant", impactHigh},
	{"splice_donor_variant", impactHigh},
	{"splice_site_variant", impactHigh},
	{"stop_gained", impactHigh},
	{"frameshift_variant", impactHigh},
	{"stop_lost", impactHigh},
	{"start_lost", impactHigh},
	{"rare_amino_acid_variant", impactHigh},
	{"transcript_amplification", impactHigh},
	{"feature_elongation", impactHigh},
	{"feature_truncation", impactHigh},
	{"protein_protein_contact", impactHigh},
	{"structural_interaction_variant", impactHigh},
	{"inframe_insertion", impactModerate},
	{"disruptive_inframe_insertion", impactModerate},
	{"conservative_inframe_insertion", impactModerate},
	{"inframe_deletion", impactModerate},
	{"disruptive_inframe_deletion", impactModerate},
	{"conservative_inframe_deletion", impactModerate},
	{"missense_variant", impactModerate},
	{"protein_altering_variant", impactModerate},
	{"regulatory_region_ablation", impactModerate},
	{"3_prime_UTR_truncation", impactModerate},
	{"5_prime_UTR_truncation", impactModerate},
	{"splice_donor_5th_base_variant", impactLow},
	{"splice_region_variant", impactLow},
	{"splice_donor_region_variant", impactLow},
	{"splice_polypyrimidine_tract_variant", impactLow},
	{"incomplete_terminal_codon_variant", impactLow},
	{"initiator_codon_variant", impactLow},
	{"start_retained_variant", impactLow},
	{"stop_retained_variant", impactLow},
	{"synonymous_variant", impactLow},
	{"5_prime_UTR_premature_start_codon_gain_variant", impactLow},
	{"sequence_feature", impactLow},
	{"coding_sequence_variant", impactModifier},
	{"mature_miRNA_variant", impactModifier},
	{"miRNA", impactModifier},
	{"5_prime_UTR_variant", impactModifier},
	{"3_prime_UTR_variant", impactModifier},
	{"exon_variant", impactModifier},
	{"non_coding_transcript_exon_variant", impactModifier},
	{"non_coding_exon_variant", impactModifier},
	{"intron_variant", impactModifier},
	{"conserved_intron_variant", impactModifier},
	{"NMD_transcript_variant", impactModifier},
	{"non_coding_transcript_variant", impactModifier},
	{"coding_transcript_variant", impactModifier},
	{"gene_variant", impactModifier},
	{"intragenic_variant", impactModifier},
	{"upstream_gene_variant", impactModifier},
	{"downstream_gene_variant", impactModifier},
	{"TFBS_ablation", impactModifier},
	{"TFBS_amplification", impactModifier},
	{"TF_binding_site_variant", impactModifier},
	{"regulatory_region_amplification", impactModifier},
	{"regulatory_region_variant", impactModifier},
	{"feature_variant", impactModifier},
	{"conserved_intergenic_variant", impactModifier},
	{"intergenic_variant", impactModifier},
	{"intergenic_region", impactModifier},
	{"sequence_variant", impactModifier},
}

// terms indexes severity by name.
var terms = func() map[string]term {
	m := make(map[string]term, len(severity))
	for i, s := range severity {
		m[s.name] = term{name: s.name, rank: i, impact: s.impact}
	}
	return m
}()

// lookupTerm finds a consequence term; an unknown term keeps its text, ranks
// last and has no impact of its own.
func lookupTerm(b []byte) term {
	if t, ok := terms[string(b)]; ok {
		return t
	}
	return term{name: string(b), rank: unknownRank}
}

// aliasTerm maps a term of another vocabulary to the table's term.
func aliasTerm(aliases map[string]string, b []byte) term {
	if so, ok := aliases[string(b)]; ok {
		return terms[so]
	}
	if t, ok := terms[string(b)]; ok {
		return t
	}
	return term{name: string(b), rank: unknownRank}
}

// worstTerm returns the most severe of the '&'-joined terms in b.
func worstTerm(b []byte, aliases map[string]string) term {
	best := term{rank: unknownRank + 1}
	for len(b) > 0 {
		var part []byte
		part, b = nextField(b, '&')
		if t := aliasTerm(aliases, part); len(part) > 0 && t.rank < best.rank {
			best = t
		}
	}
	if best.rank > unknownRank {
		return term{rank: unknownRank}
	}
	return best
}

// effTerms maps the effect names of SnpEff's legacy EFF field to SO terms.
var effTerms = map[string]string{
	"CHROMOSOME_LARGE_DELETION":              "chromosome_number_variation",
	"EXON_DELETED":                           "exon_loss_variant",
	"FRAME_SHIFT":                            "frameshift_variant",
	"STOP_GAINED":                            "stop_gained",
	"STOP_LOST":                              "stop_lost",
	"START_LOST":                             "start_lost",
	"SPLICE_SITE_ACCEPTOR":                   "splice_acceptor_variant",
	"SPLICE_SITE_DONOR":                      "splice_donor_variant",
	"RARE_AMINO_ACID":                        "rare_amino_acid_variant",
	"NON_SYNONYMOUS_CODING":                  "missense_variant",
	"CODON_INSERTION":                        "inframe_insertion",
	"CODON_CHANGE_PLUS_CODON_INSERTION":      "disruptive_inframe_insertion",
	"CODON_DELETION":                         "inframe_deletion",
	"CODON_CHANGE_PLUS_CODON_DELETION":       "disruptive_inframe_deletion",
	"UTR_5_DELETED":                          "5_prime_UTR_truncation",
	"UTR_3_DELETED":                          "3_prime_UTR_truncation",
	"SPLICE_SITE_REGION":                     "splice_region_variant",
	"SPLICE_SITE_BRANCH":                     "splice_region_variant",
	"SYNONYMOUS_START":                       "start_retained_variant",
	"NON_SYNONYMOUS_START":                   "initiator_codon_variant",
	"SYNONYMOUS_STOP":                        "stop_retained_variant",
	"NON_SYNONYMOUS_STOP":                    "stop_retained_variant",
	"SYNONYMOUS_CODING":                      "synonymous_variant",
	"START_GAINED":                           "5_prime_UTR_premature_start_codon_gain_variant",
	"CODON_CHANGE":                           "coding_sequence_variant",
	"UTR_5_PRIME":                            "5_prime_UTR_variant",
	"UTR_3_PRIME":                            "3_prime_UTR_variant",
	"EXON":                                   "non_coding_transcript_exon_variant",
	"INTRON":                                 "intron_variant",
	"INTRON_CONSERVED":                       "conserved_intron_variant",
	"TRANSCRIPT":                             "non_coding_transcript_variant",
	"GENE":                                   "gene_variant",
	"UPSTREAM":                               "upstream_gene_variant",
	"DOWNSTREAM":                             "downstream_gene_variant",
	"REGULATION":                             "regulatory_region_variant",
	"MOTIF":                                  "TF_binding_site_variant",
	"MICRO_RNA":                              "miRNA",
	"INTERGENIC":                             "intergenic_region",
	"INTERGENIC_CONSERVED":                   "conserved_intergenic_variant",
	"CDS":                                    "coding_sequence_variant",
	"SEQUENCE_FEATURE":                       "sequence_feature",
	"PROTEIN_PROTEIN_INTERACTION_LOCUS":      "protein_protein_contact",
	"PROTEIN_STRUCTURAL_INTERACTION_LOCUS":   "structural_interaction_variant",
	"SPLICE_SITE_ACCEPTOR+SPLICE_SITE_DONOR": "splice_acceptor_variant",
}

// bcsqTerms maps bcftools csq consequence names to SO terms.
var bcsqTerms = map[string]string{
	"intergenic":         "intergenic_variant",
	"intron":             "intron_variant",
	"non_coding":         "non_coding_transcript_exon_variant",
	"5_prime_utr":        "5_prime_UTR_variant",
	"3_prime_utr":        "3_prime_UTR_variant",
	"coding_sequence":    "coding_sequence_variant",
	"splice_region":      "splice_region_variant",
	"synonymous":         "synonymous_variant",
	"stop_retained":      "stop_retained_variant",
	"start_retained":     "start_retained_variant",
	"missense":           "missense_variant",
	"inframe_altering":   "protein_altering_variant",
	"inframe_deletion":   "inframe_deletion",
	"inframe_insertion":  "inframe_insertion",
	"splice_acceptor":    "splice_acceptor_variant",
	"splice_donor":       "splice_donor_variant",
	"stop_gained":        "stop_gained",
	"stop_lost":          "stop_lost",
	"start_lost":         "start_lost",
	"frameshift":         "frameshift_variant",
	"feature_elongation": "feature_elongation",
}

// mafTerms maps MAF Variant_Classification values (GDC, Oncotator) and
// ANNOVAR ExonicFunc/Func values to SO terms.
var mafTerms = map[string]string{
	"Frame_Shift_Del":          "frameshift_variant",
	"Frame_Shift_Ins":          "frameshift_variant",
	"In_Frame_Del":             "inframe_deletion",
	"In_Frame_Ins":             "inframe_insertion",
	"Missense_Mutation":        "missense_variant",
	"Nonsense_Mutation":        "stop_gained",
	"Nonstop_Mutation":         "stop_lost",
	"Silent":                   "synonymous_variant",
	"Splice_Site":              "splice_site_variant",
	"Splice_Region":            "splice_region_variant",
	"Translation_Start_Site":   "start_lost",
	"Start_Codon_SNP":          "start_lost",
	"Start_Codon_Del":          "start_lost",
	"Start_Codon_Ins":          "start_lost",
	"Stop_Codon_Del":           "stop_lost",
	"Stop_Codon_Ins":           "stop_lost",
	"De_novo_Start_InFrame":    "5_prime_UTR_premature_start_codon_gain_variant",
	"De_novo_Start_OutOfFrame": "5_prime_UTR_premature_start_codon_gain_variant",
	"3'UTR":                    "3_prime_UTR_variant",
	"5'UTR":                    "5_prime_UTR_variant",
	"3'Flank":                  "downstream_gene_variant",
	"5'Flank":                  "upstream_gene_variant",
	"Intron":                   "intron_variant",
	"IGR":                      "intergenic_variant",
	"RNA":                      "non_coding_transcript_exon_variant",
	"lincRNA":                  "non_coding_transcript_exon_variant",
	"Targeted_Region":          "sequence_variant",

	"nonsynonymous SNV":          "missense_variant",
	"synonymous SNV":             "synonymous_variant",
	"stopgain":                   "stop_gained",
	"stoploss":                   "stop_lost",
	"startloss":                  "start_lost",
	"frameshift deletion":        "frameshift_variant",
	"frameshift insertion":       "frameshift_variant",
	"frameshift substitution":    "frameshift_variant",
	"nonframeshift deletion":     "inframe_deletion",
	"nonframeshift insertion":    "inframe_insertion",
	"nonframeshift substitution": "protein_altering_variant",
	"exonic":                     "coding_sequence_variant",
	"splicing":                   "splice_site_variant",
	"ncRNA_exonic":               "non_coding_transcript_exon_variant",
	"ncRNA_splicing":             "splice_region_variant",
	"ncRNA_intronic":             "intron_variant",
	"UTR5":                       "5_prime_UTR_variant",
	"UTR3":                       "3_prime_UTR_variant",
	"intronic":                   "intron_variant",
	"upstream":                   "upstream_gene_variant",
	"downstream":                 "downstream_gene_variant",
	"intergenic":                 "intergenic_variant",
}

// Package features turns ingested records and variant calls into
// per-patient feature matrices and labels (stage 3 of the design).
//
// A Builder takes Arrow batches of the schemas in package schemas and keeps
// per-patient summaries only, so its memory grows with patients (and their
// distinct condition codes and mutated genes), not with rows. The order of
// calls matters: every AddConditions must come before the first
// AddObservations or AddVariantCalls (later ones fail with ErrOrder),
// because a diagnosed patient's observations are cut at the target's onset,
// which is known only once all conditions are in. AddPatients may come at
// any time before Finish. A Builder is not safe for concurrent use.
//
// # Time
//
// AsOf is the configured as_of date, else the latest date seen (condition
// starts, observation times, birth and death dates), as a UTC day. Data dated after
// the end of the AsOf day is ignored everywhere, including labels.
//
// # Labels
//
// A patient is diagnosed with a target when a condition code matches the
// target (schemas.Target.Matches, any coding system) and starts on or
// before AsOf; the onset is the earliest such start.
//
// # Records features (one matrix per target)
//
// Each patient's records features are frozen at a cut-off: the target's
// onset for diagnosed patients (data at or after the onset is not used),
// else the end of the AsOf day. Columns, in order:
//
//	age_years, age_missing          age at the cut-off (or at death, when earlier)
//	sex_female, sex_male, sex_other, sex_missing
//	lab:NAME:latest                 latest value before the cut-off
//	lab:NAME:trend_per_year         least-squares slope over the latest
//	                                Spec.TrendWindow values, per year
//	lab:NAME:count                  number of values before the cut-off
//	lab:NAME:years_since_latest     years from the latest value to the cut-off
//	lab:NAME:missing                1 when there is no value
//	lab:NAME:trend_missing          1 when fewer than two distinct times
//	conditions:count                distinct condition codes before the cut-off
//	condition:SYSTEM|CODE           1 when the condition started before the cut-off
//
// for every configured lab (matched on its LOINC code, in the LOINC system)
// and every code of the condition vocabulary. Codes that match the target
// are left out of that target's matrix and its conditions:count. Values
// are raw, not normalised; a missing value is 0 with its indicator set.
// Lab values are used in the unit they were recorded in: an export that
// mixes units for one lab mixes them in the features too.
//
// The condition vocabulary is, unless frozen in a Spec, the codes seen in at
// least MinConditionPatients patients, most frequent first (ties by system
// and code), at most MaxConditions. Coding systems are compared by their
// short names: http://snomed.info/sct is SNOMED-CT, the ICD-10(-CM) URIs are
// ICD-10 and ICD-10-CM.
//
// # Training features and index dates
//
// Set.Records is for scoring. Set.Training holds the same columns for
// training, with one difference: an undiagnosed patient's row stops at an
// index date instead of AsOf. The index date is the onset of a diagnosed
// patient drawn by a hash of the seed, the target and the patient's id, so
// that the undiagnosed patients' windows end at dates distributed as the
// diagnosed patients' onsets (index-date matching, as in case-control
// studies). Without it a model learns how much history each label has
// (counts, recency and missingness, since diagnosed patients' data stops at
// onset) rather than the disease. With no diagnosed patient the index date
// is AsOf.
//
// # Variant features
//
// Genomic data carries no dates, so no cut-off applies. Columns, in order,
// for each impact I of the configured impacts (all four when none):
//
//	burden:I:het, burden:I:hom      qualifying alleles in any gene
//	gene:G:I:het, gene:G:I:hom      the same for each panel gene G
//
// A qualifying allele is a variant call linked to the patient, with impact
// I, passing the filter when pass_only is set. hom counts hom_alt and hemi
// calls; het counts het and unknown zygosity (MAF rows carry no genotype).
// The gene panel is the configured genes, else the genes carrying qualifying
// alleles in the most patients (ties by name), at most max_genes. A patient
// with neither a linked variant call nor a linked sample (MarkGenomic) has a
// nil variant row; one whose sample carries no call has a row of zeros.
//
// # Determinism
//
// Patients are ordered by id; every vocabulary is ordered by count and then
// name; floating-point sums run over values sorted by time and value. The
// result does not depend on the order of the batches.
package features

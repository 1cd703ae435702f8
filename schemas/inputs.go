package schemas

import "github.com/apache/arrow/go/v17/arrow"

// Inventory lists every file of an export: one row per file, in path order.
//
//	path     slash-separated path relative to the export root
//	size     bytes
//	sha256   hex digest of the file's bytes
//	kind     what sniffing the content found: dicom, dicomdir, records,
//	         variants, sample_map, unknown
//	part     the top-level folder (imaging, records, genomics) or "other"
var Inventory = newSchema("inventory", 1,
	field("path", str, false),
	field("size", i64, false),
	field("sha256", str, false),
	field("kind", str, false),
	field("part", str, false),
)

// Images holds one row per image slice kept for the model, after rescale to
// physical units, windowing and resampling to the model grid.
//
//	source      export-relative path of the DICOM file
//	patient_id  PatientID (0010,0020)
//	study_uid   StudyInstanceUID
//	series_uid  SeriesInstanceUID
//	sop_uid     SOPInstanceUID
//	modality    Modality (0008,0060)
//	frame       zero-based frame number within the file
//	position    position along the slice normal in mm; null when the file
//	            carries no geometry
//	grid_rows   rows of the resampled grid
//	grid_cols   columns of the resampled grid
//	pixels      grid_rows*grid_cols windowed values in [0,1], row-major
var Images = newSchema("images", 1,
	field("source", str, false),
	field("patient_id", str, false),
	field("study_uid", str, false),
	field("series_uid", str, false),
	field("sop_uid", str, false),
	field("modality", str, false),
	field("frame", i32, false),
	field("position", f64, true),
	field("grid_rows", i32, false),
	field("grid_cols", i32, false),
	field("pixels", arrow.ListOf(f32), false),
)

// Patients holds one row per patient of the records part.
//
//	patient_id  the export's patient identifier
//	birth_date  date of birth
//	death_date  date of death; null while alive
//	sex         F, M, O (other) or U (unknown)
//	race        as exported, null when absent
//	ethnicity   as exported, null when absent
//	site        the care site or area the export names (Synthea: county),
//	            null when absent; used for phenotype agreement in the graph
//	source      export-relative path of the file the row came from
var Patients = newSchema("patients", 1,
	field("patient_id", str, false),
	field("birth_date", date32, true),
	field("death_date", date32, true),
	field("sex", str, false),
	field("race", str, true),
	field("ethnicity", str, true),
	field("site", str, true),
	field("source", str, false),
)

// Conditions holds one row per recorded condition (diagnosis).
//
//	patient_id  patient identifier
//	start       onset (FHIR onset or recordedDate; Synthea START)
//	stop        abatement, null while active
//	system      coding system (SNOMED-CT, ICD-10-CM, or the FHIR system URI)
//	code        the code as written
//	description display text, null when absent
//	source      export-relative path
var Conditions = newSchema("conditions", 1,
	field("patient_id", str, false),
	field("start", tsUTC, false),
	field("stop", tsUTC, true),
	field("system", str, false),
	field("code", str, false),
	field("description", str, true),
	field("source", str, false),
)

// Observations holds one row per observation (lab, vital sign, survey item).
//
//	patient_id  patient identifier
//	time        effective instant
//	category    laboratory, vital-signs, … ; null when the export has none
//	system      coding system (LOINC as "http://loinc.org")
//	code        the code as written
//	description display text, null when absent
//	value       numeric value, null for text values
//	value_text  text value, null for numeric values
//	unit        unit as written (UCUM where the export uses it), null if none
//	source      export-relative path
var Observations = newSchema("observations", 1,
	field("patient_id", str, false),
	field("time", tsUTC, false),
	field("category", str, true),
	field("system", str, false),
	field("code", str, false),
	field("description", str, true),
	field("value", f64, true),
	field("value_text", str, true),
	field("unit", str, true),
	field("source", str, false),
)

// Encounters holds one row per encounter.
var Encounters = newSchema("encounters", 1,
	field("patient_id", str, false),
	field("encounter_id", str, false),
	field("start", tsUTC, false),
	field("stop", tsUTC, true),
	field("class", str, true),
	field("system", str, true),
	field("code", str, true),
	field("description", str, true),
	field("source", str, false),
)

// Medications holds one row per medication order or statement.
var Medications = newSchema("medications", 1,
	field("patient_id", str, false),
	field("start", tsUTC, false),
	field("stop", tsUTC, true),
	field("system", str, true),
	field("code", str, false),
	field("description", str, true),
	field("source", str, false),
)

// VariantCalls holds one row per sample and alternate allele carried by that
// sample (multi-allelic sites are split per allele).
//
//	source       export-relative path
//	sample       sample name as written in the file
//	patient_id   linked patient, null when the sample links to no patient
//	chrom, pos   contig and 1-based position
//	ref, alt     reference and alternate allele as written
//	kind         snv, mnv, indel, sv (symbolic) or breakend
//	sv_type      SVTYPE or the symbolic allele's type, null otherwise
//	filter_pass  FILTER is PASS or missing
//	qual         QUAL, null when "."
//	gene         gene symbol from ANN/EFF/CSQ/BCSQ or MAF, null if none
//	consequence  most severe consequence term, null if none
//	impact       HIGH, MODERATE, LOW, MODIFIER, null if unannotated
//	zygosity     het, hom_alt, hemi or unknown
//	allele_index 1-based index of alt among the site's alternates
var VariantCalls = newSchema("variant_calls", 1,
	field("source", str, false),
	field("sample", str, false),
	field("patient_id", str, true),
	field("chrom", str, false),
	field("pos", i64, false),
	field("ref", str, false),
	field("alt", str, false),
	field("kind", str, false),
	field("sv_type", str, true),
	field("filter_pass", boolT, false),
	field("qual", f64, true),
	field("gene", str, true),
	field("consequence", str, true),
	field("impact", str, true),
	field("zygosity", str, false),
	field("allele_index", i32, false),
)

// GeneFeatures holds gene-level variant burden: one row per patient, gene,
// impact and zygosity with the number of qualifying alleles.
var GeneFeatures = newSchema("gene_features", 1,
	field("patient_id", str, false),
	field("gene", str, false),
	field("impact", str, false),
	field("zygosity", str, false),
	field("count", i32, false),
)

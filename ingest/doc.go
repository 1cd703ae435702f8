// Package ingest finds out what an export holds: it walks the export folder,
// hashes every file (SHA-256) and decides from the file's content (never its
// extension alone) which kind of input it is. The readers of each kind live
// in the subpackages imaging (DICOM), records (Synthea CSV, FHIR NDJSON),
// variants (VCF, MAF, sample maps) and features (per-patient tables).
//
// An export is a folder whose top-level parts are imaging/, records/ and
// genomics/ (DESIGN.md, "The export contract"). Files elsewhere are still
// inventoried and sniffed; the part only tells where a file was found.
//
// Symbolic links are never followed: a link is listed with the reason it was
// not read, whether it points inside the export or out of it.
package ingest

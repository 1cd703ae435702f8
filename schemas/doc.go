// Package schemas holds every Arrow schema clinfuse reads or writes, and the
// run configuration.
//
// Each Arrow schema carries two metadata keys: "clinfuse.schema", the table's
// name, and "clinfuse.schema_version", an integer that changes whenever a field
// is added, removed, renamed or retyped. Readers of a saved table (a model file,
// a resumed work folder) compare the version and refuse a mismatch with
// ErrSchemaMismatch rather than guess.
//
// Dates without a time of day are Arrow date32 (days since 1970-01-01);
// instants are timestamp[ms, UTC]. Codes are always kept with their coding
// system, as the system URI or a short name ("http://loinc.org", "SNOMED-CT",
// "ICD-10-CM"), because the same string means different things in different
// systems.
//
// The configuration (Config) is built in (Default) and may be overridden by a
// YAML file (Load). Its canonical YAML form and digest (Config.Digest) identify
// the settings of a run in the manifest and in saved models.
package schemas

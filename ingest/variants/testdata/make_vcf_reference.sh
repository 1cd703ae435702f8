#!/bin/sh
# Writes vcf_reference.tsv: what bcftools says about every VCF/BCF in the
# shared reference data. Run from this folder once; the result is committed
# and compared with Inspect by TestInspectMatchesBcftools.
#
#   CLINFUSE_SHARED_DATA=/path/to/shared/data sh make_vcf_reference.sh
#
# Columns: path (relative to the shared data folder), status (ok when
# `bcftools view` exits 0, refused otherwise), records (`bcftools view -H`
# lines), samples (`bcftools query -l` lines), contigs (distinct CHROM values
# of the records), bcftools (version), message (first error line when refused).
set -eu
data=${CLINFUSE_SHARED_DATA:-../../../../shared/data}
out=vcf_reference.tsv
version=$(bcftools --version-only)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'path\tstatus\trecords\tsamples\tcontigs\tbcftools\tmessage\n' >"$out"
for f in "$data"/variants/vcf/* "$data"/bugs/vcf-*/*; do
	rel=${f#"$data"/}
	status=ok
	bcftools view -H "$f" >"$tmp/body" 2>"$tmp/err" || status=refused
	records=$(wc -l <"$tmp/body")
	samples=$(bcftools query -l "$f" 2>/dev/null | wc -l || true)
	contigs=$(cut -f1 "$tmp/body" | awk '!seen[$0]++' | wc -l)
	message=""
	if [ "$status" = refused ]; then
		message=$(grep -v "^\[W::" "$tmp/err" | head -n 1 | tr "\t" " " | sed "s|$data/||" | cut -c1-160)
		records=0
		contigs=0
	fi
	printf '%s\t%s\t%d\t%d\t%d\t%s\t%s\n' "$rel" "$status" "$records" "$samples" \
		"$contigs" "$version" "$message" >>"$out"
done

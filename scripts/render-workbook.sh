#!/usr/bin/env bash
# render-workbook.sh: render a clinfuse workbook to PNG pages for a look.
#
#   scripts/render-workbook.sh OUT/report.xlsx [DIR]
#
# Converts the workbook to PDF with LibreOffice headless (every sheet, as
# printed: landscape, one page wide) and each PDF page to DIR/page-N.png
# with pdftoppm. DIR defaults to a new folder under /tmp. Needs the Debian
# packages libreoffice-calc and poppler-utils. LibreOffice runs with a
# private profile, so it neither disturbs nor waits for another instance.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
	echo "usage: $0 WORKBOOK.xlsx [OUTDIR]" >&2
	exit 2
fi
book=$(realpath "$1")
out=${2:-$(mktemp -d)}
mkdir -p "$out"
out=$(realpath "$out")
dpi=${DPI:-90}

for tool in soffice pdftoppm; do
	command -v "$tool" >/dev/null || { echo "$0: $tool not found" >&2; exit 1; }
done

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

timeout 300 soffice -env:UserInstallation=file://"$profile" --headless --norestore \
	--convert-to pdf --outdir "$out" "$book" >/dev/null 2>&1
pdf="$out/$(basename "${book%.*}").pdf"
[[ -s "$pdf" ]] || { echo "$0: LibreOffice wrote no PDF" >&2; exit 1; }

pdftoppm -png -r "$dpi" "$pdf" "$out/page"
ls "$out"/page-*.png

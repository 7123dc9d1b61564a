#!/usr/bin/env bash
# Renders ctbill's HTML documents in headless Chromium, as a customer
# would see them: a PNG of each page on screen, and a PDF of each printed
# on A4 and on Letter. Look at the PNGs (and the PDFs: `pdftoppm -png -r 60`)
# after changing the documents' layout or style.
#
#   scripts/screenshot.sh [OUT_DIR]     (default: target/screenshots)
#
# Uses the ctbill built by `cargo build` (or $CTBILL), the shipped example
# plans, and `chromium` (or $CHROMIUM). Fails when the browser fails to
# produce a non-empty PNG or PDF. Never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-target/screenshots}
browser=${CHROMIUM:-chromium}
command -v "$browser" >/dev/null || { echo "screenshot.sh: $browser not found (apt-get install chromium)" >&2; exit 2; }
if [[ -z ${CTBILL:-} ]]; then
    cargo build --quiet --locked
    CTBILL="${CARGO_TARGET_DIR:-target}/debug/ctbill"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

ctbill() { "$CTBILL" --plans plans "$@"; }

# The documents: a comparison with its chart, an explained Direct bill,
# and the example quote once `ctbill quote` exists.
ctbill compare --sent 15000 --month 2026-11 --format html >"$out/compare.html"
ctbill compare --conversations 60000 --meta-amount 1000 --month 2026-11 --format html >"$out/compare-direct.html"
ctbill estimate --plan direct-25k --conversations 30000 --meta marketing:IN=20000 \
    --meta utility:AR=150000 --month 2026-11 --explain --format html >"$out/estimate.html"
for quote in quotes/*.toml; do
    [[ -f $quote ]] || continue
    ctbill quote "$quote" --format html >"$out/quote-$(basename "$quote" .toml).html"
done

# Chromium prints to PDF at the page size the document asks for (`@page
# { size: auto }`: the printer's default); A4 and Letter are given here
# by a copy of the page whose @page names the size.
render() {
    local name=$1 flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars
        --no-first-run --user-data-dir="$profile" --disable-extensions)
    "$browser" "${flags[@]}" --window-size=1000,1800 \
        --screenshot="$out/$name.png" "file://$out/$name.html" >/dev/null 2>&1 || true
    for size in A4 Letter; do
        sed "s/@page { size: auto;/@page { size: $size;/" "$out/$name.html" >"$out/$name-$size.html"
        "$browser" "${flags[@]}" --no-pdf-header-footer \
            --print-to-pdf="$out/$name-$size.pdf" "file://$out/$name-$size.html" >/dev/null 2>&1 || true
        rm -f "$out/$name-$size.html"
    done
    for file in "$out/$name.png" "$out/$name-A4.pdf" "$out/$name-Letter.pdf"; do
        [[ -s $file ]] || { echo "screenshot.sh: $browser produced no $file" >&2; exit 1; }
    done
    echo "$name: $name.png, $name-A4.pdf, $name-Letter.pdf"
}

for page in "$out"/*.html; do
    name=$(basename "$page" .html)
    case $name in *-A4 | *-Letter) continue ;; esac
    render "$name"
done
if command -v pdftoppm >/dev/null; then
    for pdf in "$out"/*.pdf; do
        pdftoppm -png -r 60 "$pdf" "${pdf%.pdf}-page"
    done
fi
echo "written to $out"

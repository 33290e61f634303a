#!/bin/sh
# Vendor GOV.UK Frontend's built CSS, fonts and images from the released npm package into the app's
# static folder (served from the app's own origin; no JavaScript: the strict CSP allows none).
# Usage: scripts/vendor_govuk_frontend.sh VERSION WORKDIR   (WORKDIR: a scratch folder for npm pack)
set -eu
version="$1"
work="$2"
here="$(cd "$(dirname "$0")/.." && pwd)"
out="$here/src/contactpoint/web/static/govuk-frontend"
mkdir -p "$work"
(cd "$work" && npm pack "govuk-frontend@$version" >/dev/null 2>&1 && rm -rf package && tar xzf "govuk-frontend-$version.tgz")
dist="$work/package/dist/govuk"
rm -rf "$out"
mkdir -p "$out/assets/fonts" "$out/assets/images"
# The stylesheet names its fonts and images from the site root (/assets/...): point them at the
# folder beside it instead, and drop the source-map comment (the map is not shipped).
sed -e 's#url(/assets/#url(assets/#g' -e '/sourceMappingURL/d' "$dist/govuk-frontend.min.css" \
  > "$out/govuk-frontend.min.css"
cp "$dist"/assets/fonts/*.woff2 "$dist"/assets/fonts/*.woff "$out/assets/fonts/"
for image in favicon.ico favicon.svg govuk-crest.svg govuk-icon-180.png govuk-icon-mask.svg; do
  cp "$dist/assets/images/$image" "$out/assets/images/"
done
# The npm package carries no licence file: its README states MIT for the code (LICENSE.txt upstream).
cp "$here/scripts/govuk-frontend-LICENSE.txt" "$out/LICENSE.txt"
integrity="$(cd "$work" && npm view "govuk-frontend@$version" dist.integrity)"
printf 'govuk-frontend %s\nnpm integrity %s\nfiles: dist/govuk/govuk-frontend.min.css (asset URLs made relative), assets/fonts, five assets/images\n' \
  "$version" "$integrity" > "$out/VERSION"

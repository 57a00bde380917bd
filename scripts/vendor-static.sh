#!/usr/bin/env bash
# Refresh src/ameliora/static/vendor/ from the npm registry, at the versions in static/vendor/VERSIONS.
#
# Vendored files are copied byte for byte from the published packages, never edited: a file that
# refers to another (a source map, a font) gets that file too, so `collectstatic` with the hashed
# manifest storage finds every reference. To upgrade a library, change its line in VERSIONS, run this
# script, and run `make test` (the production check collects the static files with DEBUG=False).
set -euo pipefail
cd "$(dirname "$0")/.."
VENDOR=src/ameliora/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# package name -> "source path in the package:destination under static/vendor/", one per file
declare -A FILES=(
  [bootstrap]="LICENSE:bootstrap/LICENSE
dist/css/bootstrap.min.css:bootstrap/bootstrap.min.css
dist/css/bootstrap.min.css.map:bootstrap/bootstrap.min.css.map
dist/js/bootstrap.bundle.min.js:bootstrap/bootstrap.bundle.min.js
dist/js/bootstrap.bundle.min.js.map:bootstrap/bootstrap.bundle.min.js.map"
  [bootstrap-icons]="LICENSE:bootstrap-icons/LICENSE
font/bootstrap-icons.min.css:bootstrap-icons/bootstrap-icons.min.css
font/fonts/bootstrap-icons.woff2:bootstrap-icons/fonts/bootstrap-icons.woff2
font/fonts/bootstrap-icons.woff:bootstrap-icons/fonts/bootstrap-icons.woff"
  [htmx.org]="LICENSE:htmx/LICENSE
dist/htmx.min.js:htmx/htmx.min.js"
)

while read -r name version; do
  [ -n "$name" ] || continue
  [ -n "${FILES[$name]:-}" ] || { echo "VERSIONS names $name, which this script does not know"; exit 1; }
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  mkdir -p "$work/$name" && tar -xzf "$work/$name-$version.tgz" -C "$work/$name"
  while IFS=: read -r source destination; do
    install -D -m 0644 "$work/$name/package/$source" "$VENDOR/$destination"
    echo "$name@$version $source -> $VENDOR/$destination"
  done <<< "${FILES[$name]}"
done < "$VENDOR/VERSIONS"

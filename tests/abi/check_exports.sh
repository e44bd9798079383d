#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# check_exports.sh LIB PROJECT_DIR - the ABI surface of libgwroute.
#
# Fails (exit 1, with a diff) when:
#   (a) LIB's exported dynamic symbols (name@@version) differ from
#       tests/abi/symbols.txt;
#   (b) the GWR_API functions of include/gwroute.h differ from the global:
#       names of lib/libgwroute.map, or the map names a symbol LIB does not
#       export;
#   (c) LIB's SONAME is not libgwroute.so.1;
#   (d) LIB exports a bundled dependency's symbol (XXH*, yaml_*, pcre2_*).
# POSIX sh plus awk, sed, grep, nm and readelf. Diff lines: "-" = expected
# but missing, "+" = present but not expected.

set -u
LC_ALL=C
export LC_ALL

if [ $# -ne 2 ]; then
  echo "usage: $0 LIB PROJECT_DIR" >&2
  exit 2
fi
lib=$1
dir=$2
manifest=$dir/tests/abi/symbols.txt
header=$dir/include/gwroute.h
map=$dir/lib/libgwroute.map
want_soname=libgwroute.so.1

for f in "$lib" "$manifest" "$header" "$map"; do
  if [ ! -r "$f" ]; then
    echo "FAIL: cannot read $f" >&2
    exit 2
  fi
done

status=0

# Remove /* ... */ comments (also across lines) from a C header or a map.
strip_comments() {
  awk '
    function strip(line,   out, p) {
      out = ""
      while (line != "") {
        if (incomment) {
          p = index(line, "*/")
          if (!p) return out
          line = substr(line, p + 2)
          incomment = 0
        } else {
          p = index(line, "/*")
          if (!p) return out line
          out = out substr(line, 1, p - 1) " "
          line = substr(line, p + 2)
          incomment = 1
        }
      }
      return out
    }
    { print strip($0) }' "$1"
}

# compare WHAT EXPECTED_LABEL ACTUAL_LABEL: the lists are in the environment
# variables CMP_EXPECTED and CMP_ACTUAL (one name a line, order kept).
compare() {
  awk -v what="$1" -v want_label="$2" -v have_label="$3" '
    function load(text, list, set,   n, i, k, tmp) {
      n = split(text, tmp, "\n")
      k = 0
      for (i = 1; i <= n; i++)
        if (tmp[i] != "") { list[++k] = tmp[i]; set[tmp[i]] = 1 }
      return k
    }
    BEGIN {
      nw = load(ENVIRON["CMP_EXPECTED"], want, inwant)
      nh = load(ENVIRON["CMP_ACTUAL"], have, inhave)
      for (i = 1; i <= nw; i++)
        if (!(want[i] in inhave))
          out = out sprintf("  - %s    (in %s, missing from %s)\n", want[i], want_label, have_label)
      for (i = 1; i <= nh; i++)
        if (!(have[i] in inwant))
          out = out sprintf("  + %s    (in %s, not in %s)\n", have[i], have_label, want_label)
      if (out != "") {
        printf "FAIL: %s\n%s", what, out
        exit 1
      }
    }'
}

run_compare() {
  CMP_EXPECTED=$2 CMP_ACTUAL=$4 compare "$1" "$3" "$5" || status=1
}

# ---- what the library exports ------------------------------------------

if ! nm_out=$(nm -D --defined-only "$lib"); then
  echo "FAIL: nm -D could not read $lib" >&2
  exit 2
fi
# Name field of every defined symbol except the version-node (A) symbols.
exported=$(printf '%s\n' "$nm_out" | awk 'NF >= 3 && $2 != "A" { print $3 }')
if ! printf '%s\n' "$exported" | grep -q '@'; then
  # nm older than binutils 2.35 prints no versions: ask readelf instead.
  exported=$(readelf --dyn-syms -W "$lib" |
    awk '$1 ~ /^[0-9]+:$/ && NF >= 8 && $7 != "UND" && $7 != "ABS" &&
         $5 != "LOCAL" { print $8 }')
fi
all_names=$(printf '%s\n' "$nm_out" | awk 'NF >= 3 { print $3 }' | sed 's/@.*//')
exported_names=$(printf '%s\n' "$exported" | sed 's/@.*//')

# ---- (a) exported symbols against the manifest ------------------------

manifest_syms=$(grep -v '^#' "$manifest" | grep -v '^[[:space:]]*$')
run_compare "(a) exported symbols differ from tests/abi/symbols.txt" \
  "$manifest_syms" "tests/abi/symbols.txt" "$exported" "$lib"
unsorted=$(printf '%s\n' "$manifest_syms" |
  awk 'NR > 1 && $0 < prev { print "  " prev " > " $0 } { prev = $0 }')
if [ -n "$unsorted" ]; then
  printf 'FAIL: (a) tests/abi/symbols.txt is not sorted (LC_ALL=C):\n%s\n' "$unsorted"
  status=1
fi

# ---- (b) header GWR_API functions against the version script ------------

header_fns=$(strip_comments "$header" | awk '
  /^[ \t]*#/ { next }
  pending || /(^|[^A-Za-z0-9_])GWR_API([^A-Za-z0-9_]|$)/ {
    buf = pending ? buf " " $0 : $0
    pending = 1
    p = index(buf, "(")
    if (p) {
      n = split(substr(buf, 1, p - 1), w, /[^A-Za-z0-9_]+/)
      while (n > 0 && w[n] == "") n--
      if (n > 0) print w[n]
      pending = 0
      buf = ""
    }
  }')
map_fns=$(strip_comments "$map" | awk '
  {
    line = $0
    if (line ~ /global:/) { inglobal = 1; sub(/.*global:/, "", line) }
    if (line ~ /local:/) { inglobal = 0; next }
    if (index(line, "}")) { line = substr(line, 1, index(line, "}") - 1); closing = 1 }
    if (inglobal) {
      n = split(line, parts, ";")
      for (i = 1; i <= n; i++) {
        gsub(/[ \t]/, "", parts[i])
        if (parts[i] != "") print parts[i]
      }
    }
    if (closing) { inglobal = 0; closing = 0 }
  }')
run_compare "(b) GWR_API functions of include/gwroute.h differ from lib/libgwroute.map" \
  "$header_fns" "include/gwroute.h" "$map_fns" "lib/libgwroute.map"
run_compare "(b) lib/libgwroute.map names symbols the library does not export" \
  "$map_fns" "lib/libgwroute.map" "$exported_names" "$lib"

# ---- (c) SONAME -----------------------------------------------------------

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$soname" != "$want_soname" ]; then
  printf 'FAIL: (c) SONAME\n  - %s    (expected)\n  + %s    (%s)\n' \
    "$want_soname" "${soname:-<none>}" "$lib"
  status=1
fi

# ---- (d) bundled dependencies must stay hidden ----------------------------

leaked=$(printf '%s\n' "$all_names" | grep -E '^(XXH|yaml_|pcre2_)' || true)
if [ -n "$leaked" ]; then
  printf 'FAIL: (d) dependency symbols are exported:\n%s\n' \
    "$(printf '%s\n' "$leaked" | sed 's/^/  + /')"
  status=1
fi

if [ "$status" -eq 0 ]; then
  count=$(printf '%s\n' "$exported" | grep -c .)
  echo "OK: $count exported symbols match tests/abi/symbols.txt;" \
    "gwroute.h and libgwroute.map agree; SONAME $soname; no dependency symbols."
fi
exit "$status"

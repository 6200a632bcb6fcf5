#!/usr/bin/env bash
# Checks every export format with the tools that read it (tests/interop/*.py), on three
# corpora: the sample article with its gold annotation, the tricky Unicode document, and a
# generated corpus of 1,000 documents. Python environments come from PyPI with pinned
# versions (tests/interop/requirements-*.txt) and are kept in $GLOSSA_VENVS
# (default ~/.cache/glossa/venvs), rebuilt when a requirements file changes.
# usage: scripts/interop.sh [GLOSSA_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
glossa=${1:-$root/target/debug/glossa}
venvs=${GLOSSA_VENVS:-$HOME/.cache/glossa/venvs}
work=$root/target/interop
rm -rf "$work" && mkdir -p "$work" "$venvs"

venv() { # name -> path of a ready virtual environment
  local req=$root/tests/interop/requirements-$1.txt dir=$venvs/$1
  if ! cmp -s "$req" "$dir/requirements.txt" 2>/dev/null; then
    rm -rf "$dir"
    python3 -m venv "$dir" >&2
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$req" >&2
    cp "$req" "$dir/requirements.txt"
  fi
  echo "$dir"
}
tools=$(venv tools)
lstudio=$(venv label-studio)
doccano=$(venv doccano)

passed=0
cargo run --locked -q -p glossa-bench -- --docs 1000 corpus "$work/generated.jsonl"
for corpus in "$root/tests/fixtures/kursk-dprk-pows.gold.jsonl" "$root/tests/fixtures/tricky.gold.jsonl" "$work/generated.jsonl"; do
  name=$(basename "$corpus" .jsonl)
  out=$work/$name
  mkdir -p "$out"
  "$glossa" init "$out/p.glossa" >/dev/null
  "$glossa" import "$out/p.glossa" "$corpus" >/dev/null
  ex() { "$glossa" export "$out/p.glossa" --format "$1" --out "$out/$2" "${@:3}" 2>/dev/null; }
  ex jsonl native.jsonl
  ex spacy spacy.jsonl
  ex spacy spacy-sc.jsonl --spans-key sc
  ex conll conll.conll
  ex hf hf
  ex brat brat
  ex w3c w3c.jsonld
  ex csv csv.csv
  ex claims-tsv claims.tsv
  ex doccano doccano.jsonl
  ex label-studio label-studio.json
  "$tools/bin/python" tests/interop/check_exports.py "$out" 2>&1 | grep -v "Generating train split"
  "$lstudio/bin/python" tests/interop/check_label_studio.py "$out/label-studio.json" "$out/label-studio.label-studio-config.xml" "$out/native.jsonl" "$out/ls"
  "$doccano/bin/python" tests/interop/check_doccano.py "$out/doccano.jsonl" "$out/native.jsonl" "$out/dc" 2>&1 | tail -1
  passed=$((passed + 7)) # five checks of check_exports.py, Label Studio, doccano
done
echo "interop: all checks passed"
echo "# pass $passed"

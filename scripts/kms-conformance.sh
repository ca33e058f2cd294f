#!/usr/bin/env bash
# LocalStack's AWS-validated KMS suite against the embedded KMS (or LocalStack itself): prints
# "N of 73 passed" and every failure, and exits 1 when the embedded KMS falls below the floor in
# test/conformance/localstack-kms/suite.json. See docs/backends.md for the figures.
#
#   bash scripts/kms-conformance.sh                       # against `keydrill kms serve` on a free port
#   bash scripts/kms-conformance.sh --target localstack   # against LocalStack (LOCALSTACK_ENDPOINT or :4566)
#   bash scripts/kms-conformance.sh --out DIR             # keep pytest.log and junit.xml in DIR
#   bash scripts/kms-conformance.sh install               # only set up (virtualenv and the test files)
#
# What it needs, set up on first use:
# - a virtualenv in .venv/kms-conformance (Python >= 3.13, as LocalStack) from
#   test/conformance/localstack-kms/requirements.txt;
# - LocalStack's test files at the pinned commit, checked against tests.sha256 and kept in
#   ${XDG_CACHE_HOME:-~/.cache}/keydrill/localstack-tests/<commit>. They come from, in order:
#   LOCALSTACK_TESTS_DIR (a folder holding tests/), the cache, LOCALSTACK_GIT_DIR (a local clone of
#   localstack/localstack), or the public repository over the network.
# Exit codes: 0 done (floor met), 1 below the floor, 3 could not run (nothing was measured).
set -euo pipefail
cd "$(dirname "$0")/.."
suite=test/conformance/localstack-kms
venv=.venv/kms-conformance
commit=$(node -p "require('./$suite/suite.json').commit")
repository=$(node -p "require('./$suite/suite.json').repository")
cache="${XDG_CACHE_HOME:-$HOME/.cache}/keydrill/localstack-tests/$commit"

cannot() { echo "kms-conformance: could not run: $*" >&2; exit 3; }

# shellcheck source=scripts/localstack/find-python.sh
source scripts/localstack/find-python.sh

install_venv() {
  local stamp="$venv/.requirements"
  if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cat "$suite/requirements.txt" scripts/localstack/requirements.txt | cmp -s - "$stamp"; then return 0; fi
  local py
  py=$(find_python) || cannot "needs Python 3.13 or newer (LocalStack's test helpers use 3.13 features); none found"
  echo "kms-conformance: installing the suite's Python packages into $venv with $("$py" --version)"
  rm -rf "$venv"
  "$py" -m venv "$venv" || cannot "python -m venv failed"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$suite/requirements.txt" || cannot "pip install failed"
  cat "$suite/requirements.txt" scripts/localstack/requirements.txt > "$stamp"
}

# The pinned files, verified; anything else in the folder is ignored.
verified() { [ -d "$1/tests" ] && (cd "$1" && sha256sum --quiet -c "$OLDPWD/$suite/tests.sha256" >/dev/null 2>&1); }

paths() { awk '{print $2}' "$suite/tests.sha256"; }

install_tests() {
  if [ -n "${LOCALSTACK_TESTS_DIR:-}" ]; then
    verified "$LOCALSTACK_TESTS_DIR" || cannot "LOCALSTACK_TESTS_DIR=$LOCALSTACK_TESTS_DIR does not hold LocalStack's test files at $commit (checked against $suite/tests.sha256)"
    TESTS_TREE=$LOCALSTACK_TESTS_DIR; return 0
  fi
  TESTS_TREE=$cache
  verified "$cache" && return 0
  local tmp
  tmp=$(mktemp -d)
  # shellcheck disable=SC2046
  if [ -n "${LOCALSTACK_GIT_DIR:-}" ]; then
    git --git-dir="$LOCALSTACK_GIT_DIR" archive "$commit" $(paths) | tar -x -C "$tmp" || true
  fi
  if ! verified "$tmp"; then
    echo "kms-conformance: fetching LocalStack's KMS test files at $commit"
    for p in $(paths); do
      mkdir -p "$tmp/$(dirname "$p")"
      curl -sSfL --retry 2 --max-time 60 -o "$tmp/$p" "https://raw.githubusercontent.com/$repository/$commit/$p" 2>/dev/null || break
    done
  fi
  if ! verified "$tmp"; then
    rm -rf "$tmp"
    cannot "LocalStack's test files at $repository@$commit are not available: no cache in $cache, no LOCALSTACK_TESTS_DIR or LOCALSTACK_GIT_DIR, and the repository could not be reached"
  fi
  mkdir -p "$(dirname "$cache")"
  rm -rf "$cache"
  mv "$tmp" "$cache"
}

if [ "${1:-}" = install ]; then
  install_venv; install_tests; echo "kms-conformance: ready ($venv, $TESTS_TREE)"; exit 0
fi
install_venv
install_tests
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
exec node --import tsx "$suite/run-suite.ts" --python "$venv/bin/python" --tests "$TESTS_TREE" "$@"

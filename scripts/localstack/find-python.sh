# Sourced by scripts/localstack.sh and scripts/kms-conformance.sh: prints a Python >= 3.13 (what
# localstack-core 2026.3.0 and its test helpers need), from PATH or pyenv; fails if there is none.
find_python() {
  for candidate in python3.14 python3.13 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[3-9]*/bin/python python3; do
    local py
    py=$(command -v "$candidate" 2>/dev/null || true)
    [ -n "$py" ] || continue
    if "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; then echo "$py"; return 0; fi
  done
  return 1
}

#!/usr/bin/env bash
# Sets KeyDrill up on a fresh machine: checks Node, installs the npm packages (better-sqlite3 is
# compiled against this machine's Node), and on request Chromium for the browser tests.
#
#   bash scripts/setup.sh                   # CLI, tests, build (no Electron binary download)
#   bash scripts/setup.sh --with-electron   # also download Electron, for `npm start` (needs the network)
#   bash scripts/setup.sh --browser         # also install Chromium from apt (Debian/Ubuntu), for e2e tests
set -euo pipefail
cd "$(dirname "$0")/.."

with_electron=0
browser=0
for arg in "$@"; do
  case "$arg" in
    --with-electron) with_electron=1 ;;
    --browser) browser=1 ;;
    *) echo "setup: unknown option '$arg' (known: --with-electron, --browser)" >&2; exit 2 ;;
  esac
done

node_version=$(node -p 'process.versions.node' 2>/dev/null || true)
if [ -z "$node_version" ]; then
  echo "setup: Node.js 20.19 or newer is needed and 'node' was not found" >&2; exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "setup: Node.js 20.19 or newer is needed; this is $node_version" >&2; exit 1
fi

# The Electron binary comes from the network at install time; the CLI, tests and build do not need it.
[ "$with_electron" = 1 ] || export ELECTRON_SKIP_BINARY_DOWNLOAD=1
# better-sqlite3 has no prebuilt binary for every machine; compile it against the installed Node's headers.
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$(dirname "$(dirname "$(command -v node)")")/include/node/node_version.h" ]; then
  export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
fi
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

# npm ci is skipped when node_modules already matches the lock file (repeat runs are instant).
if [ node_modules/.package-lock.json -nt package-lock.json ] && node -e "require('better-sqlite3')" 2>/dev/null; then
  echo "setup: npm packages are up to date"
else
  echo "setup: installing npm packages (better-sqlite3 compiles from source: about a minute)"
  npm ci --no-audit --no-fund --loglevel=error
  node -e "new (require('better-sqlite3'))(':memory:').close()" || { echo "setup: better-sqlite3 did not build for this Node" >&2; exit 1; }
fi

if [ "$browser" = 1 ]; then
  if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1; then
    echo "setup: Chromium is present"
  elif command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Chromium from apt"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: install Chromium and set CHROMIUM_PATH to run the browser tests" >&2; exit 1
  fi
fi
echo "setup: done"

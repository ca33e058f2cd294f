#!/usr/bin/env bash
# LocalStack on this host, without Docker: the open-source runtime from PyPI (localstack-core) in a
# virtualenv inside the build folder, listening on 127.0.0.1:4566 with DNS and telemetry off.
#
#   bash scripts/localstack.sh install   # virtualenv in .venv/localstack (needs Python >= 3.13)
#   bash scripts/localstack.sh start     # start in the background, wait until KMS answers
#   bash scripts/localstack.sh stop
#   bash scripts/localstack.sh env       # print LOCALSTACK_ENDPOINT=... for eval
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv/localstack
state=.venv/localstack-run
port=${LOCALSTACK_PORT:-4566}
endpoint="http://127.0.0.1:$port"

# shellcheck source=scripts/localstack/find-python.sh
source scripts/localstack/find-python.sh

case "${1:-}" in
  install)
    if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import localstack.aws.components' 2>/dev/null; then
      echo "localstack: already installed in $venv"; exit 0
    fi
    py=$(find_python) || { echo "localstack: needs Python 3.13 or newer (localstack-core 2026.3.0 uses 3.13 features); none found" >&2; exit 1; }
    echo "localstack: installing localstack-core into $venv with $("$py" --version)"
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/localstack/requirements.txt
    "$venv/bin/python" -c 'import localstack.aws.components' ;;
  start)
    mkdir -p "$state"
    if curl -sf "$endpoint/_localstack/health" >/dev/null 2>&1; then echo "localstack: already answering at $endpoint"; exit 0; fi
    DNS_ADDRESS=0 GATEWAY_LISTEN="127.0.0.1:$port" DISABLE_EVENTS=1 SKIP_SSL_CERT_DOWNLOAD=1 \
      SERVICES=kms,cloudtrail LOCALSTACK_VOLUME_DIR="$PWD/$state/volume" \
      nohup "$venv/bin/python" -m localstack.runtime.main >"$state/localstack.log" 2>&1 &
    echo $! >"$state/pid"
    for _ in $(seq 1 90); do
      if curl -sf "$endpoint/_localstack/health" | grep -q '"kms": "\(available\|running\)"'; then echo "localstack: ready at $endpoint"; exit 0; fi
      if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then break; fi
      sleep 1
    done
    echo "localstack: did not become ready; last lines of its log:" >&2
    tail -20 "$state/localstack.log" >&2
    exit 1 ;;
  stop)
    if [ -f "$state/pid" ]; then
      kill "$(cat "$state/pid")" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$(cat "$state/pid")" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$(cat "$state/pid")" 2>/dev/null || true
      rm -f "$state/pid"
    fi
    echo "localstack: stopped" ;;
  env)
    echo "LOCALSTACK_ENDPOINT=$endpoint" ;;
  *)
    echo "usage: bash scripts/localstack.sh install|start|stop|env" >&2; exit 2 ;;
esac

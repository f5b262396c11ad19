# Drives the request handler with HTTP requests on stdin and checks the answers.
set -e
cd "$(dirname "$0")/.."
failures=0
check() { # description request expected-substring...
  description=$1 request=$2
  shift 2
  answer=$(printf '%b' "$request" | sh app/handler.sh)
  for expected in "$@"; do
    case $answer in
      *"$expected"*) ;;
      *) echo "FAIL $description: expected \"$expected\" in: $answer"; failures=$((failures + 1)) ;;
    esac
  done
}
unset SEGMENTATION_SERVICE_URL AI_ORCHESTRATOR_URL ARCHIVE_SERVICE_URL
check 'health' 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n' 'HTTP/1.0 200 OK' '"status":"ok"' 'application/json'
check 'health with a query' 'GET /health?probe=1 HTTP/1.1\r\n\r\n' '200 OK'
check 'unknown route' 'GET /nope HTTP/1.1\r\n\r\n' '404 Not Found' 'no route for /nope'
check 'backend not configured' 'GET /api/segmentation/models HTTP/1.1\r\n\r\n' '503' 'SEGMENTATION_SERVICE_URL is not set'
check 'archive not configured' 'POST /api/archive/records HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}' '503' 'ARCHIVE_SERVICE_URL'
[ "$failures" -eq 0 ] && echo "api-gateway: all checks passed"
[ "$failures" -eq 0 ]

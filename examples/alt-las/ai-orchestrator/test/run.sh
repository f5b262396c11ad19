# Drives the request handler with HTTP requests on stdin and checks the answers.
# Runs on a host with a POSIX shell (the service's test command).
cd "$(${BB:-} dirname "$0")/.." || exit 1
failures=0
check() { # description request expected-substring...
  description=$1 request=$2
  shift 2
  answer=$(printf '%b' "$request" | ${BB:-} sh app/handler.sh)
  for expected in "$@"; do
    case $answer in
      *"$expected"*) ;;
      *) echo "FAIL $description: expected \"$expected\" in: $answer"; failures=$((failures + 1)) ;;
    esac
  done
}
check 'health' 'GET /health HTTP/1.1\r\n\r\n' '200 OK' '"service":"ai-orchestrator"'
check 'agents' 'GET /agents HTTP/1.1\r\n\r\n' '"segmentation"' '"archive"'
check 'task accepted' 'POST /tasks HTTP/1.1\r\nContent-Length: 26\r\n\r\n{"agent": "segmentation"}' '202 Accepted' '"state":"queued"' '"id":"task-'
check 'unknown agent' 'POST /tasks HTTP/1.1\r\nContent-Length: 17\r\n\r\n{"agent":"robot"}' '422' 'unknown agent'
check 'unknown route' 'GET /tasks/1 HTTP/1.1\r\n\r\n' '404 Not Found'
[ "$failures" -eq 0 ] && echo "ai-orchestrator: all checks passed"
[ "$failures" -eq 0 ]

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
check 'health' 'GET /health HTTP/1.1\r\n\r\n' '200 OK' '"service":"archive-service"'
check 'records' 'GET /records HTTP/1.1\r\n\r\n' '"sample-1"'
# sha256 of "hello" is 2cf24dba...
check 'store' 'POST /records HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello' '201 Created' '"id":"sha256-2cf24dba5fb0a30e' '"bytes":5'
check 'empty record' 'POST /records HTTP/1.1\r\nContent-Length: 0\r\n\r\n' '400 Bad Request'
check 'unknown route' 'PUT /records HTTP/1.1\r\n\r\n' '404 Not Found'
[ "$failures" -eq 0 ] && echo "archive-service: all checks passed"
[ "$failures" -eq 0 ]

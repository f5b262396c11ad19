# Drives the request handler with HTTP requests on stdin and checks the answers.
# Runs in the image's test stage (BB=/bin/busybox) and on a host with a POSIX shell.
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
check 'health' 'GET /health HTTP/1.1\r\n\r\n' '200 OK' '"status":"ok"' '"service":"segmentation-service"'
check 'models' 'GET /models HTTP/1.1\r\n\r\n' '200 OK' '"sentence"'
check 'three sentences' 'POST /segment HTTP/1.1\r\nContent-Length: 33\r\n\r\nOne. Two words! Three, and four?' '"segments":3'
check 'one unterminated sentence' 'POST /segment HTTP/1.1\r\nContent-Length: 11\r\n\r\nhello world' '"segments":1'
check 'empty body' 'POST /segment HTTP/1.1\r\nContent-Length: 0\r\n\r\n' '400 Bad Request'
check 'unknown route' 'DELETE /models HTTP/1.1\r\n\r\n' '404 Not Found'
[ "$failures" -eq 0 ] && echo "segmentation-service: all checks passed"
[ "$failures" -eq 0 ]

# One HTTP exchange on stdin/stdout: GET /health, GET /agents, POST /tasks (accepts a task for an agent).
CR=$(printf '\r')
read -r method target _ || exit 0
target=${target%"$CR"}
length=0
while IFS= read -r header; do
  header=${header%"$CR"}
  [ -z "$header" ] && break
  case $header in [Cc]ontent-[Ll]ength:*) length=${header#*:} length=${length# } ;; esac
done
body=''
[ "$length" -gt 0 ] 2>/dev/null && body=$(${BB:-} head -c "$length")
path=${target%%\?*}

respond() {
  printf 'HTTP/1.0 %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$1" "${#2}" "$2"
}

AGENTS='segmentation archive'

case "$method $path" in
  'GET /health') respond '200 OK' '{"status":"ok","service":"ai-orchestrator"}' ;;
  'GET /agents') respond '200 OK' '{"agents":[{"name":"segmentation","state":"idle"},{"name":"archive","state":"idle"}]}' ;;
  'POST /tasks')
    # The task names its agent: {"agent":"segmentation",...}
    agent=$(printf '%s' "$body" | ${BB:-} sed -n 's/.*"agent" *: *"\([a-z-]*\)".*/\1/p')
    case " $AGENTS " in
      *" $agent "*)
        id="task-$(${BB:-} date -u +%Y%m%d%H%M%S)-$$"
        respond '202 Accepted' "{\"id\":\"$id\",\"agent\":\"$agent\",\"state\":\"queued\"}"
        ;;
      *) respond '422 Unprocessable Entity' "{\"error\":\"unknown agent \\\"$agent\\\"; expected one of: $AGENTS\"}" ;;
    esac
    ;;
  *) respond '404 Not Found' "{\"error\":\"no route for $method $path\"}" ;;
esac

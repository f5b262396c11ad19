# One HTTP exchange on stdin/stdout. /health answers here; /api/<name>/<path> is passed to the backend
# named by SEGMENTATION_SERVICE_URL, AI_ORCHESTRATOR_URL or ARCHIVE_SERVICE_URL (http://host:port) as
# /<path>, and the backend's response is returned unchanged.
CR=$(printf '\r')
read -r method target _ || exit 0
target=${target%"$CR"}
length=0
content_type=application/json
while IFS= read -r header; do
  header=${header%"$CR"}
  [ -z "$header" ] && break
  case $header in
    [Cc]ontent-[Ll]ength:*) length=${header#*:} length=${length# } ;;
    [Cc]ontent-[Tt]ype:*) content_type=${header#*:} content_type=${content_type# } ;;
  esac
done
body=''
[ "$length" -gt 0 ] 2>/dev/null && body=$(${BB:-} head -c "$length")
path=${target%%\?*}

respond() {
  printf 'HTTP/1.0 %s\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$1" "${#2}" "$2"
}

proxy() { # backend-name url-variable-name url
  if [ -z "$3" ]; then
    respond '503 Service Unavailable' "{\"error\":\"$2 is not set\",\"backend\":\"$1\"}"
    return
  fi
  address=${3#http://}
  address=${address%%/*}
  rest=${path#/api/*/}
  [ "$rest" = "$path" ] && rest=''
  query=''
  case $target in *\?*) query="?${target#*\?}" ;; esac
  response=$(printf '%s /%s%s HTTP/1.0\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$method" "$rest" "$query" "$address" "$content_type" "${#body}" "$body" |
    ${BB:-} timeout 10 ${BB:-} nc "${address%:*}" "${address##*:}" 2>/dev/null)
  if [ -z "$response" ]; then
    respond '502 Bad Gateway' "{\"error\":\"no response from $1\",\"backend\":\"$1\"}"
  else
    printf '%s' "$response"
  fi
}

case $path in
  /health) respond '200 OK' '{"status":"ok","service":"api-gateway"}' ;;
  /api/segmentation | /api/segmentation/*) proxy segmentation-service SEGMENTATION_SERVICE_URL "$SEGMENTATION_SERVICE_URL" ;;
  /api/orchestrator | /api/orchestrator/*) proxy ai-orchestrator AI_ORCHESTRATOR_URL "$AI_ORCHESTRATOR_URL" ;;
  /api/archive | /api/archive/*) proxy archive-service ARCHIVE_SERVICE_URL "$ARCHIVE_SERVICE_URL" ;;
  *) respond '404 Not Found' "{\"error\":\"no route for $path\"}" ;;
esac

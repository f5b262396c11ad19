# One HTTP exchange on stdin/stdout: GET /health, GET /models, POST /segment (text in, segments out).
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

# Segments are the sentences of the text: runs of characters ending in . ! or ? (or the end).
segment() {
  { printf '%s' "$1" | ${BB:-} tr '\n' ' ' && echo; } | ${BB:-} sed 's/\([.!?]\) */\1\n/g' | ${BB:-} sed '/^ *$/d' | ${BB:-} wc -l
}

case "$method $path" in
  'GET /health') respond '200 OK' '{"status":"ok","service":"segmentation-service"}' ;;
  'GET /models') respond '200 OK' '{"models":[{"name":"sentence","languages":["en","tr"]}]}' ;;
  'POST /segment')
    if [ -z "$body" ]; then
      respond '400 Bad Request' '{"error":"POST /segment needs the text as the request body"}'
    else
      count=$(segment "$body")
      respond '200 OK' "{\"model\":\"sentence\",\"segments\":$((count)),\"bytes\":${#body}}"
    fi
    ;;
  *) respond '404 Not Found' "{\"error\":\"no route for $method $path\"}" ;;
esac

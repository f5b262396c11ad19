# One HTTP exchange on stdin/stdout: GET /health, GET /records, POST /records (returns the record's
# checksum; the example keeps no state, so it works on a read-only root filesystem).
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

case "$method $path" in
  'GET /health') respond '200 OK' '{"status":"ok","service":"archive-service"}' ;;
  'GET /records') respond '200 OK' '{"records":[{"id":"sample-1","title":"ALT_LAS sample record"}]}' ;;
  'POST /records')
    if [ -z "$body" ]; then
      respond '400 Bad Request' '{"error":"POST /records needs the record as the request body"}'
    else
      sum=$(printf '%s' "$body" | ${BB:-} sha256sum)
      respond '201 Created' "{\"id\":\"sha256-${sum%% *}\",\"bytes\":${#body},\"stored\":true}"
    fi
    ;;
  *) respond '404 Not Found' "{\"error\":\"no route for $method $path\"}" ;;
esac

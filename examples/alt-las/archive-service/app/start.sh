# Serves HTTP on $PORT: busybox nc accepts each connection and runs handler.sh on it.
case $0 in */*) app=${0%/*} ;; *) app=. ;; esac
app=$(cd "$app" && pwd)
BB="${app%/app}/bin/busybox"
export BB
echo "archive-service listening on port ${PORT:=9000}"
"$BB" nc -ll -p "$PORT" -e "$BB" sh "$app/handler.sh" &
server=$!
# As PID 1 in a container the shell gets no default signal handling: stop promptly on SIGTERM.
trap 'kill "$server" 2>/dev/null; exit 0' TERM INT
wait "$server"

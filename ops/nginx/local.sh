# Sourced by scripts/nginx-check.sh and loadtests/cluster.sh: the balancer of docker-compose.yml outside Docker, with
# Debian's nginx. Expects `as_user` (an array: the command prefix that drops root, or empty).
#
# nginx_local_render DIR HTTPS_PORT HTTP_PORT REPLICA_PORT...: makes a self-signed certificate under DIR/tls and writes
# DIR/nginx.conf from ops/nginx/nginx.conf.template, listening on 127.0.0.1 in front of the replicas on 127.0.0.1.
nginx_local_render() {
  local dir=$1 https_port=$2 http_port=$3 upstreams="" port
  shift 3
  "${as_user[@]}" sh "$(dirname "${BASH_SOURCE[0]}")/self-signed.sh" "$dir/tls" >/dev/null || return 1
  for port in "$@"; do
    upstreams+="        server 127.0.0.1:$port max_fails=3 fail_timeout=5s;"$'\n'
  done
  UPSTREAM_SERVERS=$upstreams LISTEN_HTTPS=127.0.0.1:$https_port LISTEN_HTTP=127.0.0.1:$http_port \
    HTTPS_PORT_SUFFIX=:$https_port CERT_FILE=$dir/tls/tls.crt KEY_FILE=$dir/tls/tls.key PID_FILE=$dir/nginx.pid \
    TEMP_DIR=$dir/temp ERROR_LOG=$dir/error.log ACCESS_LOG=$dir/access.log \
    sh "$(dirname "${BASH_SOURCE[0]}")/render.sh" > "$dir/nginx.conf" || return 1
  "${as_user[@]}" mkdir -p "$dir/temp"
}

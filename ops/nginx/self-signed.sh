#!/bin/sh
# Usage: self-signed.sh DIR
# Makes DIR/tls.crt and DIR/tls.key, a self-signed P-256 certificate for localhost and 127.0.0.1 valid 365 days, unless
# both exist: a deployment's own certificate put there is never replaced, so this runs on every `docker compose up`
# (the certs service) and before every local run alike. One of the two without the other is refused, not repaired:
# replacing it could throw away the half that was meant to stay.
set -eu
dir=${1:?usage: self-signed.sh DIR}
crt=$dir/tls.crt
key=$dir/tls.key

if [ -e "$crt" ] && [ -e "$key" ]; then
  echo "keeping $crt and $key"
  exit 0
fi
if [ -e "$crt" ] || [ -e "$key" ]; then
  echo "self-signed.sh: only one of $crt and $key exists; remove it or add the other" >&2
  exit 1
fi

mkdir -p "$dir"
umask 077
# Written beside their final names and renamed, so an interrupted run leaves no half-written pair.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$key.tmp" -out "$crt.tmp"
# The certificate is public; the key stays readable by its owner only (nginx's master reads it before dropping rights).
chmod 644 "$crt.tmp"
mv "$key.tmp" "$key"
mv "$crt.tmp" "$crt"
echo "made $crt and $key (self-signed, CN and SAN localhost, 127.0.0.1; 365 days)"

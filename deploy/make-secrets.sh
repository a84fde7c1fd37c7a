#!/usr/bin/env bash
# Creates what docker-compose.yml needs and never overwrites what exists (rotation: docs/security.md):
#   deploy/secrets/jwt-signing-key.pem        RSA key the API signs access tokens with
#   deploy/secrets/consul-management-token    Consul's initial management token (ACL administration, seeding)
#   deploy/secrets/consul-api-token           the API's Consul token (write to marketplace/rules/ only)
#   deploy/secrets/grafana-admin-password     Grafana's admin password (user admin)
#   .env                                      database, broker, cache, search and bootstrap admin passwords, cursor key
set -euo pipefail
cd "$(dirname "$0")/.."
# The directory keeps other users of this machine out. The files themselves must be readable by the containers'
# own users (the API runs as uid 1654): compose mounts a secret file with the permissions it has here.
mkdir -p deploy/secrets
chmod 700 deploy/secrets
umask 022

[ -e deploy/secrets/jwt-signing-key.pem ] || openssl genrsa -out deploy/secrets/jwt-signing-key.pem 2048
for token in consul-management-token consul-api-token; do
  # Consul wants a UUID as a token's secret.
  [ -e "deploy/secrets/$token" ] || cat /proc/sys/kernel/random/uuid > "deploy/secrets/$token"
done
[ -e deploy/secrets/grafana-admin-password ] || openssl rand -hex 24 > deploy/secrets/grafana-admin-password
chmod 644 deploy/secrets/*

if [ ! -e .env ]; then
  umask 077
  password() { openssl rand -hex 24; }
  sed -e "s/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=$(password)/" \
      -e "s/^RABBITMQ_PASSWORD=$/RABBITMQ_PASSWORD=$(password)/" \
      -e "s/^REDIS_PASSWORD=$/REDIS_PASSWORD=$(password)/" \
      -e "s/^ELASTIC_PASSWORD=$/ELASTIC_PASSWORD=$(password)/" \
      -e "s/^MARKETPLACE_ADMIN_PASSWORD=$/MARKETPLACE_ADMIN_PASSWORD=$(password)/" \
      -e "s|^PAGING_CURSOR_KEY=$|PAGING_CURSOR_KEY=$(openssl rand -base64 32)|" \
      deploy/env.example > .env
  echo "wrote .env; the bootstrap admin is $(grep '^MARKETPLACE_ADMIN_EMAIL=' .env | cut -d= -f2) with the password in .env"
fi

# The single Consul server of docker-compose.yml; the image's entrypoint adds -data-dir and -config-dir=/consul/config.
server           = true
bootstrap_expect = 1
ui_config {
  enabled = false
}

# Cluster traffic and the HTTP API only on the container's own address on the compose network (plus loopback for
# the health check); the port is published nowhere, so nothing outside that network reaches the API.
bind_addr   = "{{ GetPrivateIP }}"
client_addr = "127.0.0.1 {{ GetPrivateIP }}"

# No anonymous access: every request needs a token whose policy allows it. The management token is written next to
# this file at start-up from the consul_management_token secret (acl.tokens.initial_management); the agent's own
# token is set by the consul-acl job and kept across restarts.
acl {
  enabled                  = true
  default_policy           = "deny"
  enable_token_persistence = true
  down_policy              = "extend-cache"
}

# TLS (see docs/security.md, "Consul over TLS"): mount the CA, the server certificate and its key, then uncomment.
# ports {
#   http  = -1
#   https = 8501
# }
# tls {
#   defaults {
#     ca_file         = "/consul/tls/ca.pem"
#     cert_file       = "/consul/tls/server.pem"
#     key_file        = "/consul/tls/server-key.pem"
#     verify_incoming = true
#     verify_outgoing = true
#   }
#   internal_rpc {
#     verify_server_hostname = true
#   }
# }

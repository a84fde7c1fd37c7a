# The agent's own token: register its node and read the catalog (anti-entropy), no KV access.
node_prefix "" {
  policy = "write"
}
service_prefix "" {
  policy = "read"
}

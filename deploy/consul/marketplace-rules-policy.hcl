# What the API's token may do: read, watch and check-and-set the runtime rules, and nothing else in Consul.
key_prefix "marketplace/rules/" {
  policy = "write"
}

#!/usr/bin/env python3
"""Checks docker-compose.yml statically, for what `docker compose config` would not say (Docker cannot run here):
health checks, restart policies and resource limits, pinned images, dependencies and their conditions, bind mounts that
exist, Prometheus's targets against the services, nginx's upstreams and the replicas' trusted proxy, the published
ports, the connection pools against PostgreSQL's max_connections, and the API processes' stop grace period against
their drain.

Usage: compose-check.py [COMPOSE_FILE] (docker-compose.yml by default; bind mounts are looked up in the repository).
Prints one line per check and "compose: N passed, N failed" last; exits 1 when a check fails.
"""

import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("[compose] PyYAML is missing: install the Debian package python3-yaml (scripts/services.sh does)")

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
COMPOSE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "docker-compose.yml")
PROMETHEUS = os.path.join(ROOT, "ops", "prometheus", "prometheus.yml")
DOCKERFILE = os.path.join(ROOT, "Dockerfile")

# What an API process does once it is told to stop (the host's defaults): /health/ready turns 503 and it serves on for
# Host:DrainDelay, then closes its listener and gives requests in flight Host:ShutdownTimeout to finish.
DEFAULT_DRAIN_SECONDS = 5
DEFAULT_IN_FLIGHT_SECONDS = 30
# nginx retries what never reached a replica; one failure takes a replica out for this long.
UPSTREAM_PARAMETERS = {"max_fails": "3", "fail_timeout": "5s"}
# The ports images listen on without being told (their documentation), for the targets Prometheus names.
IMAGE_PORTS = {"prom/prometheus": {9090}, "prom/alertmanager": {9093}, "prom/node-exporter": {9100},
               "grafana/grafana": {3000}, "postgres": {5432}, "redis": {6379}, "rabbitmq": {5672, 15672}}
PUBLIC_PORTS = {"80", "443"}
# PostgreSQL's and Npgsql's defaults, where the file does not set them.
POSTGRES_MAX_CONNECTIONS = 100
POSTGRES_RESERVED_CONNECTIONS = 3
NPGSQL_MAX_POOL_SIZE = 100

compose = yaml.safe_load(open(COMPOSE, encoding="utf-8"))
services = compose.get("services") or {}
results = []


def check(name):
    """Registers a check: the function returns a list of problems, empty when it passes."""
    def register(function):
        results.append((name, function))
        return function
    return register


def one_shot(service):
    return str(service.get("restart", "no")) == "no"


def command_of(service):
    command = service.get("command") or []
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def role_of(service):
    """The --role an API-image process was given, or None for another image."""
    if "build" not in service:
        return None
    command = command_of(service)
    if "--role" in command and command.index("--role") + 1 < len(command):
        return command[command.index("--role") + 1]
    return None if command and not command[0].startswith("-") else "all"


def environment_of(service):
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {str(k): "" if v is None else str(v) for k, v in environment.items()}


def seconds(duration):
    """A compose duration (45s, 1m30s, 2h) or a .NET TimeSpan (00:00:05) in seconds."""
    text = str(duration).strip()
    if re.fullmatch(r"\d+:\d{2}:\d{2}(\.\d+)?", text):
        h, m, s = text.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"unreadable duration {duration!r}")
    scale = {"h": 3600, "m": 60, "s": 1, "ms": 0.001, "us": 0.000001}
    return sum(float(n) * scale[u] for n, u in parts)


def networks_of(service):
    networks = service.get("networks")
    if networks is None:
        return set() if service.get("network_mode") else {"default"}
    return set(networks) if isinstance(networks, (list, dict)) else set()


def volume_entries(service):
    """(source, target, is_bind) of each volume of a service, short or long syntax."""
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            yield volume.get("source", ""), volume.get("target", ""), volume.get("type") == "bind"
        else:
            parts = str(volume).split(":")
            source, target = (parts[0], parts[1]) if len(parts) > 1 else ("", parts[0])
            yield source, target, source.startswith((".", "/", "~"))


def published(service):
    """(host address, host port, container port) of each published port."""
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            yield str(port.get("host_ip", "")), str(port.get("published", "")), str(port.get("target", ""))
            continue
        parts = str(port).split("/")[0].split(":")
        if len(parts) == 1:
            yield "", parts[0], parts[0]
        elif len(parts) == 2:
            yield "", parts[0], parts[1]
        else:
            yield ":".join(parts[:-2]), parts[-2], parts[-1]


def image_repository(image):
    name = image.split("@")[0]
    last = name.rsplit("/", 1)[-1]
    return name.rsplit(":", 1)[0] if ":" in last else name


def listening_ports(service):
    """The ports a service listens on inside its network, as far as the file and the images' defaults say."""
    ports = {int(p) for p in service.get("expose") or []}
    ports |= {int(target) for _, _, target in published(service) if target.isdigit()}
    if "build" in service:
        dockerfile = open(DOCKERFILE, encoding="utf-8").read()
        http = re.search(r"ASPNETCORE_HTTP_PORTS=(\d+)", dockerfile)
        ports |= {int(http.group(1))} if http else set()
        metrics = environment_of(service).get("Telemetry__MetricsPort", "")
        ports |= {int(metrics)} if metrics.isdigit() else set()
    if "image" in service:
        ports |= IMAGE_PORTS.get(image_repository(str(service["image"])), set())
    return ports


def nginx_upstreams():
    """(host, port, parameters) of each `server` line nginx's UPSTREAM_SERVERS gives its upstream."""
    text = environment_of(services.get("nginx", {})).get("UPSTREAM_SERVERS", "")
    servers = []
    for line in text.split(";"):
        words = line.split()
        if words[:1] == ["server"] and len(words) > 1:
            host, _, port = words[1].rpartition(":")
            parameters = dict(w.split("=", 1) if "=" in w else (w, "") for w in words[2:])
            servers.append((host, port, parameters))
    return servers


def nginx_backend_address():
    networks = services.get("nginx", {}).get("networks") or {}
    backend = networks.get("backend") if isinstance(networks, dict) else None
    return (backend or {}).get("ipv4_address")


@check("every long-running service has a health check (one-shot jobs excepted)")
def health_checks():
    return [f"{name}: no healthcheck" for name, s in services.items()
            if not one_shot(s) and (not s.get("healthcheck") or s["healthcheck"].get("disable"))]


@check("every long-running service restarts unless stopped; one-shot jobs never restart")
def restart_policies():
    return [f"{name}: restart is {s.get('restart')!r}" for name, s in services.items()
            if str(s.get("restart")) not in ("unless-stopped", "no")]


@check("every service has cpu and memory limits (deploy.resources.limits)")
def limits():
    problems = []
    for name, s in services.items():
        limit = ((s.get("deploy") or {}).get("resources") or {}).get("limits") or {}
        missing = [key for key in ("cpus", "memory") if not limit.get(key)]
        if missing:
            problems.append(f"{name}: no {' and no '.join(missing)} limit")
        if "mem_limit" in s or "cpus" in s:
            problems.append(f"{name}: mem_limit/cpus beside deploy.resources.limits; keep one")
    return problems


@check("every image has a pinned tag (not latest, not missing)")
def pinned_images():
    problems = []
    for name, s in services.items():
        image = s.get("image")
        if image is None:
            if "build" not in s:
                problems.append(f"{name}: neither image nor build")
            continue
        image = str(image)
        if "@sha256:" in image:
            continue
        last = image.rsplit("/", 1)[-1]
        tag = last.split(":", 1)[1] if ":" in last else ""
        if not tag or tag == "latest" or "$" in tag:
            problems.append(f"{name}: {image} is not pinned")
    return problems


@check("every depends_on names a service: a one-shot job with service_completed_successfully, "
       "a service with a health check with service_healthy")
def dependencies():
    problems = []
    for name, s in services.items():
        depends = s.get("depends_on") or {}
        if isinstance(depends, list):
            depends = {d: {} for d in depends}
        for target, condition in depends.items():
            condition = (condition or {}).get("condition", "service_started")
            if target not in services:
                problems.append(f"{name}: depends on {target}, which is not a service")
            elif one_shot(services[target]) and condition != "service_completed_successfully":
                problems.append(f"{name}: waits for one-shot {target} with {condition}")
            elif not one_shot(services[target]) and services[target].get("healthcheck") and condition != "service_healthy":
                problems.append(f"{name}: waits for {target} with {condition}, not service_healthy")
            elif condition == "service_healthy" and not services[target].get("healthcheck"):
                problems.append(f"{name}: waits for {target} to be healthy, but it has no healthcheck")
    return problems


@check("every bind-mounted path exists in the repository, and every named volume and secret is declared")
def mounts():
    problems = []
    for name, s in services.items():
        build = s.get("build")
        context = build.get("context", ".") if isinstance(build, dict) else build
        if context and not os.path.isdir(os.path.join(ROOT, context)):
            problems.append(f"{name}: build context {context} does not exist")
        for source, target, bind in volume_entries(s):
            if bind and not os.path.exists(os.path.join(ROOT, source)):
                problems.append(f"{name}: {source} (mounted at {target}) does not exist")
            elif not bind and source and source not in (compose.get("volumes") or {}):
                problems.append(f"{name}: volume {source} is not declared under volumes")
        for secret in s.get("secrets") or []:
            secret = secret.get("source") if isinstance(secret, dict) else secret
            if secret not in (compose.get("secrets") or {}):
                problems.append(f"{name}: secret {secret} is not declared under secrets")
        for network in networks_of(s) - {"default"}:
            if network not in (compose.get("networks") or {}):
                problems.append(f"{name}: network {network} is not declared under networks")
    return problems


@check("Prometheus's targets are services on ports they listen on, on a network Prometheus shares, and every API "
       "process is scraped")
def scrape_targets():
    problems = []
    config = yaml.safe_load(open(PROMETHEUS, encoding="utf-8"))
    prometheus = services.get("prometheus")
    if prometheus is None:
        return ["no prometheus service"]
    targets = [t for job in config.get("scrape_configs") or [] for sc in job.get("static_configs") or []
               for t in sc.get("targets") or []]
    targets += [t for am in (config.get("alerting") or {}).get("alertmanagers") or []
                for sc in am.get("static_configs") or [] for t in sc.get("targets") or []]
    for target in targets:
        host, _, port = str(target).rpartition(":")
        if host not in services:
            problems.append(f"{target}: {host} is not a service")
            continue
        if not port.isdigit() or int(port) not in listening_ports(services[host]):
            problems.append(f"{target}: {host} listens on {sorted(listening_ports(services[host]))}, not {port}")
        if not networks_of(services[host]) & networks_of(prometheus):
            problems.append(f"{target}: {host} shares no network with prometheus")
    scraped = {str(t).rpartition(":")[0] for t in targets}
    problems += [f"{name} (--role {role_of(s)}) is not scraped" for name, s in services.items()
                 if role_of(s) and not one_shot(s) and name not in scraped]
    return problems


@check("nginx balances over every --role api replica (and nothing else) on the API's port, "
       "each with max_fails=3 fail_timeout=5s")
def upstreams():
    servers = nginx_upstreams()
    if not servers:
        return ["nginx has no UPSTREAM_SERVERS server lines"]
    problems = []
    replicas = {name for name, s in services.items() if role_of(s) in ("api", "all") and not one_shot(s)}
    for host, port, parameters in servers:
        if host not in replicas:
            problems.append(f"server {host}:{port}: not an API replica")
        elif not port.isdigit() or int(port) not in listening_ports(services[host]) or \
                port == environment_of(services[host]).get("Telemetry__MetricsPort"):
            problems.append(f"server {host}:{port}: not the replica's API port")
        wrong = {k: parameters.get(k) for k, v in UPSTREAM_PARAMETERS.items() if parameters.get(k) != v}
        if wrong:
            problems.append(f"server {host}:{port}: {wrong}, expected {UPSTREAM_PARAMETERS}")
    problems += [f"{name} is not an upstream server" for name in sorted(replicas - {h for h, _, _ in servers})]
    return problems


@check("the API replicas believe X-Forwarded-* from nginx's fixed address only, which lies in backend's subnet "
       "outside its dynamic range, on the one network nginx shares with them")
def forwarded_headers():
    import ipaddress
    problems = []
    address = nginx_backend_address()
    if not address:
        return ["nginx has no fixed ipv4_address on backend"]
    ipam = (((compose.get("networks") or {}).get("backend") or {}).get("ipam") or {}).get("config") or [{}]
    subnet, dynamic = ipam[0].get("subnet"), ipam[0].get("ip_range")
    if not subnet or ipaddress.ip_address(address) not in ipaddress.ip_network(subnet):
        problems.append(f"nginx's {address} is not in backend's subnet {subnet}")
    if not dynamic or ipaddress.ip_address(address) in ipaddress.ip_network(dynamic):
        problems.append(f"nginx's {address} may be handed to another container (backend's ip_range is {dynamic})")
    nginx_networks = networks_of(services["nginx"])
    for name, s in services.items():
        if role_of(s) not in ("api", "all") or one_shot(s):
            continue
        environment = environment_of(s)
        trusted = {k: v for k, v in environment.items() if k.startswith("Api__ForwardedHeaders__")}
        if trusted != {"Api__ForwardedHeaders__KnownProxies__0": address}:
            problems.append(f"{name}: trusts {trusted}, expected only KnownProxies__0 = {address}")
        if networks_of(s) & nginx_networks != {"backend"}:
            problems.append(f"{name}: shares {sorted(networks_of(s) & nginx_networks)} with nginx, expected only backend")
    return problems


@check("only nginx publishes ports beyond loopback, and only 80 and 443")
def published_ports():
    problems = []
    for name, s in services.items():
        for host_ip, host_port, _ in published(s):
            if host_ip in ("127.0.0.1", "::1", "[::1]"):
                continue
            if name != "nginx" or host_port not in PUBLIC_PORTS:
                problems.append(f"{name}: publishes {host_port} on {host_ip or 'every address'}")
    return problems


@check("the API processes' connection pools, and one job's, fit PostgreSQL's max_connections")
def connection_budget():
    postgres = services.get("postgres") or {}
    match = re.search(r"max_connections=(\d+)", " ".join(command_of(postgres)))
    available = (int(match.group(1)) if match else POSTGRES_MAX_CONNECTIONS) - POSTGRES_RESERVED_CONNECTIONS
    pools = {}
    for name, s in services.items():
        connection = environment_of(s).get("ConnectionStrings__Postgres")
        if connection is not None:
            size = re.search(r"Maximum Pool Size=(\d+)", connection, re.IGNORECASE)
            pools[name] = int(size.group(1)) if size else NPGSQL_MAX_POOL_SIZE
    processes = sum(size for name, size in pools.items() if not one_shot(services[name]))
    job = max([size for name, size in pools.items() if one_shot(services[name])], default=0)
    if processes + job > available:
        return [f"pools {pools} need {processes} + {job} connections; PostgreSQL leaves {available} to them"]
    return []


@check("every API process's stop_grace_period exceeds its drain delay plus the time requests in flight may take")
def grace_periods():
    problems = []
    for name, s in services.items():
        if not role_of(s) or one_shot(s):
            continue
        drain = environment_of(s).get("Host__DrainDelay")
        in_flight = environment_of(s).get("Host__ShutdownTimeout")
        try:
            needed = (seconds(drain) if drain else DEFAULT_DRAIN_SECONDS) + \
                (seconds(in_flight) if in_flight else DEFAULT_IN_FLIGHT_SECONDS)
            grace = seconds(s.get("stop_grace_period", "10s"))
        except ValueError as e:
            problems.append(f"{name}: {e}")
            continue
        if grace <= needed:
            problems.append(f"{name}: stop_grace_period {grace:g} s, needs more than {needed:g} s")
    return problems


passed = failed = 0
for name, function in results:
    try:
        problems = function()
    except Exception as e:  # a malformed file is a failed check, named, not a traceback
        problems = [f"{type(e).__name__}: {e}"]
    if problems:
        failed += 1
        print(f"[compose] FAILED  {name}")
        for problem in problems:
            print(f"        {problem}")
    else:
        passed += 1
        print(f"[compose] ok      {name}")
print(f"compose: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

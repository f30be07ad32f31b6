"""Deploy artefacts checked without running the service: the Dockerfile's
contract, `docker-compose config`, `promtool check config|rules` and the alert
rules' own unit tests, the Kubernetes manifests (kubernetes-validate offline
for the core kinds, KEDA and PodMonitor by structure), and that the dashboard
and rules use only metric names winnow exports.

External tools come from scripts/ensure-tools (run by `make test`). Without
them these tests skip outside CI and fail when CI=true.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = ROOT / "docker-compose.yml"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "winnow.json"
RULES = DEPLOY / "prometheus" / "rules" / "winnow.yml"
RULES_TESTS = DEPLOY / "prometheus" / "rules-tests.yml"
PROM_CONFIG = DEPLOY / "prometheus" / "prometheus.yml"
K8S = DEPLOY / "k8s"
K8S_CORE = ["namespace.yaml", "configmap.yaml", "deployment.yaml", "service.yaml"]


# ---------------------------------------------------------------- helpers

def require_tool(name: str) -> str:
    """Path of an external tool; fail in CI (CI=true) when missing, else skip."""
    path = shutil.which(name)
    if path:
        return path
    msg = f"{name} not installed (run scripts/ensure-tools as root: Debian packages prometheus, docker-compose, prometheus-redis-exporter)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(msg)
    pytest.skip(msg)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def dockerfile_instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, with continuation lines joined."""
    out: list[tuple[str, str]] = []
    buf = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        word, _, args = buf.partition(" ")
        out.append((word.upper(), args.strip()))
        buf = ""
    return out


def dockerfile_env(instr: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for word, args in instr:
        if word == "ENV":
            for item in shlex.split(args):
                key, sep, value = item.partition("=")
                assert sep, f"ENV {args!r}: use the KEY=value form"
                env[key] = value
    return env


def exec_form(args: str, where: str) -> list[str]:
    try:
        value = json.loads(args)
    except ValueError:
        raise AssertionError(f"{where} must be exec form (a JSON array), got {args!r}") from None
    assert isinstance(value, list) and value and all(isinstance(v, str) for v in value), where
    return value


def container_command(instr: list[tuple[str, str]] | None = None) -> list[str]:
    """ENTRYPOINT + CMD of the image, as the container runs them."""
    instr = instr or dockerfile_instructions()
    entry = [exec_form(a, "ENTRYPOINT") for w, a in instr if w == "ENTRYPOINT"]
    cmd = [exec_form(a, "CMD") for w, a in instr if w == "CMD"]
    return (entry[-1] if entry else []) + (cmd[-1] if cmd else [])


def healthcheck_command(instr: list[tuple[str, str]] | None = None) -> list[str]:
    instr = instr or dockerfile_instructions()
    checks = [a for w, a in instr if w == "HEALTHCHECK"]
    assert len(checks) == 1, "one HEALTHCHECK"
    m = re.search(r"\bCMD\s+(\[.*\])\s*$", checks[0])
    assert m, f"HEALTHCHECK must use CMD in exec form: {checks[0]!r}"
    return exec_form(m.group(1), "HEALTHCHECK CMD")


def config_variables() -> set[str]:
    from service.runtime.config import VARIABLES

    return set(VARIABLES)


def config_default(var: str):
    from service.runtime.config import VARIABLES

    return VARIABLES[var][2]


def dashboard_exprs(dashboard: dict | None = None) -> list[tuple[str, str]]:
    """(panel title, expr) of every query target, including the instance variable's query."""
    dashboard = dashboard or json.loads(DASHBOARD.read_text())
    out = []

    def walk(panels):
        for p in panels:
            for t in p.get("targets", []):
                if t.get("expr"):
                    out.append((p["title"], t["expr"]))
            walk(p.get("panels", []))

    walk(dashboard["panels"])
    return out


def rule_exprs() -> list[tuple[str, str]]:
    doc = yaml.safe_load(RULES.read_text())
    return [(r.get("alert") or r.get("record"), r["expr"]) for g in doc["groups"] for r in g["rules"]]


METRIC_NAME = re.compile(r"\b(winnow_[a-zA-Z0-9_]+)")


def winnow_names_used() -> dict[str, set[str]]:
    """winnow_* metric name -> where it is used (dashboard panel / alert)."""
    used: dict[str, set[str]] = {}
    dash = json.loads(DASHBOARD.read_text())
    for var in dash["templating"]["list"]:
        q = var.get("query")
        text = q.get("query", "") if isinstance(q, dict) else str(q or "")
        for name in METRIC_NAME.findall(text):
            used.setdefault(name, set()).add(f"dashboard variable {var['name']}")
    for where, expr in dashboard_exprs(dash):
        for name in METRIC_NAME.findall(expr):
            used.setdefault(name, set()).add(f"dashboard panel {where!r}")
    for where, expr in rule_exprs():
        for name in METRIC_NAME.findall(expr):
            used.setdefault(name, set()).add(f"alert {where}")
    return used


def exported_names(exposition: str) -> set[str]:
    """Every sample name an exposition can contain: the samples present plus,
    for each declared family (# TYPE), the names its type produces, so a
    labelled counter nobody has incremented yet still counts as exported."""
    names = set()
    suffixes = {
        "counter": ("_total", "_created"),
        "gauge": ("",),
        "histogram": ("_bucket", "_sum", "_count", "_created"),
        "summary": ("", "_sum", "_count", "_created"),
        "info": ("_info",),
    }
    for line in exposition.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(None, 3)
            base = name[: -len("_total")] if kind == "counter" and name.endswith("_total") else name
            names.update(base + s for s in suffixes.get(kind, ("",)))
        elif line and not line.startswith("#"):
            names.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return names


def load_yaml_docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


# ---------------------------------------------------------------- Dockerfile

def test_dockerfile_is_slim_non_root_exec_form_with_healthcheck():
    instr = dockerfile_instructions()
    words = [w for w, _ in instr]
    base = [a for w, a in instr if w == "FROM"]
    assert base and re.fullmatch(r"python:3\.1[1-9][\w.]*-slim(-\w+)?", base[-1].split()[0]), base

    users = [a for w, a in instr if w == "USER"]
    assert users, "the image must switch to a non-root user"
    assert users[-1].split(":")[0] not in ("root", "0")
    assert words.index("USER") < words.index("ENTRYPOINT"), "USER before the entrypoint"

    assert container_command(instr) == ["winnow", "run"]

    env = dockerfile_env(instr)
    unknown = {k for k in env if k.startswith(("WINNOW_", "REDIS_"))} - config_variables()
    assert not unknown, f"Dockerfile sets variables winnow does not read: {unknown}"
    port = env.get("WINNOW_HTTP_PORT", str(config_default("WINNOW_HTTP_PORT")))
    exposed = [p.split("/")[0] for w, a in instr if w == "EXPOSE" for p in a.split()]
    assert exposed == [port]
    assert env.get("WINNOW_HTTP_HOST", config_default("WINNOW_HTTP_HOST")) == "0.0.0.0"

    check = healthcheck_command(instr)
    assert check[0] == "python", "slim images have no curl: check with python"
    assert "/healthz" in " ".join(check) and "/readyz" not in " ".join(check)

    # what it copies exists, and the .dockerignore next to it lets it through
    # (a COPY --from=<stage> takes files from an earlier stage, not from the context)
    copied = [a.split()[:-1] for w, a in instr if w == "COPY" and not a.startswith("--from=")]
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    for sources in copied:
        for src in sources:
            assert (ROOT / src).exists(), src
            assert src.rstrip("/") in allowed, f"{src} is excluded by Dockerfile.dockerignore"
    assert any("pip install ." in a for w, a in instr if w == "RUN")
    # the build stage fails if the compiled fast paths did not build (no silent Python fallback in the image)
    assert any("WINNOW_NATIVE=1" in a and "service.native" in a for w, a in instr if w == "RUN")


def test_container_command_is_the_real_cli_command():
    """ENTRYPOINT+CMD parse as a winnow sub-command, and the healthcheck's
    Python is valid (the live test runs both against a real service)."""
    from service.cli import build_parser

    cmd = container_command()
    args = build_parser(cmd[1]).parse_args(cmd[1:])
    assert args.command == "run" and callable(args.func)
    check = healthcheck_command()
    compile(check[check.index("-c") + 1], "<healthcheck>", "exec")


# ---------------------------------------------------------------- compose

@pytest.fixture(scope="module")
def compose() -> dict:
    tool = require_tool("docker-compose")
    res = run([tool, "-f", str(COMPOSE), "config"], cwd=ROOT)
    assert res.returncode == 0, res.stderr
    return yaml.safe_load(res.stdout)


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(e.split("=", 1) for e in env)
    return {k: str(v) for k, v in env.items()}


def _binds(service: dict) -> list[tuple[str, str]]:
    out = []
    for v in service.get("volumes", []):
        if isinstance(v, dict):
            if v.get("type") == "bind":
                out.append((v["source"], v["target"]))
        else:
            parts = v.split(":")
            if parts[0].startswith(("/", ".")):
                out.append((parts[0], parts[1]))
    return out


def test_compose_config_validates_and_wires_the_stack(compose):
    services = compose["services"]
    assert {"redis", "winnow", "feed", "redis-exporter", "prometheus", "grafana"} <= set(services)

    redis = services["redis"]
    assert redis["healthcheck"]["test"]
    assert any(not str(v.get("source", v) if isinstance(v, dict) else v).startswith("/") for v in redis["volumes"])
    assert re.match(r"redis:(7|8)", redis["image"]), "group lag (XINFO GROUPS) needs Redis 7+"

    winnow = services["winnow"]
    assert winnow["deploy"]["replicas"] == 2
    assert "ports" not in winnow, "two replicas cannot share a host port"
    assert winnow["build"]["dockerfile"].endswith("deploy/Dockerfile")
    env = _env(winnow)
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert "WINNOW_CONSUMER" not in env, "replicas need distinct consumer names (the default hostname-pid)"
    grace = float(env.get("WINNOW_GRACE_SECONDS", config_default("WINNOW_GRACE_SECONDS")))
    stop = winnow.get("stop_grace_period", "10s")
    m = re.fullmatch(r"(\d+)s", stop)
    assert m and int(m.group(1)) > grace, f"stop_grace_period {stop} must exceed the drain time {grace}s"
    assert winnow["depends_on"]["redis"]["condition"] == "service_healthy"

    for name, svc in services.items():
        unknown = {k for k in _env(svc) if k.startswith("WINNOW_")} - config_variables()
        assert not unknown, f"{name} sets variables winnow does not read: {unknown}"
        for source, _target in _binds(svc):
            assert Path(source).exists(), f"{name} mounts missing {source}"


def test_compose_feed_runs_enqueue_loop_on_mounted_samples(compose):
    from service.cli import build_parser
    from service.commands.enqueue import find_pages

    feed = compose["services"]["feed"]
    args = build_parser("enqueue").parse_args(feed["command"])
    assert args.command == "enqueue" and args.loop
    mounts = {target: source for source, target in _binds(feed)}
    for path in args.paths:
        assert path in mounts, f"feed reads {path}, which is not mounted"
        assert len(find_pages([mounts[path]])) >= 3, "the demo feed needs sample pages"


def test_compose_exporter_checks_the_winnow_streams(compose):
    env = _env(compose["services"]["redis-exporter"])
    patterns = env["REDIS_EXPORTER_CHECK_STREAMS"].split(",")
    for var in ("WINNOW_INPUT_STREAM", "WINNOW_DEAD_STREAM", "WINNOW_ARTICLES_STREAM"):
        stream = config_default(var)
        assert any(fnmatch.fnmatchcase(stream, p.split("=")[-1]) for p in patterns), stream
    assert env["REDIS_ADDR"].startswith("redis://redis:")


def test_compose_prometheus_and_grafana_are_provisioned(compose):
    services = compose["services"]
    prom = dict((t, s) for s, t in _binds(services["prometheus"]))
    assert Path(prom["/etc/prometheus/prometheus.yml"]).resolve() == PROM_CONFIG
    assert Path(prom["/etc/prometheus/rules"]).resolve() == RULES.parent
    config = yaml.safe_load(PROM_CONFIG.read_text())
    assert any(fnmatch.fnmatch("/etc/prometheus/rules/" + RULES.name, g) for g in config["rule_files"])
    jobs = {j["job_name"]: j for j in config["scrape_configs"]}
    winnow_port = _env(services["winnow"]).get("WINNOW_HTTP_PORT", "8080")
    assert jobs["winnow"]["dns_sd_configs"][0]["names"] == ["winnow"]
    assert str(jobs["winnow"]["dns_sd_configs"][0]["port"]) == winnow_port
    assert jobs["redis"]["static_configs"][0]["targets"] == ["redis-exporter:9121"]

    graf = dict((t, s) for s, t in _binds(services["grafana"]))
    prov = Path(graf["/etc/grafana/provisioning"])
    ds = yaml.safe_load((prov / "datasources" / "prometheus.yml").read_text())["datasources"][0]
    assert ds["type"] == "prometheus" and ds["url"] == "http://prometheus:9090"
    provider = yaml.safe_load((prov / "dashboards" / "winnow.yml").read_text())["providers"][0]
    mounted = Path(graf[provider["options"]["path"]])
    assert (mounted / DASHBOARD.name).resolve() == DASHBOARD


def test_every_shipped_environment_is_a_valid_winnow_config(compose):
    """The Dockerfile's ENV, each compose service's environment on top of it,
    and the Kubernetes ConfigMap parse as a winnow Config (values, not just names)."""
    from service.runtime.config import Config

    image_env = dockerfile_env(dockerfile_instructions())
    Config.from_env(image_env)
    for name in ("winnow", "feed"):
        cfg = Config.from_env({**image_env, **_env(compose["services"][name])})
        assert cfg.redis_url.startswith("redis://redis:")
    cfg = Config.from_env({**image_env, **_configmap(), "WINNOW_POOL_SIZE": "2", "WINNOW_CONSUMER": "winnow-abc"})
    assert cfg.http_host == "0.0.0.0"


# ---------------------------------------------------------------- promtool

def test_promtool_check_rules():
    tool = require_tool("promtool")
    res = run([tool, "check", "rules", str(RULES)])
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"SUCCESS: {len(rule_exprs())} rules found" in res.stdout


def test_promtool_check_config(tmp_path):
    tool = require_tool("promtool")
    res = run([tool, "check", "config", str(PROM_CONFIG)])
    assert res.returncode == 0, res.stdout + res.stderr
    # the same config with its rule_files pointing at the repository's rules,
    # so the check also loads and checks them as the server would
    config = yaml.safe_load(PROM_CONFIG.read_text())
    config["rule_files"] = [str(RULES.parent / Path(g).name) for g in config["rule_files"]]
    local = tmp_path / "prometheus.yml"
    local.write_text(yaml.safe_dump(config))
    res = run([tool, "check", "config", str(local)])
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"SUCCESS: {len(rule_exprs())} rules found" in res.stdout


def test_promtool_alert_rule_unit_tests():
    """deploy/prometheus/rules-tests.yml: synthetic series in, expected alerts out."""
    tool = require_tool("promtool")
    res = run([tool, "test", "rules", str(RULES_TESTS)], cwd=RULES_TESTS.parent)
    assert res.returncode == 0, res.stdout + res.stderr
    tested = set(re.findall(r"alertname:\s*(\w+)", RULES_TESTS.read_text()))
    assert tested == {name for name, _ in rule_exprs()}, "every alert has a promtool test"


# ---------------------------------------------------------------- dashboard and rules

REQUIRED_ALERT_METRICS = {
    "WinnowBacklogGrowing": "winnow_input_lag",
    "WinnowStuckPendingEntries": "winnow_oldest_pending_age_seconds",
    "WinnowDeadLetters": "winnow_dead_letters_total",
    "WinnowNoProgress": "winnow_last_processed_timestamp_seconds",
    "WinnowHighErrorRatio": "winnow_pages_total",
    "WinnowLatencyObjective": "winnow_end_to_end_latency_seconds_bucket",
    "WinnowInstanceDown": "up",
}


def test_alert_rules_cover_the_required_conditions():
    doc = yaml.safe_load(RULES.read_text())
    rules = {r["alert"]: r for g in doc["groups"] for r in g["rules"]}
    for alert, metric in REQUIRED_ALERT_METRICS.items():
        assert alert in rules, alert
        assert re.search(rf"\b{metric}\b", rules[alert]["expr"]), (alert, metric)
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in ("warning", "critical"), name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name


REQUIRED_PANEL_METRICS = [
    "winnow_pages_total",
    "winnow_end_to_end_latency_seconds_bucket",
    "winnow_stage_seconds_bucket",
    "winnow_input_lag",
    "winnow_input_pending",
    "winnow_oldest_pending_age_seconds",
    "winnow_dead_letters_total",
    "winnow_relevance_score_bucket",
    "winnow_removed_characters_bucket",
    "winnow_redis_errors_total",
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
]


def test_dashboard_has_the_required_panels_and_an_instance_variable():
    dash = json.loads(DASHBOARD.read_text())
    exprs = " ".join(e for _, e in dashboard_exprs(dash))
    for metric in REQUIRED_PANEL_METRICS:
        assert re.search(rf"\b{metric}\b", exprs), metric
    for q in (0.5, 0.95, 0.99):
        assert f"histogram_quantile({q}, sum by (le) (rate(winnow_end_to_end_latency_seconds_bucket" in exprs
    variables = {v["name"]: v for v in dash["templating"]["list"]}
    inst = variables["instance"]
    assert inst["type"] == "query" and inst["multi"] and inst["includeAll"]
    assert "label_values(winnow_build_info, instance)" in json.dumps(inst["query"])
    panels = [p for p in dash["panels"] if p["type"] != "row"]
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids))
    for p in panels:
        assert p["targets"], p["title"]
        for t in p["targets"]:
            # every winnow query follows the instance selection
            if "winnow_" in t["expr"]:
                assert 'instance=~"$instance"' in t["expr"], (p["title"], t["expr"])
            assert t["datasource"]["uid"] == "${datasource}"


def test_dashboard_and_rules_use_only_exported_metric_names():
    """Static half of the contract (the live test checks a running service's
    /metrics too): every winnow_* name is one the service's registry exposes."""
    from prometheus_client import generate_latest

    from service.runtime.metrics import Metrics

    exported = exported_names(generate_latest(Metrics().registry).decode())
    used = winnow_names_used()
    missing = {name: sorted(where) for name, where in used.items() if name not in exported}
    assert not missing, f"not exported by service/runtime/metrics.py: {missing}"
    assert len(used) >= 12


def test_exported_names_expands_declared_families():
    text = (
        "# HELP a_total x\n# TYPE a_total counter\n"
        "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1.0\"} 1.0\n"
        "# HELP b x\n# TYPE b gauge\nb_info{v=\"1\"} 1.0\n"
    )
    names = exported_names(text)
    assert {"a_total", "h_bucket", "h_sum", "h_count", "b", "b_info"} <= names
    assert "a" not in names and "h" not in names


# ---------------------------------------------------------------- Kubernetes

@pytest.mark.parametrize("name", K8S_CORE)
def test_k8s_core_manifests_validate_offline(name):
    import kubernetes_validate

    docs = load_yaml_docs(K8S / name)
    assert docs
    for doc in docs:
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_k8s_validation_rejects_a_broken_manifest():
    """The offline validation is not a rubber stamp."""
    import kubernetes_validate

    doc = load_yaml_docs(K8S / "deployment.yaml")[0]
    doc["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["port"] = ["http"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def _deployment() -> dict:
    return load_yaml_docs(K8S / "deployment.yaml")[0]


def _configmap() -> dict[str, str]:
    return load_yaml_docs(K8S / "configmap.yaml")[0]["data"]


def test_k8s_deployment_contract():
    dep = _deployment()
    pod = dep["spec"]["template"]
    spec = pod["spec"]
    (c,) = spec["containers"]
    config = _configmap()

    unknown = set(config) - config_variables()
    assert not unknown, f"configmap sets variables winnow does not read: {unknown}"
    env = {e["name"]: e for e in c["env"]}
    assert env["WINNOW_CONSUMER"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert set(env) <= config_variables()
    assert c["envFrom"][0]["configMapRef"]["name"] == load_yaml_docs(K8S / "configmap.yaml")[0]["metadata"]["name"]

    # the image's entrypoint is ["winnow"]; args give the same command as CMD
    assert "command" not in c
    assert ["winnow"] + c["args"] == container_command()

    port = int(config.get("WINNOW_HTTP_PORT", config_default("WINNOW_HTTP_PORT")))
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports["http"] == port
    assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(c["resources"][kind])

    grace = float(config.get("WINNOW_GRACE_SECONDS", config_default("WINNOW_GRACE_SECONDS")))
    assert spec["terminationGracePeriodSeconds"] > grace + 5
    assert spec["securityContext"]["runAsNonRoot"] is True

    ann = pod["metadata"]["annotations"]
    assert ann["prometheus.io/scrape"] == "true" and int(ann["prometheus.io/port"]) == port
    assert dep["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()

    svc = load_yaml_docs(K8S / "service.yaml")[0]
    assert svc["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert svc["spec"]["ports"][0]["targetPort"] in ports

    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(K8S_CORE)


# KEDA ScaledObject (keda.sh/v1alpha1) fields, from KEDA's ScaledObject and
# redis-streams scaler documentation; kubernetes-validate has no CRD schemas.
KEDA_SPEC_KEYS = {
    "scaleTargetRef", "pollingInterval", "cooldownPeriod", "initialCooldownPeriod", "idleReplicaCount",
    "minReplicaCount", "maxReplicaCount", "fallback", "advanced", "triggers",
}
KEDA_REDIS_STREAMS_KEYS = {
    "address", "host", "port", "addressFromEnv", "hostFromEnv", "portFromEnv", "usernameFromEnv",
    "passwordFromEnv", "stream", "consumerGroup", "pendingEntriesCount", "streamLength", "lagCount",
    "activationLagCount", "enableTLS", "unsafeSsl", "databaseIndex",
}


def test_keda_scaledobject_scales_the_deployment_on_group_lag():
    (so,) = load_yaml_docs(K8S / "scaledobject.yaml")
    dep = _deployment()
    assert so["apiVersion"] == "keda.sh/v1alpha1" and so["kind"] == "ScaledObject"
    assert so["metadata"]["namespace"] == dep["metadata"]["namespace"]
    spec = so["spec"]
    assert set(spec) <= KEDA_SPEC_KEYS, set(spec) - KEDA_SPEC_KEYS
    assert spec["scaleTargetRef"]["name"] == dep["metadata"]["name"]
    assert 0 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
    for key in ("pollingInterval", "cooldownPeriod", "minReplicaCount", "maxReplicaCount"):
        assert isinstance(spec[key], int)
    behavior = spec["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]
    assert set(behavior) <= {"scaleUp", "scaleDown"}

    (trigger,) = spec["triggers"]
    assert trigger["type"] == "redis-streams"
    meta = trigger["metadata"]
    assert set(meta) <= KEDA_REDIS_STREAMS_KEYS, set(meta) - KEDA_REDIS_STREAMS_KEYS
    assert all(isinstance(v, str) for v in meta.values()), "KEDA trigger metadata values are strings"
    # lag mode: lagCount with its activation threshold, on winnow's stream and group
    assert int(meta["lagCount"]) > 0 and int(meta["activationLagCount"]) >= 0
    assert "pendingEntriesCount" not in meta and "streamLength" not in meta
    config = _configmap()
    assert meta["stream"] == config.get("WINNOW_INPUT_STREAM", config_default("WINNOW_INPUT_STREAM"))
    assert meta["consumerGroup"] == config.get("WINNOW_GROUP", config_default("WINNOW_GROUP"))
    # KEDA wants host:port, and the same Redis winnow uses
    assert re.fullmatch(r"[a-z0-9.-]+:\d+", meta["address"]), meta["address"]
    assert config["REDIS_URL"].startswith(f"redis://{meta['address']}")


def test_podmonitor_selects_the_pods_and_names_the_job_winnow():
    (pm,) = load_yaml_docs(K8S / "podmonitor.yaml")
    pod = _deployment()["spec"]["template"]
    assert pm["apiVersion"] == "monitoring.coreos.com/v1" and pm["kind"] == "PodMonitor"
    assert set(pm["spec"]) <= {"jobLabel", "selector", "podMetricsEndpoints", "namespaceSelector", "podTargetLabels"}
    assert pm["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    # job label = value of the pod label named by jobLabel: "winnow", as the rules expect
    assert pod["metadata"]["labels"][pm["spec"]["jobLabel"]] == "winnow"
    ports = {p["name"] for p in pod["spec"]["containers"][0]["ports"]}
    (endpoint,) = pm["spec"]["podMetricsEndpoints"]
    assert endpoint["port"] in ports and endpoint["path"] == "/metrics"

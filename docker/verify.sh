#!/usr/bin/env bash
# Proves the Dockerfile without Docker Hub: a Debian bookworm base made with debootstrap, the image
# built from it with buildah, then the container briefs an article with no network at all and
# `briefbot run` without a token prints its one clear message. Not part of CI: it takes many
# minutes and needs root, debootstrap, buildah (podman optional), Debian's mirror and PyPI.
#
#   sudo docker/verify.sh            # everything under $WORK, results in $WORK/results.txt
#
# Knobs (environment variables):
#   WORK             where logs, the article and results.txt go (/tmp/briefbot-docker-verify)
#   MIRROR           the Debian mirror for debootstrap
#   BASE_IMAGE       the local base image name; REBUILD_BASE=1 runs debootstrap even if it exists
#   IMAGE            the image to build; SKIP_BUILD=1 keeps it if it exists (container checks only)
#   WHEELS           a folder with the CPU torch wheel (/opt/wheels): then TORCH_INDEX is empty and
#                    the build does not need download.pytorch.org
#   CA               a CA bundle for a TLS-intercepting proxy, handed to pip as PIP_CERT
#   RUNNER=podman    run the container with `podman run` instead of `buildah run`
#   PODMAN_OPTS, PODMAN_RUN_OPTS  extra global and `run` options; where crun refuses hybrid cgroups
#                    and root lacks CAP_SYS_RESOURCE: PODMAN_OPTS="--runtime runc"
#                    PODMAN_RUN_OPTS="--ulimit nofile=4096:4096 --ulimit nproc=4096:4096"
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/briefbot-docker-verify}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
BASE_IMAGE=${BASE_IMAGE:-localhost/debian-bookworm}
IMAGE=${IMAGE:-localhost/briefbot:verify}
WHEELS=${WHEELS:-/opt/wheels}
CA=${CA:-/etc/ssl/certs/ca-certificates.crt}
REBUILD_BASE=${REBUILD_BASE:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
RUNNER=${RUNNER:-buildah}
PODMAN_OPTS=${PODMAN_OPTS:-}
PODMAN_RUN_OPTS=${PODMAN_RUN_OPTS:-}

say() { printf '\n== %s\n' "$*"; }
fail() {
    printf 'FAILED: %s\n' "$*" >&2
    exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap and buildah's chroot isolation need it)"
for tool in debootstrap buildah python3 unshare; do
    command -v "$tool" > /dev/null || fail "$tool is not installed"
done
mkdir -p "$WORK"
results="$WORK/results.txt"
: > "$results"
record() { printf '%s\n' "$*" | tee -a "$results"; }

# 1. The base: a minimal bookworm root file system committed as a local image. Apt's package
#    lists are dropped (the Dockerfile runs apt-get update); PATH is set because an image made
#    from scratch has no environment at all.
if [ "$REBUILD_BASE" = 1 ] || ! buildah inspect --type image "$BASE_IMAGE" > /dev/null 2>&1; then
    say "debootstrap bookworm from $MIRROR"
    rm -rf "$WORK/rootfs"
    start=$(date +%s)
    nice -n 10 debootstrap --variant=minbase bookworm "$WORK/rootfs" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 ||
        fail "debootstrap (see $WORK/debootstrap.log)"
    rm -rf "$WORK"/rootfs/var/lib/apt/lists/* "$WORK"/rootfs/var/cache/apt/*.bin "$WORK"/rootfs/var/cache/apt/archives/*.deb
    tar -C "$WORK/rootfs" -c . | gzip -1 > "$WORK/rootfs.tar.gz"
    container=$(buildah from scratch)
    buildah add "$container" "$WORK/rootfs.tar.gz" / > /dev/null
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$container"
    buildah commit -q "$container" "$BASE_IMAGE" > /dev/null
    buildah rm "$container" > /dev/null
    rm -rf "$WORK/rootfs" "$WORK/rootfs.tar.gz"
    record "base: $BASE_IMAGE made with debootstrap in $(($(date +%s) - start)) s"
else
    record "base: $BASE_IMAGE (already there; REBUILD_BASE=1 makes it again)"
fi

# 2. The image, from the repository's Dockerfile unchanged; only build arguments and read-only
#    mounts adapt it to this machine. The mounts are seen by RUN steps only: their contents are
#    not in the image (buildah leaves the empty mount points /opt/wheels and /run/host-ca.crt).
build_args=(--build-arg "BASE=$BASE_IMAGE")
if [ -d "$WHEELS" ]; then
    build_args+=(--build-arg TORCH_INDEX= --build-arg "PIP_FIND_LINKS=$WHEELS" -v "$WHEELS:$WHEELS:ro")
fi
if [ -f "$CA" ]; then
    build_args+=(--build-arg PIP_CERT=/run/host-ca.crt -v "$CA:/run/host-ca.crt:ro")
fi
if [ "$SKIP_BUILD" = 1 ] && buildah inspect --type image "$IMAGE" > /dev/null 2>&1; then
    record "build: skipped, $IMAGE already there (SKIP_BUILD=1)"
else
    say "buildah bud ${build_args[*]}"
    start=$(date +%s)
    nice -n 10 buildah bud --isolation chroot "${build_args[@]}" -t "$IMAGE" "$repo" > "$WORK/build.log" 2>&1 ||
        fail "the build (see $WORK/build.log)"
    record "build: $(($(date +%s) - start)) s (log: $WORK/build.log)"
fi
record "image: $IMAGE, $(buildah images --format '{{.Size}}' "$IMAGE")"

# 3. The container. No network (so nothing can be downloaded at run time), no DISCORD_TOKEN.
python3 - "$repo/tests/data/cnndm-slice.jsonl" "$WORK/article.txt" << 'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as lines:
    first = json.loads(next(lines))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.write(first["article"])
EOF

# The container runs with no network: buildah's chroot isolation has no network namespace of its
# own, so `unshare --net` gives it an empty one; podman gets `--network none`.
run_in_image() {
    if [ "$RUNNER" = podman ]; then
        # shellcheck disable=SC2086  # the options are lists
        podman $PODMAN_OPTS run $PODMAN_RUN_OPTS --rm --network none -v "$WORK/article.txt:/data/article.txt:ro" "$IMAGE" "$@"
    else
        local container status=0
        container=$(buildah from -q "$IMAGE")
        unshare --net buildah run --isolation chroot -v "$WORK/article.txt:/data/article.txt:ro" \
            "$container" -- "$@" || status=$?
        buildah rm "$container" > /dev/null
        return "$status"
    fi
}
runner=$([ "$RUNNER" = podman ] && echo "podman $PODMAN_OPTS run $PODMAN_RUN_OPTS --network none" || echo "unshare --net buildah run")

say "versions in the image"
record "image runs: $(run_in_image python -c 'import sys, torch
print("Python", sys.version.split()[0], "torch", torch.__version__, "CUDA", torch.cuda.is_available())')"

say "briefbot brief --json /data/article.txt ($runner)"
start=$(date +%s.%N)
run_in_image briefbot brief --json /data/article.txt > "$WORK/brief.json" 2> "$WORK/brief.stderr" ||
    fail "the brief (see $WORK/brief.stderr)"
elapsed=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
python3 - "$WORK/brief.json" << 'EOF' | tee -a "$results"
import json, sys
brief = json.loads(open(sys.argv[1], encoding="utf-8").read())
summary = [s["text"] for s in brief["summary"]["sentences"]]
actors = [a["name"] for a in brief["actors"]]
assert summary and all(summary), "no summary"
assert actors, "no actors"
print(f"brief: {len(summary)} summary sentences, {len(actors)} actors, {len(brief['positions'])} positions")
print("  summary[0]: " + summary[0][:150])
print("  actors: " + ", ".join(actors[:6]))
print(f"  timings_ms: {brief['timings_ms']}")
EOF
record "brief: ${elapsed} s wall in the container (models loaded from scratch, $runner)"

say "briefbot run without DISCORD_TOKEN"
set +e
run_in_image briefbot run > "$WORK/run.stdout" 2> "$WORK/run.stderr"
code=$?
set -e
grep -q "DISCORD_TOKEN is not set" "$WORK/run.stderr" || fail "no clear message (see $WORK/run.stderr)"
grep -q "Traceback" "$WORK/run.stderr" && fail "a traceback (see $WORK/run.stderr)"
[ "$code" -ne 0 ] || fail "briefbot run without a token exited 0"
record "run without token: exit $code, stderr: $(head -n 1 "$WORK/run.stderr")"

say "results ($results)"
cat "$results"

#!/bin/sh
# envd shim for `npm run bench:real` (bench/real.mjs copies it into the tool cache as `envd`). envd cannot be
# built here, so this stands in for it, in sh so that it adds no start-up of its own: it does only what the
# action calls (src/io/envd.ts, src/envd/args.ts) and hands the build to the real BuildKit through buildctl,
# with the cache flags exactly as the action gave them. envd's own work (compiling build.envd into LLB) is
# absent: the build is the Dockerfile in the `--path` directory, built by BuildKit's dockerfile frontend.
#
#   envd [--buildkitd-image IMG | --debug | …] version [--short]
#   envd context create --name N --builder unix|tcp --builder-address A [--use]
#   envd context use --name N | context rm --name N | context ls
#   envd … build --path P --from F --tag T --force --public-key K [--output O] [--platform P]
#                [--export-cache V] [--import-cache V]
#       → buildctl --addr <the current context's address> build --progress plain --frontend dockerfile.v0
#                --local context=P --local dockerfile=P [--output O] [--opt platform=P]
#                [--export-cache V] [--import-cache V]
#
# Contexts live in $HOME/.envd-shim (one file per context holding its buildctl address; `current`).
# ENVD_SHIM_RECORD=FILE: the buildctl arguments after `--addr A` are appended to FILE, one per line, and a line
# `--` after them, so the bench can replay exactly this build through buildctl alone (its floor).
# ENVD_SHIM_PROGRESS_DIR=DIR: each build's output (BuildKit's plain progress) is also written to DIR/build-<n>.log
# (n = 1, 2, … per build in that directory) and its exit code to DIR/build-<n>.rc (bench:replay counts steps from them).
# Progress goes to stdout, where the action reads BuildKit's plain progress as envd prints it.
set -u
state="${HOME:?envd shim: HOME is not set}/.envd-shim"
die() { echo "envd shim: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --buildkitd-image|--owner|--docker-organization|--analytics-token) shift 2 ;;
    --buildkitd-image=*|--owner=*|--docker-organization=*|--analytics-token=*|--debug|--analytics-enabled|--analytics-enabled=*) shift ;;
    -*) die "global flag $1 is not implemented by the shim" ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || die "no command"
cmd="$1"; shift

case "$cmd" in
  version) echo "envd: v1.3.4" ;;
  context)
    sub="${1:-}"; [ $# -gt 0 ] && shift
    name=""; builder=""; address=""; use=false
    while [ $# -gt 0 ]; do
      case "$1" in
        --name) name="$2"; shift ;;
        --builder) builder="$2"; shift ;;
        --builder-address) address="$2"; shift ;;
        --use) use=true ;;
        *) die "context $sub: flag $1 is not implemented by the shim" ;;
      esac
      shift
    done
    mkdir -p "$state"
    case "$sub" in
      create)
        [ -n "$name" ] || die "context create: --name is required"
        [ -e "$state/ctx-$name" ] && die "failed to create context: context \"$name\" already exists"
        case "$builder" in
          unix) printf 'unix://%s\n' "$address" > "$state/ctx-$name" ;;
          tcp) printf 'tcp://%s\n' "$address" > "$state/ctx-$name" ;;
          *) die "context create: builder $builder is not implemented by the shim" ;;
        esac
        if $use; then echo "$name" > "$state/current"; fi ;;
      use)
        [ "$name" = default ] || [ -e "$state/ctx-$name" ] || die "failed to use the specified context $name: context \"$name\" does not exist"
        echo "$name" > "$state/current" ;;
      rm)
        [ "$(cat "$state/current" 2>/dev/null)" = "$name" ] && die "failed to remove context: cannot remove current context \"$name\""
        [ -e "$state/ctx-$name" ] || die "failed to remove context: cannot find context \"$name\""
        rm -f "$state/ctx-$name" ;;
      ls) for f in "$state"/ctx-*; do [ -e "$f" ] && echo "${f##*/ctx-} $(cat "$f")"; done ;;
      *) die "context $sub is not implemented by the shim" ;;
    esac ;;
  build)
    path="."; output=""; platform=""; export=""; import=""
    while [ $# -gt 0 ]; do
      case "$1" in
        --path) path="$2"; shift ;;
        --from|--tag|--public-key) shift ;;
        --force) ;;
        --output) output="$2"; shift ;;
        --platform) platform="$2"; shift ;;
        --export-cache) export="$2"; shift ;;
        --import-cache) import="$2"; shift ;;
        *) die "build: flag $1 is not implemented by the shim" ;;
      esac
      shift
    done
    current="$(cat "$state/current" 2>/dev/null || echo default)"
    [ -e "$state/ctx-$current" ] || die "build: context $current has no builder address (the shim does not emulate the default moby-worker)"
    addr="$(cat "$state/ctx-$current")"
    set -- build --progress plain --frontend dockerfile.v0 --local "context=$path" --local "dockerfile=$path"
    [ -n "$output" ] && set -- "$@" --output "$output"
    [ -n "$platform" ] && set -- "$@" --opt "platform=$platform"
    [ -n "$export" ] && set -- "$@" --export-cache "$export"
    [ -n "$import" ] && set -- "$@" --import-cache "$import"
    if [ -n "${ENVD_SHIM_RECORD:-}" ]; then
      for a in "$@"; do printf '%s\n' "$a"; done >> "$ENVD_SHIM_RECORD"
      echo "--" >> "$ENVD_SHIM_RECORD"
    fi
    if [ -n "${ENVD_SHIM_PROGRESS_DIR:-}" ]; then
      n=1
      while [ -e "$ENVD_SHIM_PROGRESS_DIR/build-$n.log" ]; do n=$((n + 1)); done
      f="$ENVD_SHIM_PROGRESS_DIR/build-$n"
      : > "$f.log"
      { buildctl --addr "$addr" "$@" 2>&1; echo "$?" > "$f.rc"; } | tee -a "$f.log"
      exit "$(cat "$f.rc")"
    fi
    exec buildctl --addr "$addr" "$@" 2>&1 ;;
  *) die "command $cmd is not implemented by the shim" ;;
esac

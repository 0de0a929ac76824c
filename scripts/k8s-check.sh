#!/usr/bin/env bash
# Static checks of the Kubernetes manifests in k8s/ (no cluster needed).
#
#   scripts/k8s-check.sh              render every overlay and check it
#   scripts/k8s-check.sh --self-test  prove the checks refuse broken manifests
#   scripts/k8s-check.sh --all        both (what scripts/test.sh runs)
#
# For each overlay in k8s/overlays/*: `kubectl kustomize` renders it, then
#   1. schema (k8s/check/schema.mjs): every object against the Kubernetes API types of
#      kubernetes-models (pinned in k8s/check/package-lock.json), strict: a wrong type, a missing
#      required field, an unknown enum value or a field the API does not have refuses the object;
#   2. policy (k8s/check/policy.mjs): security and operability rules under checkov's ids (security
#      contexts, probes, resources, image pinning, service account tokens, network policies); a
#      workload breaks one only with a `checkov.io/skipN: CKV_K8S_xx=reason` annotation, and every
#      skip is printed with its reason.
# Any refused object, failed rule or bad skip exits 1.
#
# Needs kubectl (with kustomize built in) and Node.js with npm; installs the checks' npm packages
# into k8s/check/node_modules (npm ci, from the lockfile) when missing or older than the lockfile.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
K8S="$ROOT/k8s"
CHECK="$K8S/check"

log() { printf '[k8s-check] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mode="${1:---check}"
case "$mode" in
    --check|--self-test|--all) ;;
    *) die "unknown argument '$mode' (use --check, --self-test or --all)" ;;
esac

if ! command -v kubectl >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        log "installing kubectl with apt-get"
        apt-get install -y -qq kubectl >/dev/null || die "kubectl is missing and apt-get could not install it"
    else
        die "kubectl is missing (it renders the overlays with its built-in kustomize)"
    fi
fi
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || die "Node.js with npm is missing (scripts/services.sh installs it)"

if [[ ! -f "$CHECK/node_modules/.package-lock.json" || "$CHECK/package-lock.json" -nt "$CHECK/node_modules/.package-lock.json" ]]; then
    log "npm ci in k8s/check"
    (cd "$CHECK" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# check_overlays K8S_DIR OUT_DIR: render every overlay of K8S_DIR into OUT_DIR and run both checks;
# prints their reports, returns 1 when either refuses anything.
check_overlays() {
    local k8s="$1" out="$2" rc=0 overlay name files=()
    mkdir -p "$out"
    for overlay in "$k8s"/overlays/*/; do
        name="$(basename "$overlay")"
        kubectl kustomize "$overlay" >"$out/$name.yaml" || { log "kubectl kustomize $overlay failed"; return 1; }
        log "rendered $name: $(grep -c '^kind:' "$out/$name.yaml") objects"
        files+=("$out/$name.yaml")
    done
    (cd "$out" && node "$CHECK/schema.mjs" "${files[@]##*/}") || rc=1
    (cd "$out" && node "$CHECK/policy.mjs" "${files[@]##*/}") || rc=1
    return "$rc"
}

run_check() {
    log "checking k8s/overlays/* (schema: Kubernetes API types of kubernetes-models $(node -p "require('$CHECK/node_modules/kubernetes-models/package.json').version"))"
    check_overlays "$K8S" "$WORK/rendered" || die "the manifests are refused (see above)"
    log "manifests OK"
}

# A copy of k8s/ with two broken Deployments added to the base: one with a field of the wrong type,
# a skip without a reason and a skip that is not needed; one with a field the API does not have.
# Neither has a securityContext. Both checks must refuse the copy, naming the broken objects and
# what is wrong, and nothing else.
run_self_test() {
    local copy="$WORK/self-test/k8s" report="$WORK/self-test/report.txt"
    mkdir -p "$copy"
    cp -r "$K8S/base" "$K8S/overlays" "$copy/"
    cat >"$copy/base/broken.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken-wrong-type
  annotations:
    checkov.io/skip1: CKV_K8S_19=this pod does not use the host network, so the skip has no reason to be
    checkov.io/skip2: CKV_K8S_8
spec:
  replicas: three
  selector:
    matchLabels: {app.kubernetes.io/name: broken}
  template:
    metadata:
      labels: {app.kubernetes.io/name: broken}
    spec:
      containers:
        - name: app
          image: hotline-grains
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken-unknown-field
spec:
  replicas: 1
  selector:
    matchLabels: {app.kubernetes.io/name: broken}
  template:
    metadata:
      labels: {app.kubernetes.io/name: broken}
    spec:
      containers:
        - name: app
          image: hotline-grains
          imagePullPolicy: Always
          restartPolicyy: Always
YAML
    sed -i 's/^resources:$/resources:\n  - broken.yaml/' "$copy/base/kustomization.yaml"
    if check_overlays "$copy" "$WORK/self-test/rendered" >"$report" 2>&1; then
        cat "$report" >&2
        die "self-test: the checks accepted broken manifests"
    fi
    local expect failed=0
    for expect in \
        "REFUSED dev.yaml: Deployment hotline-dev/broken-wrong-type: .*replicas" \
        "REFUSED dev.yaml: Deployment hotline-dev/broken-unknown-field: .*restartPolicyy" \
        "REFUSED production.yaml: Deployment hotline/broken-wrong-type" \
        "REFUSED production.yaml: Deployment hotline/broken-unknown-field" \
        "FAILED dev.yaml: Deployment hotline-dev/broken-unknown-field: CKV_K8S_30 container security context set" \
        "FAILED production.yaml: Deployment hotline/broken-wrong-type: CKV_K8S_20 allowPrivilegeEscalation false" \
        "FAILED production.yaml: Deployment hotline/broken-wrong-type: CKV_K8S_31 seccomp profile RuntimeDefault" \
        "FAILED dev.yaml: Deployment hotline-dev/broken-wrong-type: skip of CKV_K8S_19 is not needed" \
        "FAILED dev.yaml: Deployment hotline-dev/broken-wrong-type: annotation checkov.io/skip2 must read"; do
        if ! grep -q -- "$expect" "$report"; then
            log "self-test: expected a line matching: $expect"
            failed=1
        fi
    done
    # Only the broken objects may be refused: the rest of the copy is the real, passing manifests.
    if grep -E "REFUSED|FAILED" "$report" | grep -v -q "broken-"; then
        grep -E "REFUSED|FAILED" "$report" | grep -v "broken-" >&2
        failed=1
        log "self-test: objects other than the broken ones were refused"
    fi
    if (( failed )); then
        cat "$report" >&2
        die "self-test failed"
    fi
    log "self-test OK: both checks refuse the broken copy ($(grep -c -E 'REFUSED|FAILED' "$report") findings, all on the broken objects)"
}

start=$SECONDS
case "$mode" in
    --check) run_check ;;
    --self-test) run_self_test ;;
    --all) run_check; run_self_test ;;
esac
log "done in $((SECONDS - start)) s"

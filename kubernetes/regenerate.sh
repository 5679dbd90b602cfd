#!/usr/bin/env bash
# Regenerates kubernetes/base/kubernetes.yml from the quarkus.kubernetes.* properties in
# src/main/resources/application.properties (quarkus-kubernetes writes
# target/kubernetes/kubernetes.yml during `package`), then renders the kustomization once
# as a smoke check. Run from anywhere; commit the result.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./mvnw -B -q package -DskipTests
cp target/kubernetes/kubernetes.yml kubernetes/base/kubernetes.yml
kubectl kustomize kubernetes/ >/dev/null
echo "kubernetes/base/kubernetes.yml regenerated; review with: git diff kubernetes/base"

#!/bin/sh
# Renders deploy/manifests/netsec.yaml from the Helm chart's default values, without helm, with
# the template renderer in test/deploy/ (docs/adr/0004-deployment-rendering.md), then checks it.
set -eu
cd "$(dirname "$0")/../.."
NETSEC_UPDATE_MANIFESTS=1 npx vitest run test/deploy/plain-manifests.test.ts

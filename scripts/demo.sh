#!/usr/bin/env bash
# The README's first command: a demo cluster on the built-in lab (3 simulated CentOS 7.9
# hosts behind real SSH), brought up by `kubeforge up` and verified.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx kubeforge lab up 3
npx kubeforge up -i .kubeforge/lab/inventory.yaml
cat <<'MSG'

Look around:
  npx kubeforge lab status
  npx kubeforge lab exec kf-master01 -- kubectl get nodes -o wide
  ssh -i .kubeforge/lab/id_ed25519 -o UserKnownHostsFile=.kubeforge/lab/known_hosts root@198.18.0.10
  npx kubeforge doctor -i .kubeforge/lab/inventory.yaml
Tear down:
  npx kubeforge lab down
MSG

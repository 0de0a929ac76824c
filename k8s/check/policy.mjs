// Security and operability rules for rendered manifests, offline. checkov (the tool the project
// asked for) cannot be installed here: PyPI is out of reach from the project's machines. These
// rules stand in for the checkov Kubernetes checks the project cares about and carry the same ids,
// so the skips are written the way checkov reads them: an annotation on the object's metadata,
//   checkov.io/skip1: CKV_K8S_38=why this object may break the rule
// A skip must give a reason, name a rule this file knows, and be needed (a skip of a rule the
// object passes is refused, so skips cannot outlive their reason).
// Usage: node policy.mjs RENDERED.yaml...   Exit 1 on any failed rule or bad skip.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const workloadKinds = new Set(["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"]);
const clusterScoped = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
  "CustomResourceDefinition", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"]);

function podOf(doc) {
  if (!workloadKinds.has(doc.kind)) return null;
  if (doc.kind === "Pod") return { metadata: doc.metadata ?? {}, spec: doc.spec ?? {} };
  if (doc.kind === "CronJob") return doc.spec?.jobTemplate?.spec?.template ?? { spec: {} };
  return doc.spec?.template ?? { spec: {} };
}

const containersOf = (spec) => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
const appContainersOf = (spec) => spec.containers ?? [];
const eachContainer = (test) => (pod) => containersOf(pod.spec).filter((c) => !test(c, pod.spec)).map((c) => `container ${c.name}`);
const eachAppContainer = (test) => (pod) => appContainersOf(pod.spec).filter((c) => !test(c, pod.spec)).map((c) => `container ${c.name}`);
const effective = (c, spec, key) => c.securityContext?.[key] ?? spec.securityContext?.[key];
const imageTag = (image) => {
  const withoutDigest = image.split("@")[0];
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  return colon > slash ? withoutDigest.slice(colon + 1) : "";
};

/** Rules on a workload's pod template: id, what it asks, and the containers (or pod) that fail. */
export const podRules = [
  ["CKV_K8S_8", "liveness probe configured", eachAppContainer((c) => !!c.livenessProbe)],
  ["CKV_K8S_9", "readiness probe configured", eachAppContainer((c) => !!c.readinessProbe)],
  ["CKV_K8S_10", "CPU request set", eachContainer((c) => c.resources?.requests?.cpu !== undefined)],
  ["CKV_K8S_11", "CPU limit set", eachContainer((c) => c.resources?.limits?.cpu !== undefined)],
  ["CKV_K8S_12", "memory request set", eachContainer((c) => c.resources?.requests?.memory !== undefined)],
  ["CKV_K8S_13", "memory limit set", eachContainer((c) => c.resources?.limits?.memory !== undefined)],
  ["CKV_K8S_14", "image tag fixed (not latest, not blank)", eachContainer((c) => typeof c.image === "string" && (c.image.includes("@") || !["", "latest"].includes(imageTag(c.image))))],
  ["CKV_K8S_15", "image pull policy Always", eachContainer((c) => c.imagePullPolicy === "Always")],
  ["CKV_K8S_16", "container not privileged", eachContainer((c) => c.securityContext?.privileged !== true)],
  ["CKV_K8S_17", "host PID namespace not shared", (pod) => (pod.spec.hostPID ? ["pod"] : [])],
  ["CKV_K8S_18", "host IPC namespace not shared", (pod) => (pod.spec.hostIPC ? ["pod"] : [])],
  ["CKV_K8S_19", "host network not shared", (pod) => (pod.spec.hostNetwork ? ["pod"] : [])],
  ["CKV_K8S_20", "allowPrivilegeEscalation false", eachContainer((c) => c.securityContext?.allowPrivilegeEscalation === false)],
  ["CKV_K8S_22", "read-only root filesystem", eachContainer((c) => c.securityContext?.readOnlyRootFilesystem === true)],
  ["CKV_K8S_23", "runs as non-root", eachContainer((c, spec) => effective(c, spec, "runAsNonRoot") === true)],
  ["CKV_K8S_25", "no added capabilities", eachContainer((c) => !(c.securityContext?.capabilities?.add?.length > 0))],
  ["CKV_K8S_28", "NET_RAW dropped", eachContainer((c) => (c.securityContext?.capabilities?.drop ?? []).some((d) => d === "ALL" || d === "NET_RAW"))],
  ["CKV_K8S_29", "pod security context set", (pod) => (pod.spec.securityContext ? [] : ["pod"])],
  ["CKV_K8S_30", "container security context set", eachContainer((c) => !!c.securityContext)],
  ["CKV_K8S_31", "seccomp profile RuntimeDefault", eachContainer((c, spec) => (c.securityContext?.seccompProfile?.type ?? spec.securityContext?.seccompProfile?.type) === "RuntimeDefault")],
  ["CKV_K8S_35", "secrets as files, not environment variables", eachContainer((c) =>
    !(c.env ?? []).some((e) => e.valueFrom?.secretKeyRef) && !(c.envFrom ?? []).some((e) => e.secretRef))],
  ["CKV_K8S_37", "all capabilities dropped", eachContainer((c) => (c.securityContext?.capabilities?.drop ?? []).includes("ALL"))],
  ["CKV_K8S_38", "service account token not mounted", (pod) => (pod.spec.automountServiceAccountToken === false ? [] : ["pod"])],
  ["CKV_K8S_40", "runs with a UID of 10000 or more", eachContainer((c, spec) => (effective(c, spec, "runAsUser") ?? 0) >= 10000)],
  ["CKV_K8S_43", "image pinned by digest", eachContainer((c) => typeof c.image === "string" && /@sha256:[0-9a-f]{64}$/.test(c.image))],
];

function skipsOf(doc, where, problems) {
  const skips = new Map();
  for (const [key, value] of Object.entries(doc.metadata?.annotations ?? {})) {
    if (!/^checkov\.io\/skip\d+$/.test(key)) continue;
    const match = /^(CKV2?_K8S_\d+)=(.*)$/s.exec(String(value));
    if (!match || match[2].trim().length < 10) {
      problems.push(`${where}: annotation ${key} must read CKV_K8S_<n>=<reason of at least a few words>`);
      continue;
    }
    skips.set(match[1], match[2].trim());
  }
  return skips;
}

function matches(selector, labels) {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case "In": return has && e.values.includes(labels[e.key]);
      case "NotIn": return !has || !e.values.includes(labels[e.key]);
      case "Exists": return has;
      case "DoesNotExist": return !has;
      default: return false;
    }
  });
  return byLabels && byExpressions;
}

export function checkPolicy(files) {
  const problems = [];
  const skipped = [];
  let objects = 0;
  let checks = 0;
  const docs = [];
  for (const file of files) {
    for (const d of parseAllDocuments(readFileSync(file, "utf8"))) {
      const doc = d.toJS();
      if (doc) docs.push({ file, doc });
    }
  }
  const policies = docs.filter(({ doc }) => doc.kind === "NetworkPolicy").map(({ doc }) => doc);
  for (const { file, doc } of docs) {
    objects++;
    const where = `${file}: ${doc.kind} ${doc.metadata?.namespace ? doc.metadata.namespace + "/" : ""}${doc.metadata?.name}`;
    const skips = skipsOf(doc, where, problems);
    const used = new Set();
    const rule = (id, what, failures) => {
      checks++;
      if (!failures.length) return;
      if (skips.has(id)) {
        used.add(id);
        skipped.push(`${where}: ${id} (${what}) skipped: ${skips.get(id)}`);
        return;
      }
      problems.push(`${where}: ${id} ${what}: fails for ${failures.join(", ")}`);
    };

    if (!clusterScoped.has(doc.kind)) {
      rule("CKV_K8S_21", "not in the default namespace", doc.metadata?.namespace && doc.metadata.namespace !== "default" ? [] : ["object"]);
    }
    const pod = podOf(doc);
    if (pod) {
      for (const [id, what, failing] of podRules) rule(id, what, failing(pod));
      const namespace = doc.metadata?.namespace;
      const labels = pod.metadata?.labels ?? {};
      const covered = policies.some((p) => p.metadata?.namespace === namespace && matches(p.spec?.podSelector, labels));
      rule("CKV2_K8S_6", "pods selected by a NetworkPolicy", covered ? [] : ["pod"]);
    }
    for (const id of skips.keys()) {
      if (!used.has(id)) problems.push(`${where}: skip of ${id} is not needed (the rule passes or does not apply here): remove it`);
    }
  }
  return { objects, checks, problems, skipped };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  const { objects, checks, problems, skipped } = checkPolicy(files);
  for (const s of skipped) console.log(`  skipped ${s}`);
  for (const p of problems) console.log(`  FAILED ${p}`);
  console.log(`policy: ${objects} objects, ${checks} checks, ${checks - problems.length - skipped.length} passed, ${skipped.length} skipped, ${problems.length} failed`);
  process.exit(problems.length ? 1 : 0);
}

// Schema check of rendered manifests, offline, against the Kubernetes API types that
// kubernetes-models generates from the Kubernetes OpenAPI document (version pinned in
// package-lock.json). Two passes over every object:
//   1. the models' JSON-schema validator: types, required fields, enums, formats;
//   2. the TypeScript compiler on the object as a literal of the model's interface: it refuses a
//      field the API does not have at any depth (what `kubectl apply --validate=strict` refuses),
//      which JSON schemas without additionalProperties=false let through.
// Usage: node schema.mjs RENDERED.yaml...   Exit 1 when any object is refused.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const models = join(here, "node_modules", "kubernetes-models");

/** kubernetes-models' module (without extension) for an apiVersion and kind, or null. */
function modelPath(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  const path = `${apiVersion}/${kind}`; // "v1/Service", "apps/v1/Deployment", "networking.k8s.io/v1/Ingress"
  return existsSync(join(models, `${path}.js`)) ? path : null;
}

function describe(doc) {
  const name = doc?.metadata?.name ?? "(no name)";
  const ns = doc?.metadata?.namespace ? `${doc.metadata.namespace}/` : "";
  return `${doc?.kind ?? "(no kind)"} ${ns}${name}`;
}

/**
 * kustomize wraps a Secret's base64 values over lines; the API server's decoder (Go's
 * encoding/base64) skips line breaks, the JSON schema's "byte" format does not: compare unwrapped.
 */
function forSchema(doc) {
  if (doc.apiVersion !== "v1" || doc.kind !== "Secret" || typeof doc.data !== "object" || doc.data === null) return doc;
  const data = Object.fromEntries(Object.entries(doc.data).map(([k, v]) => [k, typeof v === "string" ? v.replace(/[\r\n]/g, "") : v]));
  return { ...doc, data };
}

export async function checkSchema(files) {
  const problems = [];
  const objects = [];
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(file, "utf8"));
    for (const d of docs) {
      if (d.errors.length) {
        problems.push(`${file}: YAML: ${d.errors.map((e) => e.message).join("; ")}`);
        continue;
      }
      const doc = d.toJS();
      if (doc == null) continue;
      objects.push({ file, doc });
    }
  }

  const work = join(here, ".work", `schema-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    const sources = new Map();
    let n = 0;
    for (const { file, doc } of objects) {
      const what = `${relative(process.cwd(), file)}: ${describe(doc)}`;
      const path = modelPath(doc.apiVersion, doc.kind);
      if (!path) {
        problems.push(`${what}: apiVersion ${doc.apiVersion} kind ${doc.kind} is not a Kubernetes API type`);
        continue;
      }
      const module = await import(join(models, `${path}.js`));
      const Model = module[doc.kind];
      try {
        new Model(forSchema(doc)).validate();
      } catch (error) {
        problems.push(`${what}: ${error.message}`);
      }
      const source = join(work, `object${++n}.ts`);
      writeFileSync(source,
        `import type { I${doc.kind} } from "kubernetes-models/${path}";\n` +
        `export const object: I${doc.kind} = ${JSON.stringify(doc, null, 2)};\n`);
      sources.set(source, what);
    }

    if (sources.size) {
      const program = ts.createProgram([...sources.keys()], {
        strict: true, noEmit: true, skipLibCheck: true, types: [],
        module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        baseUrl: here, typeRoots: [],
      });
      for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
        const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
        const what = diagnostic.file ? sources.get(diagnostic.file.fileName) : undefined;
        if (what && diagnostic.start !== undefined) {
          // The line of the generated literal names the offending field's place.
          const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
          const at = diagnostic.file.text.split("\n")[line].trim();
          problems.push(`${what}: ${text} (at ${at})`);
        } else {
          problems.push(`TypeScript: ${text}`);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { objects: objects.length, problems };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = process.argv.slice(2);
  const { objects, problems } = await checkSchema(files);
  for (const problem of problems) console.log(`  REFUSED ${problem}`);
  console.log(`schema: ${objects} objects in ${files.length} file(s), ${problems.length} problem(s)`);
  process.exit(problems.length ? 1 : 0);
}

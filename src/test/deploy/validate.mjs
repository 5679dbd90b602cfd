#!/usr/bin/env node
// Validates Kubernetes manifests offline, strictly. Used by the JUnit tests in
// src/test/java/kv/deploy; runnable by hand:  node src/test/deploy/validate.mjs FILE...
//
// Each YAML document must
//  1. parse cleanly (no YAML errors or warnings, no duplicate keys);
//  2. be a kind listed in KINDS below (anything else is an error, not a pass);
//  3. pass the kubernetes-models schema (types, formats such as quantities and int32,
//     enums, required fields) for its apiVersion/kind;
//  4. contain no field unknown to the Kubernetes API: every object key is looked up in the
//     attribute tables of @kubernetes/client-node's generated models (the API's OpenAPI
//     definitions), recursively. Custom resources (ServiceMonitor, PrometheusRule) get steps 1-3 and the
//     unknown-field check of their metadata only.
// On success prints {"objects":[...]} (the parsed documents) as JSON on stdout, exit 0;
// otherwise one line per problem on stderr, exit 1.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseAllDocuments } from "yaml";
import * as k8s from "@kubernetes/client-node";

const require = createRequire(import.meta.url);

const KINDS = {
  "v1/ConfigMap": ["kubernetes-models/v1/ConfigMap", "ConfigMap", "V1ConfigMap"],
  "v1/Secret": ["kubernetes-models/v1/Secret", "Secret", "V1Secret"],
  "v1/Service": ["kubernetes-models/v1/Service", "Service", "V1Service"],
  "v1/ServiceAccount": ["kubernetes-models/v1/ServiceAccount", "ServiceAccount", "V1ServiceAccount"],
  "apps/v1/StatefulSet": ["kubernetes-models/apps/v1/StatefulSet", "StatefulSet", "V1StatefulSet"],
  "apps/v1/Deployment": ["kubernetes-models/apps/v1/Deployment", "Deployment", "V1Deployment"],
  "policy/v1/PodDisruptionBudget": ["kubernetes-models/policy/v1/PodDisruptionBudget", "PodDisruptionBudget", "V1PodDisruptionBudget"],
  "monitoring.coreos.com/v1/ServiceMonitor": [
    "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor", "ServiceMonitor", null],
  "monitoring.coreos.com/v1/PrometheusRule": [
    "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule", "PrometheusRule", null],
};

const problems = [];
const objects = [];

function unknownFields(value, type, path) {
  if (value === null || value === undefined) return;
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (!Array.isArray(value)) { problems.push(`${path}: expected a list`); return; }
    value.forEach((v, i) => unknownFields(v, m[1], `${path}[${i}]`));
    return;
  }
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
    if (typeof value !== "object" || Array.isArray(value)) { problems.push(`${path}: expected a map`); return; }
    for (const [k, v] of Object.entries(value)) unknownFields(v, m[1], `${path}.${k}`);
    return;
  }
  if (["string", "number", "boolean", "Date", "IntOrString", "object", "any"].includes(type)) return;
  const model = k8s[type];
  if (!model || typeof model.getAttributeTypeMap !== "function") {
    problems.push(`${path}: no API model for type ${type} (validator needs updating)`);
    return;
  }
  if (typeof value !== "object" || Array.isArray(value)) { problems.push(`${path}: expected an object (${type})`); return; }
  const attrs = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [k, v] of Object.entries(value)) {
    if (!attrs.has(k)) problems.push(`${path}.${k}: unknown field (not in ${type})`);
    else unknownFields(v, attrs.get(k), `${path}.${k}`);
  }
}

function check(doc, where) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    problems.push(`${where}: not an object`);
    return;
  }
  const key = `${doc.apiVersion}/${doc.kind}`;
  const name = doc.metadata && doc.metadata.name;
  const at = `${where} ${doc.kind}/${name}`;
  if (!name) problems.push(`${at}: metadata.name missing`);
  const entry = KINDS[key];
  if (!entry) { problems.push(`${at}: no schema known for ${key}`); return; }
  const [module, className, clientModel] = entry;
  const Model = require(module)[className];
  try {
    new Model(doc).validate();
  } catch (e) {
    problems.push(`${at}: schema: ${e.message}`);
  }
  if (clientModel) unknownFields(doc, clientModel, at);
  else unknownFields(doc.metadata, "V1ObjectMeta", `${at}.metadata`);
  objects.push(doc);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE...");
  process.exit(2);
}
for (const file of files) {
  const text = readFileSync(file === "-" ? 0 : file, "utf8");
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true });
  docs.forEach((d, i) => {
    const where = `${file}#${i}`;
    for (const e of [...d.errors, ...d.warnings]) problems.push(`${where}: YAML: ${e.message}`);
    const js = d.toJS();
    if (js === null || js === undefined) return; // empty document (e.g. a lone ---)
    check(js, where);
  });
}
const seen = new Set();
for (const o of objects) {
  const id = `${o.kind}/${o.metadata && o.metadata.name}`;
  if (seen.has(id)) problems.push(`duplicate object ${id}`);
  seen.add(id);
}
if (objects.length === 0) problems.push("no Kubernetes objects found");
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  process.exit(1);
}
process.stdout.write(JSON.stringify({ objects }));

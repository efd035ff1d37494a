// Checks CiliumNetworkPolicy documents (a JSON array on standard input) against Cilium's own API
// types, as @kubernetes-models/cilium publishes them: generated from cilium/cilium's Go types and
// their validation markers, the source Cilium's CRD schema is generated from. Two checks, because
// neither alone is what `kubectl apply` does:
//   - the schema (patterns, enumerations, required fields, oneOf), by the package's validators;
//   - field names: the schema lets unknown fields through (the API server would prune them, and
//     a misspelt `toFQDN` would vanish without a word), so each document is also type-checked by
//     the TypeScript compiler as an object literal of Cilium's interface, where an unknown field
//     is an error at any depth.
// Exit 0 valid, 1 with the reasons on standard error. Called by outputs.py (format cilium).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { CiliumNetworkPolicy } from "@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy";

const documents = JSON.parse(readFileSync(0, "utf8"));
const errors = [];

documents.forEach((document, i) => {
  if (document.apiVersion !== "cilium.io/v2" || document.kind !== "CiliumNetworkPolicy") {
    errors.push(`document ${i + 1}: not a cilium.io/v2 CiliumNetworkPolicy`);
    return;
  }
  try {
    new CiliumNetworkPolicy(document).validate();
  } catch (error) {
    errors.push(`document ${i + 1}: ${error.message}`);
  }
});

// The program exists only in memory; its path sits here so that the package resolves from the
// project's node_modules.
const program = fileURLToPath(new URL("./cilium-policies.ts", import.meta.url));
const source =
  'import type { ICiliumNetworkPolicy } from "@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy";\n' +
  documents
    .map((d, i) => `export const document${i + 1}: ICiliumNetworkPolicy = ${JSON.stringify(d, null, 2)};\n`)
    .join("");
const options = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
};
const host = ts.createCompilerHost(options);
const readSource = host.getSourceFile.bind(host);
host.getSourceFile = (name, language, ...rest) =>
  name === program ? ts.createSourceFile(name, source, language) : readSource(name, language, ...rest);
const exists = host.fileExists.bind(host);
host.fileExists = (name) => name === program || exists(name);

for (const d of ts.getPreEmitDiagnostics(ts.createProgram([program], options, host))) {
  const at = d.file
    ? `${d.file.fileName === program ? "policy" : d.file.fileName} line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: `
    : "";
  errors.push(at + ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

for (const error of errors) console.error(error);
process.exit(errors.length ? 1 : 0);

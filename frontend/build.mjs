// Builds static/build/: compiled CSS plus the JavaScript and assets the packages ship.
// MoJ Frontend is used for CSS-only components (timeline, sub navigation): no MoJ script.
// The output is git-ignored; third-party files are installed by npm, never committed.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = `${root}static/build`;
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = sass.compile(`${root}frontend/app.scss`, {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  loadPaths: [root],
  quietDeps: true,
  silenceDeprecations: ["import"],
  logger: sass.Logger.silent,
});
writeFileSync(`${out}/app.css`, result.css);

const govuk = `${root}node_modules/govuk-frontend/dist/govuk`;
const moj = `${root}node_modules/@ministryofjustice/frontend/moj`;
cpSync(`${govuk}/assets`, `${out}/assets`, { recursive: true });
cpSync(`${govuk}/govuk-frontend.min.js`, `${out}/govuk/govuk-frontend.min.js`);
cpSync(`${moj}/assets`, `${out}/assets`, { recursive: true });
console.log(`built ${out}`);

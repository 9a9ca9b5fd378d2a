// Builds the stylesheet and copies GOV.UK and MOJ Frontend's scripts and assets into
// assure/static/dist, where Django's static files finder serves them.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "..", "assure", "static", "dist");
mkdirSync(out, { recursive: true });

for (const name of ["assure", "moj"]) {
  const result = sass.compile(join(here, "src", `${name}.scss`), {
    loadPaths: [modules, here],
    style: "compressed",
    quietDeps: true,
    logger: sass.Logger.silent,
  });
  writeFileSync(join(out, `${name}.css`), result.css);
}

cpSync(join(modules, "govuk-frontend/dist/govuk/govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(modules, "@ministryofjustice/frontend/moj/moj-frontend.min.js"), join(out, "moj-frontend.min.js"));
cpSync(join(modules, "govuk-frontend/dist/govuk/assets"), join(out, "assets"), { recursive: true });
cpSync(join(modules, "@ministryofjustice/frontend/moj/assets"), join(out, "assets"), { recursive: true });
console.log(`built ${out}`);

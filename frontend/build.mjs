// Builds the stylesheet and copies GOV.UK and MOJ Frontend's scripts and assets into
// assure/static/dist, where Django's static files finder serves them.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
  // The autocomplete's own styles ride with Assure's stylesheet: one file, one request.
  const extra =
    name === "assure"
      ? "\n" + readFileSync(join(modules, "accessible-autocomplete/dist/accessible-autocomplete.min.css"), "utf8")
      : "";
  writeFileSync(join(out, `${name}.css`), result.css + extra);
}

cpSync(join(modules, "govuk-frontend/dist/govuk/govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(modules, "@ministryofjustice/frontend/moj/moj-frontend.min.js"), join(out, "moj-frontend.min.js"));
cpSync(
  join(modules, "accessible-autocomplete/dist/accessible-autocomplete.min.js"),
  join(out, "accessible-autocomplete.min.js"),
);
cpSync(join(here, "src", "app.js"), join(out, "app.js"));
cpSync(join(modules, "govuk-frontend/dist/govuk/assets"), join(out, "assets"), { recursive: true });
cpSync(join(modules, "@ministryofjustice/frontend/moj/assets"), join(out, "assets"), { recursive: true });
console.log(`built ${out}`);

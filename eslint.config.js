// ESLint (flat config): the recommended JavaScript and typescript-eslint rules over the sources, tests, benchmarks and
// scripts (assembly/ is AssemblyScript, checked by its compiler); formatting is Prettier's (prettier.config.js), not
// ESLint's. Run by `npm run check` (and so by CI).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "build/", "docs/api/", "node_modules/", "src/backend/*-embedded.ts", "scratch/", "assembly/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      // unused names are tsc's job (noUnusedLocals); `_`-prefixed arguments are intentional
      // files read in one sitting: no line over 140 characters (Prettier wraps code at 120; strings and comments are ours)
      "max-len": ["error", { code: 140, ignoreUrls: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" },
      ],
    },
  },
);

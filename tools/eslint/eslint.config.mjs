// ESLint for the page scripts in views/static/js. They are classic scripts (no
// modules, no build step), each wrapped in an IIFE and sharing only window.ep, so
// the recommended rules with browser globals are enough. Run from the repo root:
//   npm ci --prefix tools/eslint && tools/eslint/node_modules/.bin/eslint -c tools/eslint/eslint.config.mjs
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    files: ["views/static/js/**/*.js"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "script",
      globals: { ...globals.browser },
    },
    rules: {
      ...js.configs.recommended.rules,
      // `catch (e) { /* ignored */ }` is how these scripts say "best effort"
      // (storage blocked, bad JSON from a proxy); naming the error is harmless.
      "no-unused-vars": ["error", { caughtErrors: "none" }],
    },
  },
];

// ESLint (flat config): typescript-eslint's type-aware recommended rules over the TypeScript
// (api/, lib/, scripts/, tests/), plain recommended rules with browser globals over the page's
// ES modules (public/js, which has no build step and no type information). `npm run lint`.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".vercel/**", "data/**", "coverage/**"] },
  {
    files: ["api/**/*.ts", "lib/**/*.ts", "scripts/**/*.ts", "tests/**/*.ts", "*.config.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A promise nobody awaits loses its error, and one passed where a void callback is expected
      // (an event handler, setTimeout) does too: both are how work silently disappears here.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // The SQLite stores and some handlers are synchronous underneath an async interface; `async`
      // is kept on purpose so that a thrown error becomes a rejection, as callers expect.
      "@typescript-eslint/require-await": "off",
      // `for (const _ of text)` counts code points; a leading underscore marks a value unused on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { varsIgnorePattern: "^_", argsIgnorePattern: "^_" }],
      // A variable assigned once after a closure that reads it (a server and its emulator) stays `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests read vendor-shaped JSON (`await response.json()` is `any`) and assert on it with
    // expect(); typing every body would add casts, not safety. Emulators stringify msw params.
    files: ["tests/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/unbound-method": "off",
    },
  },
  {
    // The crisis screen and its tests are owned elsewhere and left untouched: its normalizer
    // matches control characters and combining marks in character classes on purpose.
    files: ["lib/safety/normalize.ts", "tests/safety/**/*.ts"],
    rules: {
      "no-control-regex": "off",
      "no-misleading-character-class": "off",
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
    },
  },
  {
    files: ["public/js/**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "module", globals: { ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    files: ["eslint.config.js"],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
);

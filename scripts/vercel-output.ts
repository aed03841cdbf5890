// What `vercel build` must produce for this repo, checked against .vercel/output (Build Output
// API v3): one function per api/ file with the maxDuration vercel.json gives it, the crons, the
// headers, the page (every file of public/ published as it is, under the Content-Security-Policy
// of vercel.json), and no source file published as a static asset.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export interface VercelJson {
  functions?: Record<string, { maxDuration?: number; memory?: number }>;
  crons?: { path: string; schedule: string }[];
  headers?: { source: string; headers: { key: string; value: string }[] }[];
}

/** Vercel's function globs as a RegExp: `**` spans folders, `*` stays inside one. */
export function globToRegExp(glob: string): RegExp {
  const source = glob
    .split(/(\*\*\/|\*)/)
    .map((part) => (part === "**/" ? "(?:.*/)?" : part === "*" ? "[^/]*" : part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`);
}

/** Every function source under api/ (relative, forward slashes), as Vercel finds them. */
export function apiFiles(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return walk(rel);
      return /\.(ts|js|mjs)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [rel] : [];
    });
  return walk("api").sort();
}

/**
 * Which `functions` pattern configures each file. Vercel gives a file to the first pattern that
 * matches it and fails the build when a pattern ends up with no file at all.
 */
export function assignFunctionPatterns(config: VercelJson, files: string[]): { byFile: Map<string, string>; unmatched: string[] } {
  const patterns = Object.keys(config.functions ?? {});
  const byFile = new Map<string, string>();
  for (const file of files) {
    const pattern = patterns.find((p) => globToRegExp(p).test(file));
    if (pattern) byFile.set(file, pattern);
  }
  const used = new Set(byFile.values());
  return { byFile, unmatched: patterns.filter((p) => !used.has(p)) };
}

/** Problems with a build output, one sentence each; empty when it is what vercel.json asks for. */
export function checkVercelOutput(root: string, outputDir = path.join(root, ".vercel/output")): string[] {
  const problems: string[] = [];
  const config = JSON.parse(readFileSync(path.join(root, "vercel.json"), "utf8")) as VercelJson;
  const files = apiFiles(root);
  const { byFile, unmatched } = assignFunctionPatterns(config, files);
  for (const pattern of unmatched) problems.push(`functions pattern ${pattern} matches no api file`);

  const expected = new Set<string>();
  for (const file of files) {
    const name = file.replace(/\.(ts|js|mjs)$/, "");
    expected.add(name);
    const vcConfig = path.join(outputDir, "functions", `${name}.func`, ".vc-config.json");
    if (!existsSync(vcConfig)) {
      problems.push(`no function built for ${file}`);
      continue;
    }
    const built = JSON.parse(readFileSync(vcConfig, "utf8")) as { handler?: string; maxDuration?: number; runtime?: string };
    if (built.handler !== `${name}.js`) problems.push(`${file}: handler is ${built.handler}`);
    const pattern = byFile.get(file);
    const wanted = pattern ? config.functions?.[pattern]?.maxDuration : undefined;
    if (wanted !== undefined && built.maxDuration !== wanted)
      problems.push(`${file}: maxDuration ${built.maxDuration}, vercel.json says ${wanted}`);
    if (!built.runtime?.startsWith("nodejs")) problems.push(`${file}: runtime ${built.runtime}`);
  }
  for (const name of builtFunctions(path.join(outputDir, "functions"))) {
    if (!expected.has(name)) problems.push(`unexpected function ${name}`);
  }

  const output = JSON.parse(readFileSync(path.join(outputDir, "config.json"), "utf8")) as {
    routes?: { src?: string; headers?: Record<string, string> }[];
    crons?: { path: string; schedule: string }[];
  };
  const crons = output.crons ?? [];
  for (const cron of config.crons ?? []) {
    if (!crons.some((c) => c.path === cron.path && c.schedule === cron.schedule))
      problems.push(`cron ${cron.path} (${cron.schedule}) missing from the output`);
    if (!expected.has(cron.path.replace(/^\//, ""))) problems.push(`cron ${cron.path} has no function`);
  }
  const routes = output.routes ?? [];
  const appliesTo = (key: string, value: string, pathname: string) =>
    routes.some((r) => r.headers?.[key] === value && new RegExp(r.src ?? "^$").test(pathname));
  for (const rule of config.headers ?? []) {
    // A path the rule is meant for: "/api/(.*)" → /api/health, "/(.*)" → /health.
    const sample = rule.source.replace(/\([^)]*\)/g, "health");
    for (const { key, value } of rule.headers) {
      if (!routes.some((r) => r.headers?.[key] === value)) problems.push(`header ${key} for ${rule.source} missing from the output routes`);
      else if (!appliesTo(key, value, sample)) problems.push(`header ${key} does not apply to ${sample}`);
    }
  }

  const staticDir = path.join(outputDir, "static");
  const published = existsSync(staticDir) ? listFiles(staticDir) : [];
  // The page: published as the files public/ holds, each under the Content-Security-Policy.
  const publicDir = path.join(root, "public");
  const pageFiles = existsSync(publicDir) ? listFiles(publicDir) : [];
  for (const file of pageFiles) if (!published.includes(file)) problems.push(`public/${file} is not in the static output`);
  const csp = (config.headers ?? []).flatMap((rule) => rule.headers).find((h) => h.key.toLowerCase() === "content-security-policy");
  if (!csp) problems.push("vercel.json sets no Content-Security-Policy for the page");
  else {
    const pages = pageFiles.filter((file) => /\.(html|js)$/.test(file)).map((file) => "/" + file.replace(/(^|\/)index\.html$/, ""));
    for (const pathname of new Set(["/", "/reflection", ...pages])) {
      if (!appliesTo(csp.key, csp.value, pathname)) problems.push(`the Content-Security-Policy does not apply to ${pathname}`);
    }
  }
  const leaked = published.filter((file) => /^(api|lib|scripts|tests)\/|\.ts$|^\.env|^package(-lock)?\.json$/.test(file));
  if (leaked.length) problems.push(`source files published as static assets: ${leaked.slice(0, 5).join(", ")}`);
  return problems;
}

function builtFunctions(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) return [];
    if (entry.name.endsWith(".func")) return [`${prefix}${entry.name.slice(0, -".func".length)}`];
    return builtFunctions(path.join(dir, entry.name), `${prefix}${entry.name}/`);
  });
}

function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

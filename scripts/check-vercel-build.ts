// npm run check:vercel — after `vercel build`, check .vercel/output against vercel.json and api/:
// one function per api file, the crons, the headers, and the page as static files under its
// Content-Security-Policy. Exit code 1 names every problem.
import { checkVercelOutput } from "./vercel-output.js";
import { runScript } from "./run.js";

runScript(async () => {
  const problems = checkVercelOutput(process.cwd());
  if (problems.length) throw new Error(`vercel build output:\n  - ${problems.join("\n  - ")}`);
  console.log(
    "vercel build output: every api file is a function; crons and headers present; the page is static, under its Content-Security-Policy",
  );
});

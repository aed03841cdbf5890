// `npm start` as a process manager runs it: one process, a clean stop on SIGTERM, and a plain
// message (not a stack) when the port is taken. These start the real server in a child process.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { childEnv } from "../support/env.js";

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0);
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function collect(child: ChildProcess): { out: () => string } {
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return { out: () => out };
}

/** Resolves on the child's own output events once its output matches; rejects if it exits first. */
function outputMatching(child: ChildProcess, output: { out: () => string }, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      child.stdout?.off("data", check);
      child.stderr?.off("data", check);
      child.off("exit", exited);
    };
    const check = () => {
      if (!pattern.test(output.out())) return;
      done();
      resolve();
    };
    const exited = () => {
      done();
      reject(new Error(`exited before ${what}:\n${output.out()}`));
    };
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", exited);
    check();
  });
}

/** Resolves when the child has exited and every process writing to its output (a grandchild too) has closed it. */
const closed = (child: ChildProcess) => new Promise<void>((resolve) => child.once("close", () => resolve()));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const connects = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

describe("npm start", () => {
  it("runs the server as npm's only child, and SIGTERM to npm stops it and frees the port", async () => {
    const port = await freePort();
    const npm = spawn("npm", ["start"], {
      env: { ...childEnv(), PORT: String(port), LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = collect(npm);
    try {
      await outputMatching(npm, output, new RegExp(`on http://localhost:${port}`), "the server listened");
      const children = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(npm.pid)], { encoding: "utf8" })
        .trim()
        .split("\n");
      expect(children).toHaveLength(1);
      expect(children[0]).toMatch(/^\s*\d+ node --import tsx scripts\/serve\.ts$/);
      const server = Number(children[0]!.trim().split(" ")[0]);
      expect(await connects(port)).toBe(true);
      // A ready personal link for the demo participant, so the signed-in page is one click away.
      await outputMatching(
        npm,
        output,
        /Signed in as the demo participant "Demo": http:\/\/localhost:\d+\/\?p=[\w-]+\.[\w-]+\.[\w-]+\n/,
        "the demo link",
      );

      const stopped = closed(npm); // npm's output closes only when the server, which shares it, has exited too
      npm.kill("SIGTERM");
      await stopped;
      expect(alive(server)).toBe(false);
      expect(await connects(port)).toBe(false);
      expect(output.out()).toContain("SIGTERM: stopping");
    } finally {
      if (npm.pid && alive(npm.pid)) npm.kill("SIGKILL");
    }
  });

  it("says which port is taken and how to pick another, without a stack", async () => {
    const port = await freePort();
    const holder = net.createServer().listen(port);
    await new Promise((resolve) => holder.once("listening", resolve));
    try {
      const server = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
        env: { ...childEnv(), PORT: String(port) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const output = collect(server);
      const code = await new Promise<number | null>((resolve) => server.once("exit", resolve));
      expect(code).toBe(1);
      expect(output.out()).toContain(`Port ${port} is already in use`);
      expect(output.out()).toContain(`PORT=${port + 1} npm start`);
      expect(output.out()).not.toMatch(/^\s+at /m);
    } finally {
      holder.close();
    }
  });
});

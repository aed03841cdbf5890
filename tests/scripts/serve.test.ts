// `npm start` as a process manager runs it: one process, a clean stop on SIGTERM, and a plain
// message (not a stack) when the port is taken. These start the real server in a child process.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { describe, expect, it } from "vitest";

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

async function until(check: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > limitMs) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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
      env: { ...process.env, PORT: String(port), LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = collect(npm);
    try {
      await until(() => output.out().includes(`on http://localhost:${port}`), "the server to listen");
      const children = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(npm.pid)], { encoding: "utf8" })
        .trim()
        .split("\n");
      expect(children).toHaveLength(1);
      expect(children[0]).toMatch(/^\s*\d+ node --import tsx scripts\/serve\.ts$/);
      const server = Number(children[0]!.trim().split(" ")[0]);
      expect(await connects(port)).toBe(true);
      // A ready personal link for the demo participant, so the signed-in page is one click away.
      await until(
        () => /Signed in as the demo participant "Demo": http:\/\/localhost:\d+\/\?p=[\w-]+\.[\w-]+\.[\w-]+\n/.test(output.out()),
        "the demo link",
      );

      npm.kill("SIGTERM");
      await until(() => !alive(server), "the server process to exit");
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
        env: { ...process.env, PORT: String(port) },
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

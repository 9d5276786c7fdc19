// Runs `qingling serve --demo` on a free port of 127.0.0.1 in a fresh data
// folder, and stops it again.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const kServingLine = /qingling is serving (http:\/\/127\.0\.0\.1:\d+)\//;
const kDemoReadyLine = /sign in to|demo campaign loaded/;

export class QinglingServer {
  constructor(binary) {
    this.binary = binary;
    this.dataDir = null;
    this.child = null;
    this.base = null;
    this.output = [];
  }

  // Resolves once the demo is loaded and /readyz answers 200.
  async start({ timeoutMs = 120_000 } = {}) {
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qingling-browser-'));
    const args = ['serve', '--demo', '--data', this.dataDir, '--port', '0'];
    this.child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    this.exited = exited;

    let demoReady = false;
    const seen = new Promise((resolve, reject) => {
      let stdout = '';
      const take = (chunk) => {
        const text = chunk.toString();
        this.output.push(text);
        stdout += text; // a line may arrive in two chunks
        const serving = stdout.match(kServingLine);
        if (serving) this.base = serving[1];
        if (kDemoReadyLine.test(stdout)) demoReady = true;
        if (this.base && demoReady) resolve();
      };
      this.child.stdout.on('data', take);
      this.child.stderr.on('data', (chunk) => this.output.push(chunk.toString()));
      this.child.once('error', reject);
      exited.then(({ code, signal }) => reject(new Error(`qingling exited early (${code ?? signal})`)));
    });
    await withTimeout(seen, timeoutMs, 'qingling did not print its address and demo users');
    await this.waitReady(30_000);
    return this.base;
  }

  async waitReady(ms) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      try {
        const answer = await fetch(`${this.base}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (answer.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${this.base}/readyz did not answer 200 within ${ms / 1000} s`);
  }

  // SIGTERM, then SIGKILL after a grace period; removes the data folder.
  async stop() {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const stopped = await Promise.race([
        this.exited.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 10_000)),
      ]);
      if (!stopped) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    }
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
    this.dataDir = null;
  }

  // For a synchronous exit path (process 'exit' event): no waiting.
  killNow() {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGKILL');
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  log() {
    return this.output.join('');
  }
}

export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

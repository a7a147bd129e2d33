// What a user meets outside the laptop (issue #35): splits past one process's limits, trust
// stores, base paths, credentials with control characters, and what preflight says it saw.
// Every server is the test's own, on 127.0.0.1.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/errors.ts';
import { cliTestFolder, editCliScenario, readRunResult } from '../fixtures/cliScenario.ts';
import { honestAnswerText, startHonestProvider } from '../fixtures/honestProvider.ts';
import { runCliProcess } from '../fixtures/runCliProcess.ts';
import { readBody, startTestServer } from '../fixtures/servers.ts';
import { makeTestCertificates } from '../fixtures/tlsCertificates.ts';

const env = { HAPTIK_TOKEN: 'prod-token', HAPTIK_CLIENT_ID: 'prod-client' };
const files = cliTestFolder();
// Message ids count up: random ones repeat now and then (6,000 draws below 1e9 collide in 2% of runs),
// and a repeated id is a contract violation.
let nextMessageId = 1;

/** writeCliScenario's scenario with its text changed by `edit`. */
const editedScenario = (name: string, phases: string, edit: (text: string) => string = (text) => text) => editCliScenario(files, name, phases, '', edit);

describe('splits past one process', () => {
  const phases = '  - { name: burst, duration: 20ms, rate: 150000 }';

  it('refuses 150,000/s for one process, per generator, and runs it as 4 shards and as 4 pods', async () => {
    const provider = await startHonestProvider();
    try {
      const one = await runCliProcess(['load', editedScenario('split', phases), '--target', provider.url, '--out', join(files.dir, 'one')], { env });
      expect(one.exitCode).toBe(ExitCode.badInput);
      expect(one.stderr).toMatch(
        /phases\[0\] "burst": 150,000\/s would be 150,000\/s for one process: at most 100,000\/s per generator \(one sends about 75k\/s\)/,
      );
      const shard = await runCliProcess(
        ['load', editedScenario('split', phases), '--target', provider.url, '--shard', '0/4', '--no-preflight', '--out', join(files.dir, 'shard0')],
        { env },
      );
      expect(shard.exitCode, shard.stdout + shard.stderr).toBe(ExitCode.ok);
      expect(shard.stdout).toMatch(/shard 0\/4 done: 750 sent/);
      const pods = await runCliProcess([
        'k8s',
        editedScenario('split', phases),
        '--target',
        provider.url,
        '--shards',
        '4',
        '--image',
        'img:1',
        '--out',
        join(files.dir, 'k8s'),
      ]);
      expect(pods.exitCode, pods.stderr).toBe(ExitCode.ok);
      expect(readFileSync(join(files.dir, 'k8s', 'manifests.yaml'), 'utf8')).toContain('completions: 4');
      const tooFewPods = await runCliProcess([
        'k8s',
        editedScenario('split', phases),
        '--target',
        provider.url,
        '--shards',
        '1',
        '--image',
        'img:1',
        '--out',
        join(files.dir, 'k8s1'),
      ]);
      expect(tooFewPods.exitCode).toBe(ExitCode.badInput);
    } finally {
      await provider.close();
    }
  });
});

describe('merged runs', () => {
  it('name their folder with the duration scale, as a run does', async () => {
    const provider = await startHonestProvider();
    try {
      const scenario = editedScenario('scaled', '  - { name: steady, duration: 2s, rate: 20 }');
      const startAt = new Date(Date.now() + 3000).toISOString();
      const shards = await Promise.all(
        [0, 1].map((i) =>
          runCliProcess(
            [
              'load',
              scenario,
              '--target',
              provider.url,
              '--shard',
              `${i}/2`,
              '--start-at',
              startAt,
              '--duration-scale',
              '0.5',
              '--no-preflight',
              '--out',
              join(files.dir, `s${i}`),
            ],
            { env },
          ),
        ),
      );
      for (const shard of shards) expect(shard.exitCode, shard.stderr).toBe(ExitCode.ok);
      const merged = await runCliProcess(['merge', join(files.dir, 's0'), join(files.dir, 's1')], { cwd: files.dir });
      expect(merged.exitCode, merged.stderr).toBe(ExitCode.ok);
      expect(merged.stdout).toMatch(/^result .*\/reports\/scaled-merged-x0\.5-\d{8}T\d{6}Z\/result\.json$/m);
    } finally {
      await provider.close();
    }
  });
});

describe('trust stores', () => {
  let certificates: ReturnType<typeof makeTestCertificates>;
  let https: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    certificates = makeTestCertificates();
    const { createServer } = await import('node:https');
    const server = createServer({ key: certificates.key, cert: certificates.cert }, async (req: IncomingMessage, res: ServerResponse) => {
      const body = await readBody(req);
      res.writeHead(200, { 'content-type': 'application/json' }).end(honestAnswerText(body, nextMessageId++));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    https = { url: `https://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  });
  afterAll(async () => {
    await https.close();
    certificates.cleanup();
  });

  it('adds target.ca to the trusted store instead of replacing it: a CA from NODE_EXTRA_CA_CERTS stays trusted', async () => {
    files.write('server-ca.pem', certificates.caPem.toString());
    // A certificate of no CA the server's chain leads to.
    files.write('unrelated-ca.pem', certificates.selfSigned.cert.toString());
    const phases = '  - { name: steady, duration: 1s, rate: 10 }';
    const extraEnv = { ...env, NODE_EXTRA_CA_CERTS: join(files.dir, 'server-ca.pem') };
    const withoutCa = await runCliProcess(['load', editedScenario('trust', phases), '--target', https.url, '--out', join(files.dir, 'a')], { env: extraEnv });
    expect(withoutCa.exitCode, withoutCa.stderr).toBe(ExitCode.ok);
    expect(withoutCa.stdout).toContain('TLS: verifying 127.0.0.1');
    const unrelated = editedScenario('trust', phases, (text) => text.replace('timeout: 2s', 'timeout: 2s, ca: unrelated-ca.pem'));
    const withUnrelated = await runCliProcess(['load', unrelated, '--target', https.url, '--out', join(files.dir, 'b')], { env: extraEnv });
    expect(withUnrelated.exitCode, withUnrelated.stderr).toBe(ExitCode.ok);
    expect(withUnrelated.stdout).toMatch(
      /TLS: verifying 127\.0\.0\.1:\d+ against Node's bundled CAs \+ NODE_EXTRA_CA_CERTS \+ target\.ca \(unrelated-ca\.pem\)/,
    );
    expect(readRunResult(join(files.dir, 'b')).target.trustStore).toBe("Node's bundled CAs + NODE_EXTRA_CA_CERTS + target.ca (unrelated-ca.pem)");
    // Without either, the server's CA is trusted nowhere.
    const untrusted = await runCliProcess(['load', unrelated, '--target', https.url, '--out', join(files.dir, 'c')], { env });
    expect(untrusted.exitCode).toBe(ExitCode.targetNotUsable);
  });

  it("trusts the machine's store with target.systemCa (a bundle holding a corporate CA), and says so", async () => {
    files.write('machine-bundle.pem', `${certificates.selfSigned.cert.toString()}\n${certificates.caPem.toString()}\n`);
    const scenario = editedScenario('system', '  - { name: steady, duration: 1s, rate: 10 }', (text) =>
      text.replace('timeout: 2s', 'timeout: 2s, systemCa: true'),
    );
    const run = await runCliProcess(['load', scenario, '--target', https.url, '--out', join(files.dir, 'sys')], {
      // This machine may set NODE_EXTRA_CA_CERTS for every process: none here, so the store is the bundle alone.
      env: { ...env, SSL_CERT_FILE: join(files.dir, 'machine-bundle.pem'), NODE_EXTRA_CA_CERTS: '' },
    });
    expect(run.exitCode, run.stderr).toBe(ExitCode.ok);
    expect(readRunResult(join(files.dir, 'sys')).target.trustStore).toMatch(/^the machine's store \(.*machine-bundle\.pem, 2 certificates\)$/);
    expect(readFileSync(join(files.dir, 'sys', 'report.html'), 'utf8')).toContain('machine-bundle.pem, 2 certificates');
  });
});

describe('base paths', () => {
  it('sends load and preflight below the base path of the target URL', async () => {
    const paths: string[] = [];
    const gateway = await startHonestProvider((_n, req) => {
      paths.push(req.url ?? '');
      return false;
    });
    try {
      const out = join(files.dir, 'prefixed');
      const run = await runCliProcess(
        ['load', editedScenario('prefix', '  - { name: steady, duration: 1s, rate: 10 }'), '--target', `${gateway.url}/haptik/api`, '--out', out],
        {
          env,
        },
      );
      expect(run.exitCode, run.stderr).toBe(ExitCode.ok);
      expect(paths).toHaveLength(11);
      expect(new Set(paths)).toEqual(new Set(['/haptik/api/v1.0/log_message_from_user/']));
      expect(readRunResult(out).target.url).toBe(`${gateway.url}/haptik/api`);
    } finally {
      await gateway.close();
    }
  });
});

describe('credentials with control characters', () => {
  it.each([
    [
      'a trailing line feed',
      'sEcReT-value\n',
      /target\.token: its value \(from \$\{HAPTIK_TOKEN\}\) ends with a line break, as a value read from a file often does/,
    ],
    ['an injected header', 'sEcReT-value\r\nX-Injected: 1', /target\.token: its value \(from \$\{HAPTIK_TOKEN\}\) holds a control character/],
  ])('refuses %s with exit 2, naming the variable, never the value, and sends nothing', async (_case, token, message) => {
    let requests = 0;
    const provider = await startHonestProvider(() => {
      requests++;
      return false;
    });
    try {
      const run = await runCliProcess(
        ['load', editedScenario('ctl', '  - { name: steady, duration: 1s, rate: 10 }'), '--target', provider.url, '--out', join(files.dir, 'o')],
        {
          env: { ...env, HAPTIK_TOKEN: token },
        },
      );
      expect(run.exitCode).toBe(ExitCode.badInput);
      expect(run.stderr).toMatch(message);
      expect(run.stderr + run.stdout).not.toContain('sEcReT');
      expect(requests).toBe(0);
    } finally {
      await provider.close();
    }
  });
});

describe('what preflight says it saw', () => {
  /** A load against a server answering every request with `answer`; its exit and stderr. */
  async function againstServer(answer: (req: IncomingMessage, res: ServerResponse) => void, phases = '  - { name: steady, duration: 1s, rate: 10 }') {
    let requests = 0;
    const server = await startTestServer(async (req, res) => {
      requests++;
      await readBody(req);
      answer(req, res);
    });
    try {
      const run = await runCliProcess(
        [
          'load',
          editedScenario('pre', phases, (text) => text.replace('timeout: 2s', 'timeout: 1s')),
          '--target',
          server.url,
          '--out',
          join(files.dir, `o${Date.now()}`),
        ],
        { env },
      );
      return { ...run, requests };
    } finally {
      await server.close();
    }
  }

  it.each([
    [
      'a redirect, naming its Location',
      (res: ServerResponse) => res.writeHead(301, { location: 'https://api.example.com/v1.0/log_message_from_user/' }).end(),
      /redirected: .* answered HTTP 301 to https:\/\/api\.example\.com\/v1\.0\/log_message_from_user\/; the load follows no redirects/,
    ],
    [
      'a 400 as malformed',
      (res: ServerResponse) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"detail":"business_id is unknown"}'),
      /request refused as malformed: .* answered HTTP 400 "\{"detail":"business_id is unknown"\}"/,
    ],
    [
      'a 404 as no such endpoint',
      (res: ServerResponse) => res.writeHead(404).end('no route'),
      /no such endpoint: .* answered HTTP 404 "no route"; check the base URL/,
    ],
    [
      'a server that failed twice',
      (res: ServerResponse) => res.writeHead(500).end('boom'),
      /the server failed: .* answered HTTP 500, then 500 a second later "boom"/,
    ],
    [
      'an oversized body',
      (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"x":"${'y'.repeat(2_000_000)}"}`),
      /answer too large: .* over target\.maxBodyBytes \(1048576 bytes\)/,
    ],
  ])('stops before the load (exit 3) at %s', async (_case, answer, message) => {
    const run = await againstServer((_req, res) => answer(res));
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.targetNotUsable);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/credentials accepted/);
    expect(run.stderr).toMatch(/\(no load was sent\)/);
    expect(run.requests).toBeLessThanOrEqual(2);
  });

  it('says a target that took the connection but never answered timed out (exit 3)', async () => {
    const run = await againstServer(() => {});
    expect(run.exitCode).toBe(ExitCode.targetNotUsable);
    expect(run.stderr).toMatch(/no answer: .* took the connection but did not answer within 1000 ms \(target\.timeout\)/);
  });

  it('asks a failing server once more before judging it, and runs the load when it recovered', async () => {
    let answered = 0;
    const run = await againstServer((req, res) => {
      answered++;
      if (answered === 1) return res.writeHead(503).end('warming up');
      res.writeHead(200, { 'content-type': 'application/json' }).end(honestAnswerText('{"message_body":"hello"}', answered));
      void req;
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(ExitCode.ok);
    expect(run.stdout).toMatch(/preflight: credentials accepted \(auth_id alice01\): 200 ok/);
  });
});

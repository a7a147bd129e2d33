import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { LoadPlan } from '../scenario/plan.ts';

/**
 * A digest of what a run's plan is: the validated scenario (after `${ENV}` and --duration-scale)
 * without where it is sent or as whom, and the bytes of every data file it reads. Shards with the
 * same digest split the same run; the merge refuses any other.
 */
export async function planFingerprint(plan: LoadPlan): Promise<string> {
  const { scenario } = plan;
  const files: string[] = [scenario.users.file];
  if ('file' in scenario.messages) files.push(scenario.messages.file);
  for (const phase of scenario.phases) if (phase.kind === 'replay') files.push(phase.file);
  if (plan.contract) files.push(plan.contract.pactFile);
  // How each machine reaches the target (its address, proxy, resolver, trust) is its own: the same run either way.
  const {
    url: _url,
    token: _token,
    clientId: _clientId,
    ca: _ca,
    systemCa: _systemCa,
    insecure: _insecure,
    dns: _dns,
    resolve: _resolve,
    proxy: _proxy,
    localAddresses: _localAddresses,
    ...sending
  } = scenario.target;
  const { workers: _workers, ...rest } = scenario;
  const hash = createHash('sha256');
  // Files are in by their bytes, not their paths: the merge may run where the files lie elsewhere.
  const described = {
    ...rest,
    target: sending,
    users: { order: scenario.users.order },
    messages: 'file' in scenario.messages ? { order: scenario.messages.order } : scenario.messages,
    phases: scenario.phases.map((phase) => (phase.kind === 'replay' ? { ...phase, file: undefined } : phase)),
    contract: plan.contract && { sampleShare: plan.contract.sampleShare, clockSkewMs: plan.contract.clockSkewMs },
  };
  hash.update(JSON.stringify(described));
  for (const file of files) hash.update(await fileDigest(file));
  return hash.digest('hex').slice(0, 32);
}

async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

import { describe, expect, it } from 'vitest';
import { readPactResponses } from '../../src/pact/pactFile.ts';
import { ResponseContract } from '../../src/checks/responseContract.ts';
import { confirmWithReference } from '../../src/verify/confirmViolations.ts';
import { PACT_FILE } from '../../src/pact/pactTerms.ts';

const contract = ResponseContract.compile(await readPactResponses(PACT_FILE), PACT_FILE);
const json: [string, string][] = [['content-type', 'application/json']];
const answer = (kind: string, status: number, body: string, judgedAs = status) => ({ kind, status, judgedAs, headers: json, body: Buffer.from(body) });

describe("answers replayed through Pact's reference verifier", () => {
  it('confirms a broken answer, disputes one that honours the pact, and judges each against the interactions for its status', async () => {
    const confirmation = await confirmWithReference(PACT_FILE, contract, [
      answer('integer $.message_id', 200, '{"message_id":"x","message_body":"hi","created_at":"2026-11-30T10:00:00.000Z","message_type":0}'),
      answer('datetime $.created_at', 200, '{"message_id":1,"message_body":"hi","created_at":"2026-11-30T10:00:00.000Z","message_type":0}'),
      // Two interactions answer 401 (bad token, no token): broken only if both fail it.
      answer('type $.error_message', 401, '{"error_message":7}'),
    ]);
    expect(confirmation).toEqual({
      verdicts: { 'integer $.message_id': 'confirmed', 'datetime $.created_at': 'disputed', 'type $.error_message': 'confirmed' },
    });
    expect(contract.interactionIndexesFor(401)).toHaveLength(2);
  });

  it('confirms an answer whose status the pact has no interaction for, judged against the status its request expected', async () => {
    expect(contract.interactionIndexesFor(204)).toEqual([]);
    const confirmation = await confirmWithReference(PACT_FILE, contract, [answer('status $', 204, '', 200)]);
    expect(confirmation).toEqual({ verdicts: { 'status $': 'confirmed' } });
  });

  it('says the verifier was unavailable rather than guess, when it cannot run', async () => {
    const confirmation = await confirmWithReference('/nonexistent/pact.json', contract, [answer('integer $.message_id', 200, '{}')]);
    expect(confirmation).toMatchObject({ unavailable: expect.stringContaining('ENOENT') });
  });
});

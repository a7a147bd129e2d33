// Entry of the mock when a load run starts it in its own process (see childProcess.ts): the mock
// must not share the generator's event loop. It exits when its parent goes away.
import { registeredAuthIdsOf } from '../feed/registeredUsers.ts';
import { startMockServer } from './server.ts';
import type { MockChildConfig, MockChildMessage, MockParentMessage } from './childProcess.ts';

process.once('message', async (config: MockChildConfig) => {
  try {
    const registeredAuthIds = config.usersFile ? await registeredAuthIdsOf(config.usersFile) : [];
    const mock = await startMockServer({
      credentials: config.credentials,
      registeredAuthIds,
      behaviour: config.behaviour,
      messageIdBlock: config.messageIdBlock,
      tls: config.tls,
    });
    const stop = async () => {
      await mock.close();
      process.exit(0);
    };
    // The parent decides when the mock stops (it disconnects, also when it dies): Ctrl-C or a
    // SIGTERM sent to the whole process group (as `timeout` does) must not take the target away
    // from a run that is writing its partial results.
    process.on('disconnect', stop);
    process.on('message', (question: MockParentMessage) => {
      if (question.type === 'stats') process.send!({ type: 'stats', id: question.id, stats: mock.stats() } satisfies MockChildMessage);
      if (question.type === 'resetStats') {
        mock.resetStats();
        process.send!({ type: 'statsReset', id: question.id } satisfies MockChildMessage);
      }
    });
    process.on('SIGTERM', () => {});
    process.on('SIGINT', () => {});
    process.send!({ type: 'listening', url: mock.url } satisfies MockChildMessage);
  } catch (error) {
    process.send!({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies MockChildMessage);
    process.exit(1);
  }
});

import { scanCsv } from './scanCsv.ts';
import { userRowSchema } from './rowSchemas.ts';

/** The auth ids of a users CSV that a provider should know: every row not expecting a 403. */
export async function registeredAuthIdsOf(usersFile: string): Promise<Set<string>> {
  const registered = new Set<string>();
  await scanCsv(usersFile, userRowSchema, (row) => {
    if (row.expect !== 403) registered.add(row.auth_id);
  });
  return registered;
}

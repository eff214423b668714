import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createLiveTenant, testDb } from '../helpers/api';
import { receivedMail, uniqueName, waitForNotification } from '../helpers/stand-ins';

/**
 * A write that fails for one delivery of a batch (here: a trigger refusing its attempt row) must not leave the
 * whole batch unrecorded — their emails have gone out, and an unrecorded send is repeated after the stale-claim
 * timeout. Each delivery ends with its status; the poisoned one without its attempt row.
 */
describe('recording outcomes', () => {
  const poison = `${uniqueName('poison')}@example.test`;
  beforeAll(async () => {
    await testDb().execute(
      sql.raw(`
      CREATE OR REPLACE FUNCTION refuse_poison_attempt() RETURNS trigger AS $$
      BEGIN
        IF (SELECT address FROM deliveries WHERE id = NEW.delivery_id) = '${poison}' THEN
          RAISE EXCEPTION 'test: this attempt row is refused';
        END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`),
    );
    await testDb().execute(
      sql.raw(`CREATE TRIGGER refuse_poison_attempt BEFORE INSERT ON delivery_attempts
        FOR EACH ROW EXECUTE FUNCTION refuse_poison_attempt()`),
    );
  });
  afterAll(async () => {
    await testDb().execute(sql.raw('DROP TRIGGER IF EXISTS refuse_poison_attempt ON delivery_attempts'));
  });

  it('falls back to one by one, then to the bare status, so no sent delivery stays claimed', async () => {
    const t = await createLiveTenant('poison');
    const healthy = `${uniqueName('healthy')}@example.test`;
    const res = await api('POST', '/v1/notifications', {
      key: t.key,
      body: { to: [{ email: poison }, { email: healthy }], content: { subject: 'Hi', text: 'Hello' } },
    });
    expect(res.status).toBe(202);
    const done = await waitForNotification(t.key, res.body.id, (n) =>
      n.deliveries.every((d: any) => d.status === 'sent'),
    );
    const byAddress = Object.fromEntries(done.deliveries.map((d: any) => [d.recipient, d]));
    expect(byAddress[healthy].attempts).toHaveLength(1);
    expect(byAddress[poison].attempts).toHaveLength(0);
    // Each got exactly one email: nothing is left claimed to be sent again.
    expect(await receivedMail(poison)).toHaveLength(1);
    expect(await receivedMail(healthy)).toHaveLength(1);
  });
});

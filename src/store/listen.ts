/**
 * The wake-up every follower of the store uses (replicas, the SQL search backend): a connection
 * of its own that LISTENs on the change channel. Notifications are hints only; the change
 * sequence stays the truth, so a lost connection only delays the next catch-up.
 */
import pg from 'pg';
import { CHANGE_CHANNEL } from './postgres.js';

export interface ChangeListener {
  client: pg.Client;
  /** Ends the connection (errors ignored: it may be gone already). */
  end(): Promise<void>;
}

/**
 * Connects and LISTENs; `onChange` runs on each notification, `onLost` once the connection
 * fails after that (the server restarted, the network dropped). Throws when it cannot connect.
 */
export async function listenForChanges(config: pg.ClientConfig, onChange: () => void, onLost: (e: Error) => void): Promise<ChangeListener> {
  const client = new pg.Client(config);
  let lost = false;
  let listening = false;
  client.on('error', (e) => {
    if (lost) return;
    lost = true;
    // An error before LISTEN is answered rejects the connect or the query below: this function
    // throws then. After it, onLost runs on the next turn, once the caller's `await` has taken the
    // listener it returned (it compares against it), never while that await is still pending.
    if (listening) setImmediate(() => onLost(e));
  });
  client.on('notification', (n) => {
    if (n.channel === CHANGE_CHANNEL) onChange();
  });
  const end = () => client.end().catch(() => undefined);
  try {
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    if (lost) throw new Error('the notification connection was lost while it was set up');
    listening = true;
  } catch (e) {
    lost = true;
    await end();
    throw e;
  }
  return { client, end };
}

/**
 * The one notification connection a follower keeps: `connect` replaces it, and a loss is
 * reported (to `onLost`) only for the connection held now, not for one already dropped.
 */
export class ListenerSlot {
  private current: ChangeListener | null = null;

  get connected(): boolean {
    return this.current !== null;
  }

  async connect(config: pg.ClientConfig, onChange: () => void, onLost: (e: Error) => void): Promise<void> {
    const listener = await listenForChanges(config, onChange, (e) => {
      if (this.current !== listener) return;
      void this.drop();
      onLost(e);
    });
    this.current = listener;
  }

  async drop(): Promise<void> {
    const held = this.current;
    this.current = null;
    await held?.end();
  }
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrokerCluster, ClusterEvent, Contribution, ContributionChange } from './broker.js';
import type { ServerFrame } from './frames.js';
import { createChannelPresence } from './hub-presence.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A cluster whose other instances the test plays: snapshots are what it says, announcements are recorded. */
function fakeCluster() {
  const announced: ContributionChange[] = [];
  let snapshot: Contribution[] = [];
  let snapshots = 0;
  let failing = false;
  let release: (() => void) | null = null;
  const cluster: BrokerCluster = {
    instanceId: 'me',
    announce: async (_channel, change) => {
      if (failing) throw new Error('redis down');
      announced.push(change);
    },
    snapshot: async () => {
      snapshots += 1;
      // What Redis holds when the read reaches it; the answer may come later.
      const taken = snapshot;
      if (release !== null) await new Promise<void>((resolve) => (release = resolve));
      return taken;
    },
    signal: () => {},
    onNotice: () => () => {},
    request: async () => undefined,
    onRequest: () => () => {},
  };
  return {
    cluster,
    announced,
    setSnapshot: (next: Contribution[]) => void (snapshot = next),
    snapshots: () => snapshots,
    fail: (value: boolean) => void (failing = value),
    /** The next snapshots wait until `let go()`. */
    hold: () => void (release = () => {}),
    letGo: () => {
      const go = release;
      release = null;
      go?.();
    },
  };
}

function setup(fake = fakeCluster()) {
  const frames: ServerFrame[] = [];
  let subscribers = 1;
  const presence = createChannelPresence({
    channel: 'room',
    broadcast: (frame) => frames.push(frame),
    localSubscribers: () => subscribers,
    occupancyChanged: () => {},
    settled: () => {},
    cluster: fake.cluster,
    now: () => Date.now(),
    onError: () => {},
  });
  return { presence, frames, fake, setSubscribers: (n: number) => void (subscribers = n) };
}

const member = (key: string, connections = 1, at = 1) => ({
  key,
  data: { name: key },
  connections,
  status: 'active' as const,
  at,
});
const change = (
  instance: string,
  generation: string,
  version: number,
  extra: Partial<ContributionChange> = {},
): ClusterEvent => ({
  type: 'contribution',
  instance,
  generation,
  version,
  subscribers: 1,
  ...extra,
});
const keys = (presence: ReturnType<typeof setup>['presence']) =>
  presence
    .members()
    .map((entry) => `${entry.userId}:${entry.connections}`)
    .sort();

describe('createChannelPresence across instances', () => {
  it('merges the other instances into one member per key: connections summed, the newest data', async () => {
    const { presence, fake } = setup();
    fake.setSnapshot([{ instance: 'b', generation: 'g', version: 1, subscribers: 2, members: [member('ada', 1, 5)] }]);
    await presence.follow();
    presence.enter({}, 'ada', { name: 'Ada here' }, 'active');
    expect(keys(presence)).toEqual(['ada:2']);
    expect(presence.connections()).toBe(3);
    presence.apply(change('b', 'g', 2, { remove: ['ada'] }));
    expect(keys(presence)).toEqual(['ada:1']);
  });

  it('fetches a snapshot when it misses a version, and again when it saw a gap while reading one', async () => {
    const { presence, fake } = setup();
    fake.setSnapshot([{ instance: 'b', generation: 'g', version: 1, subscribers: 1, members: [member('bob')] }]);
    await presence.follow();
    expect(fake.snapshots()).toBe(1);
    fake.hold();
    // v3 after v1: v2 was lost. The snapshot being read is held; meanwhile v5 comes (v4 lost too).
    fake.setSnapshot([
      { instance: 'b', generation: 'g', version: 3, subscribers: 1, members: [member('bob'), member('cat')] },
    ]);
    presence.apply(change('b', 'g', 3, { upsert: [member('cat')] }));
    await vi.advanceTimersByTimeAsync(0);
    presence.apply(change('b', 'g', 5, { remove: ['bob'] }));
    fake.setSnapshot([{ instance: 'b', generation: 'g', version: 5, subscribers: 1, members: [member('cat')] }]);
    fake.letGo();
    // The buffered v5 is past the snapshot's v3: another snapshot, which tells the truth.
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.snapshots()).toBe(3);
    expect(keys(presence)).toEqual(['cat:1']);
  });

  it('drops the members of instances that died, and follows a new generation from its first version', async () => {
    const { presence, frames, fake } = setup();
    fake.setSnapshot([{ instance: 'b', generation: 'g1', version: 4, subscribers: 1, members: [member('bob')] }]);
    await presence.follow();
    presence.apply(change('b', 'g2', 1, { upsert: [member('bea')] }));
    expect(keys(presence)).toEqual(['bea:1']);
    presence.dropInstances(['b']);
    expect(keys(presence)).toEqual([]);
    expect(
      frames.map((frame) =>
        frame.type === 'presence' ? `${frame.action} ${'member' in frame ? frame.member.userId : ''}` : frame.type,
      ),
    ).toEqual(['enter bob', 'enter bea', 'leave bob', 'leave bea']);
  });

  it('announces member changes in batches, and a failed announcement again as a whole new generation', async () => {
    const { presence, fake } = setup();
    const [adaTab, bobTab] = [{}, {}];
    presence.enter(adaTab, 'ada', {}, 'active');
    presence.enter(bobTab, 'bob', {}, 'active');
    await vi.advanceTimersByTimeAsync(60);
    // One call for both.
    expect(fake.announced).toHaveLength(1);
    expect(fake.announced[0]).toMatchObject({
      version: 1,
      upsert: [expect.objectContaining({ key: 'ada' }), expect.objectContaining({ key: 'bob' })],
    });
    fake.fail(true);
    presence.leave(bobTab, 'bob');
    await vi.advanceTimersByTimeAsync(60);
    expect(fake.announced).toHaveLength(1);
    fake.fail(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.announced).toHaveLength(2);
    expect(fake.announced[1]).toMatchObject({ version: 1, upsert: [expect.objectContaining({ key: 'ada' })] });
    expect(fake.announced[1]!.generation).not.toBe(fake.announced[0]!.generation);
  });

  it('reads its snapshot only once the subscription carrying the changes is confirmed: a change in between is kept', async () => {
    const { presence, fake } = setup();
    let confirm!: () => void;
    const subscribed = new Promise<void>((resolve) => (confirm = resolve));
    // Redis holds nothing yet when the subscribe starts: a snapshot read now would miss what comes next.
    const following = presence.follow(subscribed);
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.snapshots()).toBe(0);
    // Another instance announces bob (written, then published) before our SUBSCRIBE is confirmed: the event is not
    // heard, but the snapshot, read after the confirmation, has it.
    fake.setSnapshot([{ instance: 'b', generation: 'g', version: 1, subscribers: 1, members: [member('bob')] }]);
    confirm();
    await following;
    expect(fake.snapshots()).toBe(1);
    expect(keys(presence)).toEqual(['bob:1']);
  });

  it('follows from scratch after a subscription that failed', async () => {
    const { presence, fake } = setup();
    const failed = Promise.reject(new Error('redis down'));
    await expect(presence.follow(failed)).rejects.toThrow('redis down');
    expect(fake.snapshots()).toBe(0);
    fake.setSnapshot([{ instance: 'b', generation: 'g', version: 1, subscribers: 1, members: [member('bob')] }]);
    await presence.follow(Promise.resolve());
    expect(keys(presence)).toEqual(['bob:1']);
  });
});

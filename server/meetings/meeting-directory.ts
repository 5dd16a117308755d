import { Redis } from 'ioredis';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { Meeting, MeetingState, MeetingVisibility } from '../contracts/meetings';
import { MeetingModel } from './meeting.model';
import type { MeetingLean } from './meeting.model';

// Listing meetings used to ask the database for every matching meeting on each request; on
// FerretDB v1 (no index but _id) that decoded the whole meetings collection per listing, and
// 200 listings in flight queued behind it (docs/records.md, "Performance"). The directory
// holds a summary of every meeting in memory instead, kept current by the writes themselves:
// a write in this process reloads the meeting before the write returns (so a caller reads
// its own change), and announces its id to the other API processes through Redis, which
// reload it too. Each summary carries the meeting's revision, so a late reload never
// replaces a newer one. A full reload runs at start, after Redis reconnects (notices may
// have been lost meanwhile) and every REFRESH_MS as a safety net.

/** What a list needs of one meeting: its API shape and the fields filters and access read. */
export interface MeetingSummary {
  id: string;
  rev: number;
  dto: Meeting;
  state: MeetingState;
  visibility: MeetingVisibility;
  hostUnitId: string;
  hostUnitPath: readonly string[];
  startsAt: number;
  endsAt: number;
  searchText: string;
  memberIds: ReadonlySet<string>;
  /** Users operating one of the meeting's sites. */
  siteOperatorIds: ReadonlySet<string>;
}

/** Fields left in the database: a list never shows them. */
const SUMMARY_PROJECTION = { doneItemIds: 0 } as const;
const REFRESH_MS = 60_000;
const CHANNEL = 'dienhong:meetings';

type SummarySource = Omit<MeetingLean, keyof typeof SUMMARY_PROJECTION>;
type ToDto = (m: SummarySource) => Meeting;

const hex = (ids: readonly Types.ObjectId[]) => ids.map((i) => i.toHexString());

/** Newest first; the id breaks ties so that pages never overlap. */
function newestFirst(a: MeetingSummary, b: MeetingSummary): number {
  if (a.startsAt !== b.startsAt) return b.startsAt - a.startsAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Carries "meeting <id> changed" notices between API processes. */
interface ChangeFeed {
  publish(id: string): Promise<void>;
  close(): Promise<void>;
}

async function redisFeed(
  url: string,
  logger: Logger,
  onNotice: (id: string) => void,
  onReconnect: () => void,
): Promise<ChangeFeed> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true };
  const pub = new Redis(url, options);
  const sub = new Redis(url, options);
  for (const [name, client] of [
    ['publisher', pub],
    ['subscriber', sub],
  ] as const) {
    client.on('error', (err: Error) =>
      logger.warn({ err: err.message }, `meeting directory: redis ${name} error`),
    );
  }
  await Promise.all([pub.connect(), sub.connect()]);
  sub.on('message', (channel: string, message: string) => {
    // Only a meeting id is accepted; anything else on the channel is ignored.
    if (channel === CHANNEL && /^[0-9a-f]{24}$/.test(message)) onNotice(message);
  });
  await sub.subscribe(CHANNEL);
  // Notices published while this process was disconnected are lost: reload everything.
  sub.on('ready', onReconnect);
  return {
    async publish(id) {
      await pub.publish(CHANNEL, id);
    },
    async close() {
      await Promise.allSettled([sub.quit(), pub.quit()]);
    },
  };
}

/**
 * The per-process directory of meeting summaries behind `GET /api/meetings`. `toDto` is the
 * one API shape of a meeting (meeting.service.ts), passed in to keep imports one-way.
 */
export class MeetingDirectory {
  private readonly byId = new Map<string, MeetingSummary>();
  private sorted: MeetingSummary[] | null = null;
  private loaded: Promise<void> | null = null;
  /** Per full reload running: ids reloaded one by one meanwhile (it must keep them). */
  private readonly touched = new Set<Set<string>>();
  private feed: ChangeFeed | null = null;
  private timer: NodeJS.Timeout | null = null;
  private log: Logger | undefined;

  constructor(private readonly toDto: ToDto) {}

  /**
   * Connects the directory to the other API processes (Redis when `redisUrl` is set) and
   * starts the periodic safety reload.
   * @throws when Redis cannot be reached.
   */
  async start(opts: { redisUrl: string | undefined; logger: Logger }): Promise<void> {
    await this.stop();
    this.log = opts.logger;
    if (opts.redisUrl) {
      this.feed = await redisFeed(
        opts.redisUrl,
        opts.logger,
        (id) => void this.reload(id),
        () => this.invalidate(),
      );
    }
    this.timer = setInterval(() => this.invalidate(), REFRESH_MS);
    this.timer.unref();
    this.invalidate();
  }

  /** Disconnects from Redis and stops the periodic reload. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const feed = this.feed;
    this.feed = null;
    await feed?.close();
  }

  /** Every meeting, newest first (loads the directory on first use). */
  async all(): Promise<readonly MeetingSummary[]> {
    if (!this.loaded) this.invalidate();
    await this.loaded;
    this.sorted ??= [...this.byId.values()].sort(newestFirst);
    return this.sorted;
  }

  /**
   * Call after every write of a meeting in this process: reloads it here before returning
   * and tells the other processes to reload it. Never throws (a failed reload schedules a
   * full one).
   */
  async changed(id: string): Promise<void> {
    await this.reload(id);
    await this.feed?.publish(id).catch((err: unknown) => {
      this.log?.warn({ err, meetingId: id }, 'meeting directory: could not announce a change');
    });
  }

  /** Drops what is held; the next list reloads every meeting. */
  invalidate(): void {
    const next = this.loadAll();
    // A reload that fails leaves the summaries held in place; a first load that fails is
    // tried again by the next list.
    next.catch((err: unknown) => {
      this.log?.error({ err }, 'meeting directory: reload failed');
      if (this.loaded === next) this.loaded = null;
    });
    // Once loaded, lists keep reading the summaries held while a reload runs.
    this.loaded ??= next;
  }

  private async reload(id: string): Promise<void> {
    for (const set of this.touched) set.add(id);
    try {
      const m = await MeetingModel.findById(id, SUMMARY_PROJECTION).lean<SummarySource>();
      if (m) this.apply(this.summarize(m));
      else if (this.byId.delete(id)) this.sorted = null;
    } catch (err) {
      this.log?.error({ err, meetingId: id }, 'meeting directory: reload of a meeting failed');
      this.invalidate();
    }
  }

  private async loadAll(): Promise<void> {
    const touched = new Set<string>();
    this.touched.add(touched);
    try {
      const rows = await MeetingModel.find({}, SUMMARY_PROJECTION).lean<SummarySource[]>();
      const seen = new Set<string>();
      for (const m of rows) {
        const s = this.summarize(m);
        seen.add(s.id);
        this.apply(s);
      }
      for (const id of [...this.byId.keys()]) {
        if (!seen.has(id) && !touched.has(id)) this.byId.delete(id);
      }
      this.sorted = null;
    } finally {
      this.touched.delete(touched);
    }
  }

  /** Keeps the newer of what is held and `s` (revisions only grow). */
  private apply(s: MeetingSummary): void {
    const held = this.byId.get(s.id);
    if (held && held.rev > s.rev) return;
    this.byId.set(s.id, s);
    this.sorted = null;
  }

  private summarize(m: SummarySource): MeetingSummary {
    return {
      id: m._id.toHexString(),
      rev: m.rev,
      dto: this.toDto(m),
      state: m.state,
      visibility: m.visibility,
      hostUnitId: m.hostUnitId.toHexString(),
      hostUnitPath: hex(m.hostUnitPath),
      startsAt: m.startsAt.getTime(),
      endsAt: m.endsAt.getTime(),
      searchText: m.searchText,
      memberIds: new Set(hex(m.memberIds)),
      siteOperatorIds: new Set(m.siteOperators.map((s) => s.operatorId.toHexString())),
    };
  }
}

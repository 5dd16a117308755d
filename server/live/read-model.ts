import type { Logger } from 'pino';
import type { AuthUser } from '../auth/auth-user';
import type { ChatMessageLean } from '../chat/chat-message.model';
import { canReadChat, moderates, toDto as chatDto } from '../chat/chat.service';
import type { TicketResponse } from '../contracts/auth';
import type { ChatList } from '../contracts/chat';
import type { MeetingDocument } from '../contracts/documents';
import { applyLiveEvent } from '../contracts/live-apply';
import type { ConferenceLive, LiveCore, LiveEvent, LiveSnapshot } from '../contracts/live';
import type { Site } from '../contracts/meetings';
import type { MyBallot } from '../contracts/votes';
import { accessFromRecord, userUnitChain } from '../meetings/meeting-access.service';
import type { AccessParticipantFields } from '../meetings/meeting-access.service';
import {
  canChair,
  canManage,
  canReadDocuments,
  canView,
  takesPart,
} from '../meetings/meeting.policy';
import type { MeetingAccess } from '../meetings/meeting.policy';
import { readModelSources } from './read-model.sources';
import type { ViewBallots, ViewConference, ViewMeeting } from './read-model.sources';

/** Sections of a view that an event can only invalidate (its data does not carry them). */
type Section =
  'meeting' | 'participants' | 'documents' | 'sites' | 'chat' | 'ballots' | 'attendance' | 'floor';
const ALL_SECTIONS: readonly Section[] = [
  'meeting',
  'participants',
  'documents',
  'sites',
  'chat',
  'ballots',
  'attendance',
  'floor',
];

/** Sections each event makes stale (the rest is applied from the event's data). */
const STALE_AFTER: Partial<Record<LiveEvent['type'], readonly Section[]>> = {
  // The quorum rule and the floor's policy are fields of the meeting; who is expected (the
  // roll call's lines) follows the invitations.
  'meeting.updated': ['meeting', 'attendance', 'floor'],
  'participants.changed': ['meeting', 'participants', 'sites', 'attendance'],
  'agenda.changed': ['documents'],
  'documents.changed': ['documents'],
  'chat.message': ['chat'],
  'chat.hidden': ['chat'],
  'poll.changed': ['ballots'],
  'poll.progress': ['ballots'],
};

/** The most missed events a view fills from the log before it reloads instead. */
const MAX_FILL = 500;

/** What the read model needs from the live events (live.service.ts). */
export interface ReadModelEvents {
  subscribe(meetingId: string, listener: (event: LiveEvent) => void): () => void;
  lastSeq(meetingId: string): Promise<number>;
  eventsBetween(
    meetingId: string,
    after: number,
    upto: number | null,
    limit: number,
  ): Promise<LiveEvent[]>;
}

/** Dependencies of {@link LiveReadModel}. */
export interface ReadModelDeps {
  events: ReadModelEvents;
  /** Issues the single-use ticket for the stream that continues the snapshot. */
  issueTicket(user: AuthUser, meetingId: string): Promise<TicketResponse>;
  logger: Logger;
  sources?: typeof readModelSources;
  /** A view nobody asked for this long is dropped (default 10 min). */
  idleMs?: number;
}

/** One meeting as this process holds it: the record's sections and the events applied. */
interface MeetingView {
  meetingId: string;
  core: LiveCore;
  meeting: ViewMeeting;
  participants: Map<string, AccessParticipantFields>;
  documents: MeetingDocument[];
  sites: Site[];
  chat: ChatMessageLean[];
  ballots: Map<string, ViewBallots>;
  conference: ViewConference | null;
  stale: Set<Section>;
  /** Serializes event application and section reloads. */
  chain: Promise<void>;
  lastUsed: number;
  unsubscribe: () => void;
}

/**
 * The per-meeting live read model: what every live screen opens with, held in memory and kept
 * current by the events that feed the live stream (which reach every API process through the
 * live bus, Redis when several run). The first opening of a meeting in a process reads the
 * record; later ones are served from memory, and an event that carries too little to apply
 * (documents changed, a chat message, ballots coming in) makes its section stale, read again
 * once on the next opening, not once per screen. Per-user parts (access, confidential chat,
 * the caller's ballots) are cut from the shared view after access is decided from it.
 */
export class LiveReadModel {
  private readonly views = new Map<string, Promise<MeetingView | null>>();
  private readonly sources: typeof readModelSources;
  private readonly idleMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly deps: ReadModelDeps) {
    this.sources = deps.sources ?? readModelSources;
    this.idleMs = deps.idleMs ?? 10 * 60_000;
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, this.idleMs));
    this.sweeper.unref();
  }

  /**
   * What `user` is to the meeting, decided from memory (null: no such meeting). The same
   * decision as `accessOf` (meeting-access.service.ts).
   */
  async accessOf(user: AuthUser, meetingId: string): Promise<MeetingAccess | null> {
    const view = await this.view(meetingId);
    if (!view) return null;
    await this.settle(view, ['meeting', 'participants']);
    return accessFromRecord(
      user,
      meetingId,
      view.meeting,
      view.participants.get(user.id),
      await userUnitChain(user),
    );
  }

  /** The sequence number the meeting's view is current to (null: no such meeting). */
  async seqOf(meetingId: string): Promise<number | null> {
    const view = await this.view(meetingId);
    return view ? view.core.seq : null;
  }

  /**
   * Everything a live screen opens with, for a caller whose `access` was checked (by
   * {@link accessOf}) before anything is read.
   */
  async snapshot(
    user: AuthUser,
    access: MeetingAccess,
    opts: { ticket: boolean } = { ticket: true },
  ): Promise<LiveSnapshot> {
    const view = await this.view(access.meetingId);
    if (!view) throw new Error(`meeting ${access.meetingId} vanished`);
    await this.settle(view, ALL_SECTIONS);
    // Cut at one instant: nothing below awaits until the copy is made.
    const core = structuredClone(view.core);
    const m = view.meeting;
    const documents = canReadDocuments(access) ? view.documents : [];
    const chat = this.chatFor(view.chat, access);
    const ballots: MyBallot[] = [];
    for (const poll of core.polls) {
      if (poll.status !== 'open') continue;
      const cast = view.ballots.get(poll.id);
      const voted = cast?.has(user.id) === true;
      ballots.push({
        pollId: poll.id,
        voted,
        choice: poll.secret ? null : (cast?.get(user.id) ?? null),
        replaced: false,
      });
    }
    const sites = view.sites;
    // SECURITY: the bridge's state goes to its event's audience only, as on the stream.
    const bridge = view.conference;
    const conference =
      bridge && (!bridge.audience || bridge.audience.includes(user.id))
        ? structuredClone(bridge.data)
        : null;
    const ticket = opts.ticket ? await this.deps.issueTicket(user, access.meetingId) : null;
    return {
      meetingId: access.meetingId,
      ...core,
      at: new Date().toISOString(),
      meeting: {
        title: m.title,
        place: m.place,
        startsAt: m.startsAt.toISOString(),
        hostUnitName: m.hostUnitName,
      },
      access: {
        meetingId: access.meetingId,
        state: core.state,
        visibility: access.visibility,
        role: access.role,
        voting: access.voting,
        operatedSiteIds: access.operatedSiteIds,
        hostAdmin: access.hostAdmin || access.systemAdmin,
        canView: canView(access),
        canManage: canManage(access),
        canChair: canChair(access),
      },
      documents,
      sites,
      chat,
      ballots,
      conference,
      ticket,
    };
  }

  /** Drops every view (they are read again on their next opening). */
  clear(): void {
    for (const pending of this.views.values()) {
      void pending.then((v) => v?.unsubscribe()).catch(() => undefined);
    }
    this.views.clear();
  }

  /** Stops the sweeper and drops every view. */
  close(): void {
    clearInterval(this.sweeper);
    this.clear();
  }

  private chatFor(rows: ChatMessageLean[], access: MeetingAccess): ChatList | null {
    if (!canReadChat(access)) return null;
    // SECURITY: private messages reach only the moderators and their sender, as in the list.
    const mine = moderates(access)
      ? rows
      : rows.filter((m) => m.to === 'everyone' || m.senderId.toHexString() === access.userId);
    return {
      items: mine.map((m) => chatDto(m, access)),
      can: {
        post: takesPart(access) && access.state === 'live',
        hide: canChair(access),
        insertIntoMinutes: access.role === 'secretary',
      },
    };
  }

  private view(meetingId: string): Promise<MeetingView | null> {
    let found = this.views.get(meetingId);
    if (!found) {
      found = this.load(meetingId);
      this.views.set(meetingId, found);
      found.then(
        (v) => {
          if (!v && this.views.get(meetingId) === found) this.views.delete(meetingId);
        },
        () => {
          if (this.views.get(meetingId) === found) this.views.delete(meetingId);
        },
      );
    }
    return found.then((v) => {
      if (v) v.lastUsed = Date.now();
      return v;
    });
  }

  private async load(meetingId: string): Promise<MeetingView | null> {
    const pending: LiveEvent[] = [];
    let view: MeetingView | null = null;
    // Subscribe before reading, so that nothing published meanwhile is lost.
    const unsubscribe = this.deps.events.subscribe(meetingId, (event) => {
      if (!view) pending.push(event);
      else this.enqueue(view, event);
    });
    try {
      const meeting = await this.sources.meeting(meetingId);
      if (!meeting) {
        unsubscribe();
        return null;
      }
      // The sequence first: the sections read after it are at least that current.
      const seq = await this.deps.events.lastSeq(meetingId);
      const [core, participants, documents, sites, chat, conference] = await Promise.all([
        this.sources.core(meetingId, seq),
        this.sources.participants(meetingId),
        this.sources.documents(meetingId),
        this.sources.sites(meetingId),
        this.sources.chat(meetingId),
        this.sources.lastConference(meetingId),
      ]);
      const ballots = await this.sources.ballots(openPollIds(core));
      view = {
        meetingId,
        core,
        meeting,
        participants,
        documents,
        sites,
        chat,
        ballots,
        conference,
        stale: new Set(),
        chain: Promise.resolve(),
        lastUsed: Date.now(),
        unsubscribe,
      };
      for (const event of pending) this.enqueue(view, event);
      return view;
    } catch (err) {
      unsubscribe();
      throw err;
    }
  }

  private enqueue(view: MeetingView, event: LiveEvent): void {
    view.chain = view.chain
      .then(() => this.apply(view, event))
      .catch((err: unknown) => {
        this.deps.logger.warn({ err, meetingId: view.meetingId }, 'read model: reloading');
        this.drop(view);
      });
  }

  private async apply(view: MeetingView, event: LiveEvent): Promise<void> {
    if (event.seq <= view.core.seq) return;
    if (event.seq > view.core.seq + 1) {
      // Missed on the bus: fill from the log, or start over when too much was missed.
      if (event.seq - view.core.seq > MAX_FILL) {
        this.drop(view);
        return;
      }
      const missed = await this.deps.events.eventsBetween(
        view.meetingId,
        view.core.seq,
        event.seq - 1,
        MAX_FILL,
      );
      for (const e of missed) this.applyOne(view, e);
      if (view.core.seq !== event.seq - 1) {
        this.drop(view);
        return;
      }
    }
    this.applyOne(view, event);
  }

  private applyOne(view: MeetingView, event: LiveEvent): void {
    if (event.seq !== view.core.seq + 1) return;
    if (applyLiveEvent(view.core, event) === 'resync') {
      this.drop(view);
      return;
    }
    if (event.type === 'meeting.state') view.meeting.state = view.core.state;
    if (event.type === 'conference.changed')
      view.conference = {
        data: event.data as ConferenceLive,
        audience: event.audience ?? null,
      };
    for (const section of STALE_AFTER[event.type] ?? []) view.stale.add(section);
  }

  /** Reads the stale sections among `wanted` again (once, whoever asks meanwhile). */
  private settle(view: MeetingView, wanted: readonly Section[]): Promise<void> {
    if (!wanted.some((s) => view.stale.has(s))) return view.chain;
    view.chain = view.chain.then(async () => {
      const due = wanted.filter((s) => view.stale.has(s));
      for (const s of due) view.stale.delete(s);
      try {
        await this.reload(view, due);
      } catch (err) {
        for (const s of due) view.stale.add(s);
        throw err;
      }
    });
    return view.chain;
  }

  private async reload(view: MeetingView, sections: Section[]): Promise<void> {
    const id = view.meetingId;
    const src = this.sources;
    await Promise.all(
      sections.map(async (s) => {
        switch (s) {
          case 'meeting': {
            const m = await src.meeting(id);
            if (m) view.meeting = { ...m, state: view.core.state };
            return;
          }
          case 'participants':
            view.participants = await src.participants(id);
            return;
          case 'documents':
            view.documents = await src.documents(id);
            return;
          case 'sites':
            view.sites = await src.sites(id);
            return;
          case 'chat':
            view.chat = await src.chat(id);
            return;
          case 'ballots':
            view.ballots = await src.ballots(openPollIds(view.core));
            return;
          case 'attendance':
            view.core.attendance = await src.attendance(id);
            return;
          case 'floor':
            view.core.floor = await src.floor(id);
            return;
        }
      }),
    );
  }

  private drop(view: MeetingView): void {
    view.unsubscribe();
    const current = this.views.get(view.meetingId);
    if (!current) return;
    void current.then((v) => {
      if (v === view && this.views.get(view.meetingId) === current)
        this.views.delete(view.meetingId);
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, pending] of this.views) {
      void pending
        .then((v) => {
          if (v && now - v.lastUsed > this.idleMs && this.views.get(id) === pending) {
            this.views.delete(id);
            v.unsubscribe();
          }
        })
        .catch(() => undefined);
    }
  }
}

function openPollIds(core: LiveCore): string[] {
  return core.polls.filter((p) => p.status === 'open').map((p) => p.id);
}

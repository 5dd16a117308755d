import type { SignatureBlock } from '../../contracts/minutes';

/** A person as named in the record: full name and, when known, position and unit. */
export interface PersonFact {
  name: string;
  /** Chức vụ, e.g. "Giám đốc Sở Tài chính". */
  position?: string;
}

/** A bridge point (điểm cầu) of the meeting; the host site is where the chair sits. */
export interface SiteFact {
  id: string;
  name: string;
  isHost?: boolean;
  /** Connected (or marked present) at some time during the meeting. */
  present?: boolean;
  /** Video connection periods, ISO date-times (`to` unset: still connected). */
  connections?: { from: string; to?: string }[];
  /** When the roll call marked it present (a site present without a video link). */
  markedPresentAt?: string;
  /** Who operates the site. */
  operators?: string[];
}

/** One invited participant and whether they attended. */
export interface AttendeeFact extends PersonFact {
  /** The site they attended from (or were expected at); unset = the host site. */
  siteId?: string;
  present: boolean;
  /** Name (and position) of the invited person this attendee stands in for (dự thay). */
  substituteFor?: string;
  /** Why an absent participant did not attend. */
  absenceReason?: string;
}

/** One turn at the floor, in the order given. */
export interface SpeakerFact extends PersonFact {
  siteName?: string;
  /** ISO date-times of the turn. */
  startedAt: string;
  endedAt?: string;
  /** What was said, as the secretary will refine it. */
  summary?: string;
}

/** One option of a poll with its count. */
export interface PollOptionFact {
  label: string;
  votes: number;
}

/** A closed poll (biểu quyết) and its counted result. */
export interface PollFact {
  /** The poll's id (names its fact section in the draft). */
  id?: string;
  question: string;
  options: PollOptionFact[];
  /** Participants entitled to vote. */
  eligible: number;
  /** Ballots cast. */
  cast: number;
  anonymous?: boolean;
  closedAt?: string;
  /** The declared outcome, e.g. "Thông qua". */
  outcome?: string;
  /**
   * What the percentages are taken of: the electorate, `eligible` people described by `label`
   * (e.g. "đại biểu có mặt"), out of a pool of `pool` (e.g. the delegates invited).
   */
  base?: { label: string; pool: number };
}

/** One agenda item and what happened under it. */
export interface AgendaItemFact {
  /** The item's id; null for what happened outside any item (names its fact sections). */
  id?: string | null;
  title: string;
  presenter?: PersonFact;
  summary?: string;
  /**
   * What the item puts before the meeting, one line each (the overdue tasks the "add overdue
   * tasks" item lists, issue 15).
   */
  listing?: string[];
  speakers: SpeakerFact[];
  polls: PollFact[];
  conclusions?: string[];
}

/**
 * Everything the templates need to know about a meeting, gathered from the meeting records
 * (participants, attendance, speaker queue, polls). Plain data: the caller builds it.
 */
export interface MeetingFacts {
  /** Cơ quan ban hành and its parent (cơ quan chủ quản), as they head the document. */
  issuingBody: { name: string; parentName?: string };
  /** Số, ký hiệu of the minutes, e.g. "12/BB-UBND". */
  minutesNumberSymbol: string;
  /** Địa danh used in the place-and-date line, e.g. "Vĩnh Phúc". */
  placeName: string;
  /** Date of issue (YYYY-MM-DD); defaults to the meeting's date. */
  issuedOn?: string;
  /** Meeting title, e.g. "Phiên họp thường kỳ tháng 11 năm 2026 của Ủy ban nhân dân tỉnh". */
  title: string;
  /** ISO date-times. */
  startedAt: string;
  endedAt?: string;
  /** Where the meeting took place (phòng họp, địa chỉ). */
  location: string;
  chair: PersonFact;
  secretary: PersonFact;
  sites: SiteFact[];
  attendees: AttendeeFact[];
  agendaItems: AgendaItemFact[];
  /** Overall conclusions of the chair. */
  conclusions: string[];
  recipients: string[];
  archive?: string;
  /** The notice of conclusions, when one is issued. */
  notice?: {
    numberSymbol: string;
    signer: SignatureBlock;
    recipients?: string[];
    archive?: string;
  };
  /** Fixed creation date for reproducible renders; defaults to `startedAt`. */
  createdAt?: string;
  /**
   * The meeting has not ended: who attended is not a fact yet (nobody is absent before the
   * end), and the draft holds a placeholder in that section until it is rebuilt from the
   * record. Speakers and closed polls so far are facts already.
   */
  pending?: boolean;
}

import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { TicketPurpose, TicketResponse } from '../contracts/auth';
import { unauthenticated } from '../errors';
import { TicketModel } from './ticket.model';

/** How long a ticket may wait to be used. */
export const TICKET_TTL_MS = 60_000;

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Expired tickets are swept at most this often (every screen opening issues one). */
const SWEEP_EVERY_MS = 30_000;
let lastSweep = 0;

/** Who a redeemed ticket stands for. */
export interface TicketHolder {
  userId: string;
  sessionId: string;
}

/**
 * SECURITY: tickets keep access tokens out of URLs (proxy logs, browser history, Referer).
 * A ticket is opaque, lives a minute, opens one path for one purpose and works once; it
 * authenticates only (the route still authorizes), and its session must still be open when
 * it is used.
 */
export const ticketService = {
  /** A new ticket for `userId`'s session, opening `resource` (a request path) for `purpose`. */
  async issue(
    holder: TicketHolder,
    purpose: TicketPurpose,
    resource: string,
  ): Promise<TicketResponse> {
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + TICKET_TTL_MS);
    // Expired tickets are swept here: FerretDB has no TTL index.
    if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
      lastSweep = Date.now();
      await TicketModel.deleteMany({ expiresAt: { $lt: new Date() } });
    }
    await TicketModel.create({
      _id: sha256(ticket),
      userId: new Types.ObjectId(holder.userId),
      sessionId: new Types.ObjectId(holder.sessionId),
      purpose,
      resource,
      expiresAt,
    });
    return { ticket, expiresAt: expiresAt.toISOString() };
  },

  /**
   * Uses a ticket up. Whoever deletes the row first wins, so a ticket works exactly once even
   * with several app nodes.
   * @throws AppError 401 when the ticket is unknown, used, expired, or for another purpose or path.
   */
  async redeem(ticket: string, purpose: TicketPurpose, resource: string): Promise<TicketHolder> {
    const refused = unauthenticated(
      'The ticket is not valid here, has expired or was already used. Ask for a new one (POST /api/tickets).',
    );
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(ticket)) throw refused;
    const id = sha256(ticket);
    // One round trip: only the request that deletes the row gets it back.
    const row = await TicketModel.findOneAndDelete({ _id: id }).lean();
    if (!row) throw refused;
    if (row.expiresAt.getTime() <= Date.now()) throw refused;
    if (row.purpose !== purpose || row.resource !== resource) throw refused;
    return { userId: row.userId.toHexString(), sessionId: row.sessionId.toHexString() };
  },
};

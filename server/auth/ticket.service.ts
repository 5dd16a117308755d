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
    await TicketModel.deleteMany({ expiresAt: { $lt: new Date() } });
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
    const row = await TicketModel.findById(id).lean();
    if (!row) throw refused;
    const { deletedCount } = await TicketModel.deleteOne({ _id: id });
    if (deletedCount !== 1) throw refused;
    if (row.expiresAt.getTime() <= Date.now()) throw refused;
    if (row.purpose !== purpose || row.resource !== resource) throw refused;
    return { userId: row.userId.toHexString(), sessionId: row.sessionId.toHexString() };
  },
};

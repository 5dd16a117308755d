import mongoose, { Schema } from 'mongoose';

const ticketSchema = new Schema(
  {
    /** SHA-256 of the ticket: the ticket itself is never stored. */
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, required: true },
    sessionId: { type: Schema.Types.ObjectId, required: true },
    purpose: { type: String, required: true },
    /** The request path the ticket opens, e.g. `/api/meetings/<id>/live`. */
    resource: { type: String, required: true },
    expiresAt: { type: Date, required: true, index: true },
  },
  { collection: 'tickets', versionKey: false },
);

/**
 * Single-use tickets standing in for the access token where a browser cannot set a header
 * (EventSource, plain download links). Stored in MongoDB so that any app node redeems them.
 */
export const TicketModel = mongoose.model('Ticket', ticketSchema);

import { Types } from 'mongoose';
import { CredentialModel } from './credential.model';
import { hashPassword, verifyPassword } from './password';
import { SessionModel } from './session.model';

/** Password hashes and session revocation: what the users module needs of auth. */
export const credentialService = {
  /** Stores (or replaces) the password of a user. */
  async setPassword(userId: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    await CredentialModel.updateOne(
      { userId: new Types.ObjectId(userId) },
      { $set: { hash } },
      { upsert: true },
    );
  },

  /** Whether `password` is the user's; spends the same time when the user has none. */
  async check(userId: string | undefined, password: string): Promise<boolean> {
    const cred = userId
      ? await CredentialModel.findOne({ userId: new Types.ObjectId(userId) }).lean()
      : null;
    return verifyPassword(cred?.hash, password);
  },

  /** Removes a user's password (used to undo a half-created account). */
  async remove(userId: string): Promise<void> {
    await CredentialModel.deleteOne({ userId: new Types.ObjectId(userId) });
  },

  /** Ends every session of a user (deactivation, password reset). */
  async revokeAllSessions(userId: string): Promise<void> {
    await SessionModel.updateMany(
      { userId: new Types.ObjectId(userId), revokedAt: null },
      { $set: { revokedAt: new Date() } },
    );
  },
};

import mongoose, { Schema } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';
import { userRoles } from '../contracts/users';

const userSchema = new Schema(
  {
    username: { type: String, required: true, unique: true, lowercase: true, trim: true },
    fullName: { type: String, required: true },
    title: { type: String, default: '' },
    unitId: { type: Schema.Types.ObjectId, ref: 'Unit', required: true, index: true },
    roles: { type: [String], enum: userRoles, default: ['member'] },
    email: { type: String, default: null },
    phone: { type: String, default: null },
    active: { type: Boolean, default: true, index: true },
    /** Lowercase, diacritics removed: "nguyen van an" finds "Nguyễn Văn An". */
    searchText: { type: String, default: '' },
  },
  { timestamps: true, collection: 'users' },
);

/** A stored user (credentials live in their own collection, see auth/credential.model.ts). */
export type UserRecord = InferSchemaType<typeof userSchema>;
/** A loaded user document. */
export type UserDocument = HydratedDocument<UserRecord>;
/** The users collection. */
export const UserModel = mongoose.model('User', userSchema);

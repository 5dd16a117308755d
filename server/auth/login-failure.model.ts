import mongoose, { Schema } from 'mongoose';

// One document per failed attempt, counted over a window: counting inserts stays exact with
// several API processes and on FerretDB, where concurrent $inc updates are not atomic.
const loginFailureSchema = new Schema(
  {
    key: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'login_failures', versionKey: false },
);
loginFailureSchema.index({ key: 1, at: 1 });

/** Failed login attempts by account (`user:<name>`) and by address (`ip:<addr>`). */
export const LoginFailureModel = mongoose.model('LoginFailure', loginFailureSchema);

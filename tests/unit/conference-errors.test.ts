import { describe, expect, it } from 'vitest';
import { MediaError, mediaErrorCodes } from '../../media/media-errors';
import type { MediaErrorCode } from '../../media/media-errors';
import { isMediaFailure, toApiError } from '../../server/conference/media-error-map';
import { AppError } from '../../server/errors';

describe('media failures as API errors', () => {
  it('answers every media error code with its suggested status and keeps the message', () => {
    // A room that is not open means the meeting is not live: 409 like the other routes say.
    const expected = (c: MediaErrorCode): number =>
      c === 'room_not_found' ? 409 : mediaErrorCodes[c];
    for (const code of Object.keys(mediaErrorCodes) as MediaErrorCode[]) {
      const err = new MediaError(code, `message for ${code}`);
      expect(isMediaFailure(err, code)).toBe(true);
      const api = toApiError(err);
      expect(api).toBeInstanceOf(AppError);
      expect((api as AppError).status).toBe(expected(code));
      expect((api as AppError).message).toBe(`message for ${code}`);
    }
  });

  it('maps the codes the client switches on', () => {
    const code = (c: MediaErrorCode) => (toApiError(new MediaError(c, 'x')) as AppError).code;
    expect(code('invalid_signature')).toBe('unauthenticated');
    expect(code('not_configured')).toBe('not_configured');
    expect(code('livekit_unavailable')).toBe('service_unavailable');
    expect(code('not_connected')).toBe('conflict');
  });

  it('leaves other errors alone', () => {
    const plain = new Error('boom');
    expect(isMediaFailure(plain)).toBe(false);
    expect(toApiError(plain)).toBe(plain);
  });
});

import { RoomServiceClient } from 'livekit-server-sdk';

/** Where a LiveKit server is and the key pair that administers it. */
export interface LivekitEndpoint {
  /** ws(s):// or http(s):// URL of the server. */
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** The HTTP(S) form of a LiveKit URL, which the server API (Twirp) needs. */
export function livekitHttpUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//, 'http$1://');
}

/**
 * A probe for the health check: lists rooms through the server API, which proves the server
 * answers and accepts our key pair.
 * @returns a function that resolves with the number of rooms, or rejects with the reason.
 */
export function livekitProbe(endpoint: LivekitEndpoint): () => Promise<{ rooms: number }> {
  const client = new RoomServiceClient(
    livekitHttpUrl(endpoint.url),
    endpoint.apiKey,
    endpoint.apiSecret,
  );
  return async () => ({ rooms: (await client.listRooms()).length });
}

import type { TicketPurpose, TicketResponse } from '../../../server/contracts/auth';
import { currentTokens, http } from './http';

/**
 * The URL of `path` (plus `query`) carrying a fresh single-use ticket for `purpose`, for what
 * cannot send the Authorization header (EventSource, links, <img>, the PDF viewer). Access
 * tokens never go into URLs: the server refuses them there. Without a session the plain URL
 * is returned (public records need none).
 * @throws ApiError when the ticket cannot be had.
 */
export async function ticketedUrl(
  path: string,
  purpose: TicketPurpose,
  query: Record<string, string> = {},
): Promise<string> {
  const q = new URLSearchParams(query);
  if (currentTokens()?.token()) {
    const { ticket } = await http.post<TicketResponse>('/api/tickets', {
      purpose,
      resource: path,
    });
    q.set('ticket', ticket);
  }
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * Click handler of a download link whose `href` is the plain URL: follows it with a fresh
 * ticket, keeping the link's `download` and `target`. The plain `href` stays for display.
 */
export function followWithTicket(event: MouseEvent): void {
  const anchor = event.currentTarget;
  if (!(anchor instanceof HTMLAnchorElement) || !currentTokens()?.token()) return;
  event.preventDefault();
  const url = new URL(anchor.href, window.location.href);
  void ticketedUrl(url.pathname, 'download', Object.fromEntries(url.searchParams)).then(
    (href) => {
      const link = document.createElement('a');
      link.href = href;
      if (anchor.download) link.download = anchor.download;
      if (anchor.target) link.target = anchor.target;
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
    },
    // Without a ticket the plain URL answers 401; following it shows that to the user.
    () => window.location.assign(anchor.href),
  );
}

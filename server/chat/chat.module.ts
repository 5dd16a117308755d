import type { Logger } from 'pino';
import type { RouteModule } from '../app';
import { chatRoutes } from './chat.routes';
import { createChatService } from './chat.service';
import type { ChatMinutesPort, ChatService } from './chat.service';

/** What the chat needs from the composition root. */
export interface ChatOptions {
  minutes: ChatMinutesPort;
  logger: Logger;
}

/** The chat, started: routes for createApp and the service. */
export interface ChatModule {
  modules: RouteModule[];
  service: ChatService;
}

/** Starts the meeting chat of this process. */
export function startChat(opts: ChatOptions): ChatModule {
  const service = createChatService({ minutes: opts.minutes, logger: opts.logger });
  return { modules: [chatRoutes(service)], service };
}

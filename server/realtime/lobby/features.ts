import type { Clock } from "../../lib/clock";
import type { Logger } from "../../lib/logger";
import type { LimiterStore } from "../../lib/rate-limit/limiter";
import type { ChatService } from "../../modules/chat/chat.service";
import type { MatchmakingService } from "../../modules/matchmaking/matchmaking.service";
import type { NotificationsService } from "../../modules/notifications/notifications.service";
import type { PartiesService } from "../../modules/parties/parties.service";
import type { PartyCodesService } from "../../modules/parties/party-codes.service";
import type { PartyJoinRequestsService } from "../../modules/parties/party-join-requests.service";
import type { SpectatingService } from "../../modules/matches/spectating.service";
import type { PresenceService } from "../../modules/presence/presence.service";
import type { GameLobbiesService } from "../../modules/game-lobbies/game-lobbies.service";
import { GameLobbiesFeature, type GameLobbiesFeatureDeps } from "./game-lobbies/game-lobbies.feature";
import { ChatFeature, type ChatFeatureDeps } from "./chat/chat.feature";
import type { LobbyFeatureList } from "./feature";
import { PartiesFeature, type PartiesFeatureDeps } from "./parties/parties.feature";
import { SocialFeature } from "./social/social.feature";

/** What the lobby's features are built from: the process' services and settings. */
export interface LobbyFeatureDeps {
  presence: PresenceService;
  notifications: NotificationsService;
  chat: ChatService;
  parties: PartiesService;
  partyCodes: PartyCodesService;
  partyJoins: PartyJoinRequestsService;
  spectating: SpectatingService;
  matchmaking: MatchmakingService;
  gameLobbies: GameLobbiesService;
  /** The Presence channel of a game lobby's browser listing (see backplane/presence-game-lobby-listings.ts). */
  gameLobbyListingChannel: (lobbyId: string) => string;
  /** chat.join budgets (CHAT_JOIN_BURST, CHAT_JOINS_PER_SECOND, CHAT_JOINS_PER_ACCOUNT_PER_MINUTE). */
  chatJoins: { burst: number; perSecond: number; perAccountPerMinute: number };
  limiterStore: LimiterStore;
  /** The Presence channel of a chat channel (see backplane/presence-chat-topics.ts). */
  chatTopicChannel: (channelId: string) => string;
  logger: Logger;
  clock: Clock;
}

/**
 * The lobby's features, in order: a join's opening messages come in this order, and a leave
 * closes them in it (parties, last, sees social's presence change). A new feature is a folder
 * next to these and one line in the list below.
 */
export function lobbyFeatures(d: LobbyFeatureDeps): LobbyFeatureList {
  const { presence, notifications, chat, parties, partyCodes, partyJoins, spectating, matchmaking, logger, clock } = d;
  const social = new SocialFeature({ presence, notifications, logger, clock });
  const chatDeps: ChatFeatureDeps = {
    chat,
    logger,
    clock,
    joins: { burst: d.chatJoins.burst, perSecond: d.chatJoins.perSecond },
    // chat.join reads and sends up to 200 messages: per account, on every process together.
    joinsPerAccount: d.limiterStore.create({ name: "chat_join_account", points: d.chatJoins.perAccountPerMinute, durationSeconds: 60 }),
    topicChannel: d.chatTopicChannel,
  };
  const partiesDeps: PartiesFeatureDeps = { parties, partyCodes, partyJoins, spectating, matchmaking, presence, logger };
  const gameLobbiesDeps: GameLobbiesFeatureDeps = { gameLobbies: d.gameLobbies, presence, listingChannel: d.gameLobbyListingChannel, logger };
  return (room) => {
    const roomChat = new ChatFeature(chatDeps, room);
    return [
      social,
      roomChat,
      new PartiesFeature(partiesDeps, roomChat),
      new GameLobbiesFeature(gameLobbiesDeps, room),
    ];
  };
}

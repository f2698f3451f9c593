/** Protocol limits shared by server and clients. */
export const Limits = {
  usernameMinLength: 3,
  usernameMaxLength: 20,
  /** Code points of a display name, after the chat text cleaning. */
  displayNameMaxLength: 32,
  /** Characters (code points), counted after NFC normalisation. */
  passwordMinLength: 8,
  passwordMaxLength: 128,
  /** Bytes of an HTTP JSON body. */
  httpBodyMaxBytes: 16 * 1024,
  /** Bytes of a POST /matchmake/* body (the join options: the lobby needs none, reconnect a token). */
  matchmakeBodyMaxBytes: 4 * 1024,
  /** Bytes of a single WebSocket frame from a client. */
  wsMaxPayloadBytes: 4 * 1024,
  /** Bytes the server holds unsent for one connection (a client not reading) before it cuts it. */
  wsSendBacklogMaxBytes: 512 * 1024,
  /** Messages a client may send to a room per second before it is disconnected. */
  wsMaxMessagesPerSecond: 20,
  /** Code points of a player's custom presence text. */
  presenceTextMaxLength: 64,
  /** Chat text after cleaning: code points and UTF-8 bytes. */
  chatMaxCodePoints: 500,
  chatMaxBytes: 2000,
  /** Raw chat input longer than this (UTF-16 units) is refused before any processing. */
  chatMaxInputChars: 4000,
  /** Page size bounds of every paginated list. */
  pageMaxLimit: 100,
} as const;

export const USERNAME_PATTERN = /^[A-Za-z0-9_]+$/;

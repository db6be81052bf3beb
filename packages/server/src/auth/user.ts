/** Who a connection belongs to, as `authenticate` decided. */
export interface AuthenticatedUser {
  readonly userId: string;
  /**
   * When the token stops being valid (ms since epoch). The connection is then closed with 4401 and the client
   * reconnects with a fresh token from its `auth()`. Default: valid for the connection's lifetime.
   */
  readonly expiresAt?: number;
  /**
   * The channels these credentials are limited to (a stream token issued for some channels): every endpoint refuses
   * the others with `forbidden`, whatever `authorizeChannel` says. Absent: no limit of their own.
   */
  readonly channels?: readonly string[];
}

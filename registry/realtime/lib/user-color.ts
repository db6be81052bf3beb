/**
 * A colour per user, derived from their id: the same id gets the same colour on every screen and every visit,
 * with no server round trip and nothing to store.
 *
 * The hue comes from a hash of the id; lightness and chroma are fixed (OKLCH L 0.5, C 0.14) so every hue
 * carries white text at 4.5:1 or better, and stands out at 3:1 or better against both a white and a near-black
 * (shadcn dark) background: readable in light and dark themes alike.
 */
export interface UserColor {
  /** The solid colour: cursor arrows, carets, name tags (white text on it). */
  readonly solid: string
  /** A translucent tint of it, for selections over text. */
  readonly tint: string
  /** The hue (0–359), should you build other shades from it. */
  readonly hue: number
}

const LIGHTNESS = 0.5
const CHROMA = 0.14

/**
 * The colour of the user with this id.
 * @example
 * const { solid, tint } = userColor('user_42') // { solid: 'oklch(0.5 0.14 213)', tint: 'oklch(0.5 0.14 213 / 0.22)', hue: 213 }
 */
export function userColor(id: string): UserColor {
  const hue = hashString(id) % 360
  return {
    solid: `oklch(${LIGHTNESS} ${CHROMA} ${hue})`,
    tint: `oklch(${LIGHTNESS} ${CHROMA} ${hue} / 0.22)`,
    hue,
  }
}

/** FNV-1a (32-bit): cheap, and spreads short similar ids ("user1", "user2") across the hue circle. */
function hashString(value: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < value.length; index++) {
    hash ^= value.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  // A final avalanche step so ids differing only in their last character do not land on neighbouring hues.
  hash ^= hash >>> 15
  hash = Math.imul(hash, 0x2c1b3c6d)
  hash ^= hash >>> 12
  return hash >>> 0
}

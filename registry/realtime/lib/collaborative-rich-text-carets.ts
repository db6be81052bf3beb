import type { DecorationAttrs } from "@tiptap/pm/view"

/** What each editor puts in its awareness `user` field (Tiptap's CollaborationCaret sends it). */
export interface CollaborativeRichTextCaretUser {
  id: string
  name: string
  /** The solid colour of `userColor(id)` as `#rrggbb` (the one format y-tiptap's caret plugin accepts): caret and name tag. */
  color: string
  /** Its translucent tint: the selection. */
  tint: string
}

const asString = (value: unknown, fallback: string) =>
  typeof value === "string" && value !== "" ? value : fallback

/**
 * Another person's caret: a thin bar in their colour with their name above it. Decorative (`aria-hidden`): the
 * list of people editing says who is here, and a screen reader must not read names into the text.
 */
export function renderRemoteCaret(user: Record<string, unknown>): HTMLElement {
  const color = asString(user.color, "currentColor")
  const caret = document.createElement("span")
  caret.dataset.slot = "collaborative-rich-text-caret"
  caret.setAttribute("aria-hidden", "true")
  caret.className =
    "pointer-events-none relative -mx-px border-x break-normal select-none"
  caret.style.borderColor = color
  const label = document.createElement("span")
  label.dataset.slot = "collaborative-rich-text-caret-label"
  label.className =
    "absolute bottom-full -left-px rounded-sm rounded-bl-none px-1 py-px text-[0.6875rem] leading-tight font-semibold whitespace-nowrap text-white not-italic"
  label.style.backgroundColor = color
  label.textContent = asString(user.name, "?")
  caret.append(label)
  return caret
}

/** Another person's selection: their tint behind the text. */
export function renderRemoteSelection(
  user: Record<string, unknown>
): DecorationAttrs {
  return {
    nodeName: "span",
    class: "collaborative-rich-text-selection",
    "data-slot": "collaborative-rich-text-selection",
    style: `background-color: ${asString(user.tint, "transparent")}`,
  }
}

/**
 * `userColor(id).solid` (`oklch(L C H)`) as `#rrggbb`: y-tiptap warns on every redraw about any other colour format, and
 * other Yjs tools reading the awareness expect hex too. OKLab → linear sRGB → gamma-encoded, clamped to the gamut.
 */
export function oklchToHex(oklch: string): string {
  const [lightness = 0, chroma = 0, hue = 0] = (
    oklch.match(/-?[\d.]+/g) ?? []
  ).map(Number)
  const radians = (hue * Math.PI) / 180
  const a = chroma * Math.cos(radians)
  const b = chroma * Math.sin(radians)
  const l = (lightness + 0.3963377774 * a + 0.2158037573 * b) ** 3
  const m = (lightness - 0.1055613458 * a - 0.0638541728 * b) ** 3
  const s = (lightness - 0.0894841775 * a - 1.291485548 * b) ** 3
  const linear = [
    4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s,
    -1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s,
    -0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s,
  ]
  return `#${linear
    .map((channel) => {
      const clamped = Math.min(1, Math.max(0, channel))
      const encoded =
        clamped <= 0.0031308
          ? 12.92 * clamped
          : 1.055 * clamped ** (1 / 2.4) - 0.055
      return Math.round(encoded * 255)
        .toString(16)
        .padStart(2, "0")
    })
    .join("")}`
}

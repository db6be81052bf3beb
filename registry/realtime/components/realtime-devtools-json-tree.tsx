"use client"

import * as React from "react"
import { ChevronRight } from "lucide-react"

import { cn } from "@/registry/realtime/lib/utils"

interface TreeNode {
  path: string
  key: string | null
  value: unknown
  level: number
  /** Position among its siblings, 1-based, and how many siblings. */
  position: number
  siblings: number
  branch: boolean
}

function isBranch(
  value: unknown
): value is Record<string, unknown> | unknown[] {
  return (
    typeof value === "object" && value !== null && Object.keys(value).length > 0
  )
}

/** The visible nodes, depth first: children of collapsed branches are left out. */
function visibleNodes(
  value: unknown,
  expanded: ReadonlySet<string>
): TreeNode[] {
  const nodes: TreeNode[] = []
  const walk = (
    key: string | null,
    item: unknown,
    path: string,
    level: number,
    position: number,
    siblings: number
  ) => {
    const branch = isBranch(item)
    nodes.push({ path, key, value: item, level, position, siblings, branch })
    if (!branch || !expanded.has(path)) return
    const entries = Object.entries(item)
    entries.forEach(([childKey, child], index) =>
      walk(
        childKey,
        child,
        `${path}/${childKey}`,
        level + 1,
        index + 1,
        entries.length
      )
    )
  }
  walk(null, value, "$", 1, 1, 1)
  return nodes
}

function preview(value: unknown): string {
  if (Array.isArray(value)) return `Array(${value.length})`
  if (typeof value === "object" && value !== null)
    return Object.keys(value).length === 0
      ? "{}"
      : `{…} ${Object.keys(value).length}`
  if (typeof value === "string")
    return JSON.stringify(
      value.length > 200 ? `${value.slice(0, 200)}…` : value
    )
  return String(value)
}

/** The root and its direct children start expanded: a frame's `data` shows at once. */
function initiallyExpanded(value: unknown): ReadonlySet<string> {
  const paths = new Set(["$"])
  if (isBranch(value))
    for (const [key, child] of Object.entries(value))
      if (isBranch(child)) paths.add(`$/${key}`)
  return paths
}

/** Where a key moves the focus in the tree, and which branch it opens or closes (or null: not a tree key). */
function treeKeyAction(
  key: string,
  node: TreeNode,
  index: number,
  nodes: readonly TreeNode[],
  isOpen: boolean
): { focus?: string; toggle?: boolean } | null {
  const next = nodes[index + 1]?.path
  switch (key) {
    case "ArrowDown":
      return { focus: next }
    case "ArrowUp":
      return { focus: nodes[index - 1]?.path }
    case "Home":
      return { focus: nodes[0]?.path }
    case "End":
      return { focus: nodes.at(-1)?.path }
    case "ArrowRight":
      if (!node.branch) return {}
      return isOpen ? { focus: next } : { toggle: true }
    case "ArrowLeft":
      if (node.branch && isOpen) return { toggle: false }
      return node.level > 1
        ? { focus: node.path.slice(0, node.path.lastIndexOf("/")) }
        : {}
    case "Enter":
    case " ":
      return node.branch ? { toggle: !isOpen } : {}
    default:
      return null
  }
}

/**
 * A payload as an ARIA tree: arrow keys move (Up/Down), expand or go to the first child (Right), collapse or go to
 * the parent (Left); Home/End; Enter or Space toggles.
 */
function RealtimeDevtoolsJsonTree({
  value,
  label,
}: {
  value: unknown
  label: string
}) {
  const [expanded, setExpanded] = React.useState<ReadonlySet<string>>(() =>
    initiallyExpanded(value)
  )
  const [active, setActive] = React.useState("$")
  const treeRef = React.useRef<HTMLUListElement>(null)
  const nodes = React.useMemo(
    () => visibleNodes(value, expanded),
    [value, expanded]
  )

  const toggle = (path: string, open?: boolean) =>
    setExpanded((current) => {
      const next = new Set(current)
      if (open ?? !next.has(path)) next.add(path)
      else next.delete(path)
      return next
    })
  const focus = (path: string) => {
    setActive(path)
    treeRef.current
      ?.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)
      ?.focus()
  }

  const onKeyDown = (
    event: React.KeyboardEvent,
    node: TreeNode,
    index: number
  ) => {
    const action = treeKeyAction(
      event.key,
      node,
      index,
      nodes,
      expanded.has(node.path)
    )
    if (action === null) return
    event.preventDefault()
    event.stopPropagation()
    if (action.toggle !== undefined) toggle(node.path, action.toggle)
    if (action.focus !== undefined) focus(action.focus)
  }

  return (
    <ul
      ref={treeRef}
      role="tree"
      aria-label={label}
      data-slot="realtime-devtools-json"
      className="font-mono text-xs"
    >
      {nodes.map((node, index) => (
        <li
          key={node.path}
          role="treeitem"
          data-path={node.path}
          aria-level={node.level}
          aria-setsize={node.siblings}
          aria-posinset={node.position}
          aria-expanded={node.branch ? expanded.has(node.path) : undefined}
          aria-selected={active === node.path}
          tabIndex={active === node.path ? 0 : -1}
          onKeyDown={(event) => onKeyDown(event, node, index)}
          onClick={(event) => {
            event.stopPropagation()
            setActive(node.path)
            if (node.branch) toggle(node.path)
          }}
          style={{ paddingInlineStart: `${(node.level - 1) * 0.875}rem` }}
          // Tree items are not a shadcn primitive: the same focus ring as shadcn's controls.
          className="flex cursor-default items-baseline gap-1 rounded-sm py-px outline-none hover:bg-accent focus-visible:ring-[3px] focus-visible:ring-ring/50"
        >
          <ChevronRight
            aria-hidden="true"
            className={cn(
              "size-3 shrink-0 self-center motion-safe:transition-transform",
              node.branch ? "text-muted-foreground" : "invisible",
              expanded.has(node.path) ? "rotate-90" : "rtl:rotate-180"
            )}
          />
          {node.key !== null && (
            <span className="text-sky-800 dark:text-sky-300">{node.key}:</span>
          )}
          <span
            className={cn(
              "break-all",
              typeof node.value === "string"
                ? "text-emerald-800 dark:text-emerald-300"
                : "text-foreground"
            )}
          >
            {preview(node.value)}
          </span>
        </li>
      ))}
    </ul>
  )
}

export { RealtimeDevtoolsJsonTree }

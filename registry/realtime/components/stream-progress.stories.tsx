import type { TestTransport } from "@realtime-kit/core/testing"
import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, fn, userEvent, waitFor, within } from "storybook/test"

import { StreamProgress } from "@/registry/realtime/components/stream-progress"
import {
  kitOf,
  slowBackoff,
  testTransportLoader,
  withTestTransport,
} from "@/registry/realtime/testing/story-kit"

const plannedSteps = [
  { id: "install", label: "Installing dependencies" },
  { id: "build", label: "Building" },
  { id: "deploy", label: "Deploying" },
]

const meta = {
  title: "Realtime/StreamProgress",
  component: StreamProgress,
  loaders: [testTransportLoader],
  decorators: [withTestTransport],
  args: {
    url: "/jobs/42/events",
    title: "Deploying acme.dev",
    steps: plannedSteps,
    locale: "en-US",
    className: "max-w-md",
    sseOptions: { backoff: slowBackoff },
  },
} satisfies Meta<typeof StreamProgress>

export default meta
type Story = StoryObj<typeof meta>

/** The first half of a run: install done, build active at 40%. Ids let a reconnect resume after event 4. */
async function streamHalfway(kit: TestTransport) {
  await kit.server.waitForConnections(1)
  kit.server.send({
    id: "1",
    event: "step",
    data: { id: "install", status: "active" },
  })
  kit.server.send({
    id: "2",
    event: "step",
    data: { id: "install", status: "done", detail: "312 packages" },
  })
  kit.server.send({
    id: "3",
    event: "step",
    data: { id: "build", status: "active" },
  })
  kit.server.send({ id: "4", event: "progress", data: { value: 40, max: 100 } })
}

/** No URL yet: the planned steps, an empty bar. */
export const Idle: Story = {
  args: { url: null },
  play: async ({ canvas }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent("Not started")
    await expect(
      canvas.getByRole("progressbar", { name: "Deploying acme.dev" })
    ).not.toHaveAttribute("aria-valuenow")
    await expect(canvas.getAllByRole("listitem")).toHaveLength(3)
  },
}

/** Waiting for the server: an indeterminate bar (no aria-valuenow). */
export const Connecting: Story = {
  beforeEach: ({ loaded }) => kitOf({ loaded }).server.respondWith("hang"),
  play: async ({ canvas }) => {
    await expect(canvas.getByRole("status")).toHaveTextContent("Connecting…")
    const bar = canvas.getByRole("progressbar", { name: "Deploying acme.dev" })
    await expect(bar).not.toHaveAttribute("aria-valuenow")
    await expect(bar).toHaveAttribute("aria-busy", "true")
  },
}

/** Steps and progress arrive: the bar, the percentage and the current step follow. */
export const Streaming: Story = {
  play: async ({ canvas, loaded }) => {
    await streamHalfway(kitOf({ loaded }))
    const bar = canvas.getByRole("progressbar", { name: "Deploying acme.dev" })
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "40"))
    await expect(bar).toHaveAttribute("aria-valuetext", "40%, Building")
    await expect(canvas.getByRole("status")).toHaveTextContent("Building")
    const steps = within(canvas.getByRole("list"))
    await expect(steps.getByText("Building").closest("li")).toHaveAttribute(
      "aria-current",
      "step"
    )
    await expect(
      steps.getByText("Installing dependencies").closest("li")
    ).toHaveAttribute("data-state", "done")
    await expect(canvas.getByText("312 packages")).toBeVisible()
  },
}

/** The stream drops mid-run: it counts down, offers "Retry now", and resumes with Last-Event-ID. */
export const Reconnecting: Story = {
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await streamHalfway(kit)
    await waitFor(() =>
      expect(canvas.getByRole("progressbar")).toHaveAttribute(
        "aria-valuenow",
        "40"
      )
    )
    kit.chaos.disconnect()
    await waitFor(() =>
      expect(
        canvasElement.querySelector('[data-slot="stream-progress"]')
      ).toHaveAttribute("data-state", "reconnecting")
    )
    await expect(canvas.getByRole("status")).toHaveTextContent(
      /Connection lost\. Reconnecting…\s*\(in [78]\s?s\)/
    )
    // Progress so far is kept while reconnecting.
    await expect(canvas.getByRole("progressbar")).toHaveAttribute(
      "aria-valuenow",
      "40"
    )
    await expect(
      canvas.getByRole("button", { name: "Retry now" })
    ).toBeVisible()
  },
}

/** "Retry now" reconnects at once and the server is asked to resume after the last event. */
export const ResumesAfterReconnect: Story = {
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await streamHalfway(kit)
    await waitFor(() =>
      expect(canvas.getByRole("progressbar")).toHaveAttribute(
        "aria-valuenow",
        "40"
      )
    )
    kit.chaos.disconnect()
    kit.chaos.reconnect()
    await userEvent.click(
      await canvas.findByRole("button", { name: "Retry now" })
    )
    await kit.server.waitForConnections(1)
    await expect(kit.server.requests.at(-1)?.lastEventId).toBe("4")
    kit.server.send({
      id: "5",
      event: "progress",
      data: { value: 70, max: 100 },
    })
    await waitFor(() =>
      expect(canvas.getByRole("progressbar")).toHaveAttribute(
        "aria-valuenow",
        "70"
      )
    )
    await expect(canvas.getByRole("status")).toHaveTextContent("Building")
  },
}

/** Offline: progress is kept and the status says it waits for the network. */
export const Offline: Story = {
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await streamHalfway(kit)
    await waitFor(() =>
      expect(canvas.getByRole("progressbar")).toHaveAttribute(
        "aria-valuenow",
        "40"
      )
    )
    kit.chaos.offline()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent(
        "You are offline. Waiting for the network…"
      )
    )
    await expect(canvas.getByRole("progressbar")).toHaveAttribute(
      "aria-valuenow",
      "40"
    )
  },
}

/** Done: full bar, the server's message, and the stream is closed (the end of the response is not a drop). */
export const Done: Story = {
  args: { onDone: fn() },
  play: async ({ canvas, loaded, args }) => {
    const kit = kitOf({ loaded })
    await streamHalfway(kit)
    kit.server.send({
      id: "5",
      event: "step",
      data: { id: "build", status: "done" },
    })
    kit.server.send({
      id: "6",
      event: "step",
      data: { id: "deploy", status: "done" },
    })
    kit.server.send({
      id: "7",
      event: "done",
      data: { message: "Deployed in 42 s" },
    })
    kit.server.end()
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent("Deployed in 42 s")
    )
    await expect(canvas.getByRole("progressbar")).toHaveAttribute(
      "aria-valuenow",
      "100"
    )
    await expect(canvas.getByRole("progressbar")).toHaveAttribute(
      "aria-busy",
      "false"
    )
    await expect(canvas.queryByRole("button")).toBeNull()
    await expect(args.onDone).toHaveBeenCalledWith({
      message: "Deployed in 42 s",
    })
    await expect(kit.server.connections).toBe(0)
  },
}

/** The task failed (an `error` event): the message, the failed step, and Retry, which starts afresh. */
export const TaskFailed: Story = {
  play: async ({ canvas, loaded }) => {
    const kit = kitOf({ loaded })
    await streamHalfway(kit)
    kit.server.send({
      id: "5",
      event: "step",
      data: { id: "build", status: "error" },
    })
    kit.server.send({
      id: "6",
      event: "error",
      data: { message: "Build failed: 3 type errors in src/app.tsx" },
    })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent(
        "Something went wrong"
      )
    )
    await expect(
      canvas.getByText("Build failed: 3 type errors in src/app.tsx")
    ).toBeVisible()
    await expect(
      within(canvas.getByRole("list")).getByText("Building").closest("li")
    ).toHaveAttribute("data-state", "error")
    await expect(canvas.getByRole("button", { name: "Retry" })).toBeVisible()
  },
}

/** Retry after a failed task: a fresh run (no `Last-Event-ID`), the old steps cleared. */
export const RetryAfterFailure: Story = {
  play: async (context) => {
    const { canvas, loaded } = context
    const kit = kitOf({ loaded })
    await TaskFailed.play?.(context)
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    // reset(): a fresh run, so no Last-Event-ID, and the old events are gone.
    await waitFor(() =>
      expect(kit.server.requests.at(-1)?.lastEventId).toBeNull()
    )
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent(
        /Connecting…|In progress/
      )
    )
    await expect(
      within(canvas.getByRole("list")).getByText("Building").closest("li")
    ).toHaveAttribute("data-state", "pending")
  },
}

/** The server refused the connection (401): the reason and a Retry button that calls `onRetry`. */
export const Unauthorized: Story = {
  args: { onRetry: fn() },
  beforeEach: ({ loaded }) =>
    kitOf({ loaded }).server.respondWith({ status: 401 }),
  play: async ({ canvas, canvasElement, args }) => {
    await waitFor(() =>
      expect(
        canvasElement.querySelector('[data-slot="stream-progress"]')
      ).toHaveAttribute("data-state", "error")
    )
    await expect(canvas.getByRole("status")).toHaveTextContent(
      "Something went wrong"
    )
    await expect(
      canvasElement.querySelector('[data-slot="stream-progress-error"]')
        ?.textContent
    ).toMatch(/401/)
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    await expect(args.onRetry).toHaveBeenCalledOnce()
  },
}

/** Long titles and step labels wrap; nothing overflows the card. */
export const LongLabels: Story = {
  args: {
    title:
      "Migrating 14 million customer records from the legacy billing database to the new ledger service",
    steps: [
      {
        id: "export",
        label:
          "Exporting every invoice, credit note and refund issued since the company was founded in 2009",
      },
      {
        id: "transform",
        label:
          "Transforming_records_with_an_extremely_long_identifier_that_has_no_spaces_at_all",
      },
      { id: "import", label: "Importing" },
    ],
  },
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await kit.server.waitForConnections(1)
    kit.server.send({
      id: "1",
      event: "step",
      data: { id: "export", status: "active" },
    })
    await waitFor(() =>
      expect(canvas.getByRole("status")).toHaveTextContent(
        /Exporting every invoice/
      )
    )
    const card = canvasElement.querySelector('[data-slot="stream-progress"]')!
    await expect(card.scrollWidth).toBeLessThanOrEqual(card.clientWidth)
  },
}

/** Right-to-left, Arabic texts and Arabic-Indic percentages. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    locale: "ar-EG",
    title: "جارٍ النشر",
    steps: [
      { id: "install", label: "تثبيت الحزم" },
      { id: "build", label: "البناء" },
      { id: "deploy", label: "النشر" },
    ],
    labels: {
      connecting: "جارٍ الاتصال…",
      progress: "التقدم",
      pending: "قيد الانتظار",
      active: "قيد التنفيذ",
      stepDone: "تم",
    },
  },
  play: async ({ canvas, loaded }) => {
    await streamHalfway(kitOf({ loaded }))
    const bar = canvas.getByRole("progressbar", { name: "جارٍ النشر" })
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "40"))
    await expect(bar.getAttribute("aria-valuetext")).toMatch(/^٤٠\s?٪؜?/)
  },
}

/** Dark theme, mid-run. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async ({ canvas, loaded }) => {
    await streamHalfway(kitOf({ loaded }))
    await waitFor(() =>
      expect(canvas.getByRole("progressbar")).toHaveAttribute(
        "aria-valuenow",
        "40"
      )
    )
    await expect(document.documentElement).toHaveClass("dark")
  },
}

/** Reduced motion: the active step's spinner and the bar do not animate. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  play: async ({ canvas, canvasElement, loaded }) => {
    await streamHalfway(kitOf({ loaded }))
    await waitFor(() =>
      expect(canvas.getByRole("progressbar")).toHaveAttribute(
        "aria-valuenow",
        "40"
      )
    )
    const spinner = canvasElement.querySelector('li[data-state="active"] svg')!
    await expect(getComputedStyle(spinner).animationName).toBe("none")
  },
}

import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, fn, userEvent, waitFor } from "storybook/test"

import {
  LiveForm,
  type LiveFormAction,
  type LiveFormValidator,
} from "@/registry/realtime/blocks/live-form/live-form"
import {
  asked,
  field,
  fillValid,
  form,
  liveFormMeta,
  manualCheck,
  neverAnswers,
} from "@/registry/realtime/blocks/live-form/live-form.story-fixtures"
import { kitOf, sleep } from "@/registry/realtime/testing/story-kit"

// Behaviour: typing, checks, submitting, progress, the server's answers. Dark, right to left and reduced motion are
// in live-form-display.stories.tsx.
const meta = {
  ...liveFormMeta,
  title: "Realtime/LiveForm",
  component: LiveForm,
} satisfies Meta<typeof LiveForm>

export default meta
type Story = StoryObj<typeof meta>

/** Nothing typed yet: no messages, no icons, the submit button enabled. */
export const Idle: Story = {
  play: async ({ canvas, canvasElement, args }) => {
    await expect(form(canvasElement)).toHaveAttribute("data-state", "idle")
    const username = canvas.getByLabelText(/^Username/)
    await expect(username).not.toHaveAttribute("aria-invalid")
    await expect(username).toHaveAccessibleDescription(
      /^Your page will be at example\.dev\/<username>\.\s*$/
    )
    await expect(
      canvas.getByRole("button", { name: "Create page" })
    ).not.toHaveAttribute("aria-disabled")
    await expect(args.validators?.username).not.toHaveBeenCalled()
  },
}

/** Typing: the field is pending at once, but the server is asked only once, after 300 ms of quiet. */
export const FieldPending: Story = {
  args: { validators: { username: fn(manualCheck) } },
  play: async ({ canvas, canvasElement, args }) => {
    const username = canvas.getByLabelText(/^Username/)
    await userEvent.type(username, "grace")
    await expect(field(canvasElement, "username")).toHaveAttribute(
      "data-state",
      "pending"
    )
    await expect(username).toHaveAccessibleDescription(/Checking…/)
    // Debounced: nothing asked while typing…
    await expect(args.validators?.username).not.toHaveBeenCalled()
    // …then one request for the whole word.
    await waitFor(() =>
      expect(args.validators?.username).toHaveBeenCalledOnce()
    )
    await expect(args.validators?.username).toHaveBeenCalledWith(
      "grace",
      expect.objectContaining({
        signal: expect.objectContaining({ aborted: false }),
      })
    )
    await expect(field(canvasElement, "username")).toHaveAttribute(
      "data-state",
      "pending"
    )
  },
}

/** The server says the name is free: a check mark and the server's message, announced politely. */
export const FieldValid: Story = {
  play: async ({ canvas, canvasElement }) => {
    const username = canvas.getByLabelText(/^Username/)
    await userEvent.type(username, "grace")
    await waitFor(() =>
      expect(field(canvasElement, "username")).toHaveAttribute(
        "data-state",
        "valid"
      )
    )
    await expect(username).toHaveAccessibleDescription(/“grace” is available\./)
    await expect(username).not.toHaveAttribute("aria-invalid")
    const message = field(canvasElement, "username").querySelector(
      '[data-slot="live-form-message"]'
    )!
    await expect(message).toHaveAttribute("aria-live", "polite")
  },
}

/** The name is taken: aria-invalid, the reason, and submitting moves focus back to the field instead. */
export const FieldInvalid: Story = {
  play: async ({ canvas, args }) => {
    const username = canvas.getByLabelText(/^Username/)
    await userEvent.type(username, "admin")
    await userEvent.type(canvas.getByLabelText(/^Email/), "root@example.dev")
    await waitFor(() =>
      expect(username).toHaveAttribute("aria-invalid", "true")
    )
    await expect(username).toHaveAccessibleDescription(
      /“admin” is taken\. Try another\./
    )
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    await expect(username).toHaveFocus()
    await expect(args.action).not.toHaveBeenCalled()
  },
}

/** Blur checks at once, without waiting for the debounce; a value already answered is not asked again. */
export const ValidatesOnBlur: Story = {
  args: { debounceMs: 5_000 },
  play: async ({ canvas, canvasElement, args }) => {
    await userEvent.type(canvas.getByLabelText(/^Username/), "ada")
    await expect(args.validators?.username).not.toHaveBeenCalled()
    await userEvent.tab()
    await waitFor(() =>
      expect(field(canvasElement, "username")).toHaveAttribute(
        "data-state",
        "invalid"
      )
    )
    await expect(args.validators?.username).toHaveBeenCalledOnce()
    await userEvent.click(canvas.getByLabelText(/^Username/))
    await userEvent.tab()
    await sleep(50)
    await expect(args.validators?.username).toHaveBeenCalledOnce()
  },
}

/** A newer value aborts the older request, and the older answer, arriving last, never overwrites the newer one. */
export const StaleRequestCancelled: Story = {
  args: { validators: { username: manualCheck } },
  play: async ({ canvas, canvasElement }) => {
    const username = canvas.getByLabelText(/^Username/)
    await userEvent.type(username, "ada")
    await waitFor(() => expect(asked).toHaveLength(1))
    await userEvent.type(username, "-lovelace")
    await waitFor(() => expect(asked).toHaveLength(2))
    const [stale, fresh] = asked as [
      (typeof asked)[number],
      (typeof asked)[number],
    ]
    await expect(stale.value).toBe("ada")
    await expect(stale.signal.aborted).toBe(true)
    await expect(fresh.value).toBe("ada-lovelace")
    fresh.answer({ valid: true, message: "Available" })
    stale.answer({ valid: false, message: "Taken" })
    await waitFor(() =>
      expect(field(canvasElement, "username")).toHaveAttribute(
        "data-state",
        "valid"
      )
    )
    await sleep(50)
    await expect(field(canvasElement, "username")).toHaveAttribute(
      "data-state",
      "valid"
    )
    await expect(username).toHaveAccessibleDescription(/Available/)
  },
}

/** The validator failed (network down): the field is left unchecked and says it will be checked on submit. */
export const CheckFailed: Story = {
  args: {
    validators: {
      username: fn<LiveFormValidator>(async () =>
        Promise.reject(new TypeError("Failed to fetch"))
      ),
    },
  },
  play: async ({ canvas, canvasElement }) => {
    const username = canvas.getByLabelText(/^Username/)
    await userEvent.type(username, "grace")
    await waitFor(() =>
      expect(username).toHaveAccessibleDescription(/Could not check this now/)
    )
    await expect(field(canvasElement, "username")).toHaveAttribute(
      "data-state",
      "idle"
    )
  },
}

/** Submitting: "Submitting…" shows at once (useOptimistic), the button refuses more, and so does Enter. */
export const Submitting: Story = {
  args: { action: fn(neverAnswers) },
  play: async ({ canvas, canvasElement, args }) => {
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    const button = await canvas.findByRole("button", { name: "Submitting…" })
    await expect(button).toHaveAttribute("aria-disabled", "true")
    await expect(form(canvasElement)).toHaveAttribute(
      "data-state",
      "submitting"
    )
    await expect(form(canvasElement)).toHaveAttribute("aria-busy", "true")
    await expect(args.action).toHaveBeenCalledOnce()
    const data = (args.action as ReturnType<typeof fn>).mock
      .calls[0]![1] as FormData
    await expect(Object.fromEntries(data)).toEqual({
      username: "grace",
      email: "grace@example.dev",
    })
  },
}

/** Enter twice and a click while submitting: the action runs once. */
export const DoubleSubmitPrevented: Story = {
  args: { action: fn(neverAnswers) },
  play: async ({ canvas, canvasElement, args }) => {
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByLabelText(/^Email/))
    await userEvent.keyboard("{Enter}{Enter}")
    await userEvent.click(canvas.getByRole("button", { name: "Submitting…" }))
    await userEvent.keyboard("{Enter}")
    await sleep(50)
    await expect(args.action).toHaveBeenCalledOnce()
  },
}

const working: LiveFormAction = async () => ({
  status: "working",
  progressUrl: "/jobs/7/events",
})

/** The server accepted the form and streams the work's progress (the stream-progress protocol). */
export const ProgressStreaming: Story = {
  args: { action: fn(working) },
  play: async ({ canvas, canvasElement, loaded }) => {
    const kit = kitOf({ loaded })
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    await kit.server.waitForConnections(1)
    await expect(kit.server.requests.at(-1)?.url).toMatch(/\/jobs\/7\/events$/)
    kit.server.send({
      id: "1",
      event: "step",
      data: { id: "reserve", status: "done" },
    })
    kit.server.send({
      id: "2",
      event: "step",
      data: { id: "build", status: "active" },
    })
    kit.server.send({
      id: "3",
      event: "progress",
      data: { value: 60, max: 100 },
    })
    const bar = canvas.getByRole("progressbar", { name: "Creating your page" })
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "60"))
    await expect(form(canvasElement)).toHaveAttribute("data-state", "working")
    // Still no second submission while the work runs.
    await expect(
      canvas.getByRole("button", { name: "Working…" })
    ).toHaveAttribute("aria-disabled", "true")
  },
}

/** The stream says done: success, announced, and the form can be used again. */
export const Success: Story = {
  args: { action: fn(working), onSuccess: fn() },
  play: async ({ canvas, canvasElement, loaded, args }) => {
    const kit = kitOf({ loaded })
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    await kit.server.waitForConnections(1)
    kit.server.send({
      id: "1",
      event: "step",
      data: { id: "reserve", status: "done" },
    })
    kit.server.send({
      id: "2",
      event: "step",
      data: { id: "build", status: "done" },
    })
    kit.server.send({
      id: "3",
      event: "done",
      data: { message: "Your page is live at example.dev/grace" },
    })
    await waitFor(() =>
      expect(form(canvasElement)).toHaveAttribute("data-state", "success")
    )
    // Announced once, by the progress card's status line (the form's own stays empty).
    await expect(
      canvasElement.querySelector('[data-slot="stream-progress-status"]')
    ).toHaveTextContent("Your page is live at example.dev/grace")
    await expect(
      canvasElement.querySelector('[data-slot="live-form-status"]')
    ).toBeEmptyDOMElement()
    await expect(
      canvas.getByRole("button", { name: "Create page" })
    ).not.toHaveAttribute("aria-disabled")
    await expect(args.onSuccess).toHaveBeenCalledWith(
      "Your page is live at example.dev/grace"
    )
  },
}

/** The server validated again and refused: its field errors show, and focus moves to the first one. */
export const ServerInvalid: Story = {
  args: {
    action: fn<LiveFormAction>(async (_, formData) => ({
      status: "invalid",
      message: "Someone just took that name.",
      fieldErrors: {
        username: `“${String(formData.get("username"))}” was taken a moment ago.`,
      },
    })),
  },
  play: async ({ canvas, canvasElement }) => {
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    const username = canvas.getByLabelText(/^Username/)
    await waitFor(() =>
      expect(username).toHaveAttribute("aria-invalid", "true")
    )
    await expect(username).toHaveAccessibleDescription(
      /“grace” was taken a moment ago\./
    )
    await expect(username).toHaveFocus()
    await expect(
      canvasElement.querySelector('[data-slot="live-form-status"]')
    ).toHaveTextContent("Someone just took that name.")
    // Typing a new value replaces the server's verdict with a live check.
    await userEvent.type(username, "-hopper")
    await waitFor(() =>
      expect(field(canvasElement, "username")).toHaveAttribute(
        "data-state",
        "valid"
      )
    )
    // Nothing left to fix: the server's "please fix" goes away.
    await expect(
      canvasElement.querySelector('[data-slot="live-form-status"]')
    ).toBeEmptyDOMElement()
  },
}

/** The action succeeded at once (no streamed work): the message, announced by the form's status line. */
export const SuccessAtOnce: Story = {
  play: async ({ canvas, canvasElement }) => {
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    await waitFor(() =>
      expect(form(canvasElement)).toHaveAttribute("data-state", "success")
    )
    await expect(
      canvasElement.querySelector('[data-slot="live-form-status"]')
    ).toHaveTextContent("Welcome aboard!")
    await expect(canvas.queryByRole("progressbar")).toBeNull()
  },
}

/** The action failed: an alert with the server's message and a Retry button. */
export const ServerError: Story = {
  args: {
    action: fn<LiveFormAction>(async () => ({
      status: "error",
      message: "The server is busy. Nothing was saved; try again.",
    })),
  },
  play: async ({ canvas, canvasElement }) => {
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    await waitFor(() =>
      expect(canvas.getByRole("alert")).toHaveTextContent(
        "The server is busy. Nothing was saved; try again."
      )
    )
    await expect(canvas.getByRole("button", { name: "Retry" })).toBeVisible()
    await expect(
      canvas.getByRole("button", { name: "Create page" })
    ).not.toHaveAttribute("aria-disabled")
  },
}

let attempts = 0
/** Fails the first time (the server is busy), works the second. */
const busyOnce: LiveFormAction = async () => {
  attempts += 1
  return attempts === 1
    ? {
        status: "error",
        message: "The server is busy. Nothing was saved; try again.",
      }
    : { status: "success", message: "Welcome aboard!" }
}

/** An error from the action: an alert with Retry, which sends exactly the same data again. */
export const ServerErrorWithRetry: Story = {
  args: { action: fn(busyOnce) },
  beforeEach: () => {
    attempts = 0
  },
  play: async ({ canvas, canvasElement, args }) => {
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    await waitFor(() =>
      expect(canvas.getByRole("alert")).toHaveTextContent(
        "The server is busy. Nothing was saved; try again."
      )
    )
    await expect(form(canvasElement)).toHaveAttribute("data-state", "error")
    // Edited after the failure: Retry still sends what failed.
    await userEvent.type(canvas.getByLabelText(/^Email/), "x")
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    await waitFor(() =>
      expect(form(canvasElement)).toHaveAttribute("data-state", "success")
    )
    const calls = (args.action as ReturnType<typeof fn>).mock.calls
    await expect(calls).toHaveLength(2)
    await expect(calls[1]![1]).toBe(calls[0]![1])
    await expect(canvas.queryByRole("button", { name: "Retry" })).toBeNull()
  },
}

/** The work itself failed (an `error` event): the progress card's Retry submits the same data again. */
export const WorkFailedWithRetry: Story = {
  args: { action: fn(working) },
  play: async ({ canvas, canvasElement, loaded, args }) => {
    const kit = kitOf({ loaded })
    await fillValid(canvas, canvasElement)
    await userEvent.click(canvas.getByRole("button", { name: "Create page" }))
    await kit.server.waitForConnections(1)
    kit.server.send({
      id: "1",
      event: "step",
      data: { id: "reserve", status: "error" },
    })
    kit.server.send({
      id: "2",
      event: "error",
      data: { message: "The name registry did not answer." },
    })
    await waitFor(() =>
      expect(
        canvas.getByText("The name registry did not answer.")
      ).toBeVisible()
    )
    // The run is over: the form can be submitted again.
    await expect(
      canvas.getByRole("button", { name: "Create page" })
    ).not.toHaveAttribute("aria-disabled")
    await userEvent.click(canvas.getByRole("button", { name: "Retry" }))
    await waitFor(() => expect(args.action).toHaveBeenCalledTimes(2))
  },
}

/** After a post without JavaScript the server renders its state: here its errors, with the submitted values. */
export const RenderedByServer: Story = {
  args: {
    initialState: {
      status: "invalid",
      message: "Please fix the highlighted fields.",
      fieldErrors: { email: "Enter an email address like name@example.com." },
      values: { username: "grace", email: "grace@" },
    },
  },
  play: async ({ canvas }) => {
    await expect(canvas.getByLabelText(/^Username/)).toHaveValue("grace")
    const email = canvas.getByLabelText(/^Email/)
    await expect(email).toHaveValue("grace@")
    await expect(email).toHaveAttribute("aria-invalid", "true")
    await expect(email).toHaveAccessibleDescription(
      "Enter an email address like name@example.com."
    )
  },
}

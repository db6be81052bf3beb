/**
 * Shared setup of the LiveForm stories (live-form.stories.tsx and live-form-display.stories.tsx): the fields, the
 * mock validators and actions, the meta both files spread, and the queries their `play` functions use. Not a
 * registry item file and not a story file: nothing here ships.
 */
import type { Meta } from "@storybook/react-vite"
import { expect, fn, userEvent, waitFor, within } from "storybook/test"

import type {
  LiveForm,
  LiveFormAction,
  LiveFormField,
  LiveFormState,
  LiveFormValidator,
  LiveFormVerdict,
} from "@/registry/realtime/blocks/live-form/live-form"
import {
  testTransportLoader,
  withTestTransport,
} from "@/registry/realtime/testing/story-kit"

const fields: LiveFormField[] = [
  {
    name: "username",
    label: "Username",
    required: true,
    autoComplete: "username",
    description: "Your page will be at example.dev/<username>.",
  },
  {
    name: "email",
    label: "Email",
    type: "email",
    required: true,
    autoComplete: "email",
  },
]

const TAKEN = ["admin", "ada"]

/** A username check like a server's: 150 ms away, aborted with the request's signal. */
const checkUsername: LiveFormValidator = (value, { signal }) =>
  new Promise<LiveFormVerdict>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        resolve(
          TAKEN.includes(value.toLowerCase())
            ? { valid: false, message: `“${value}” is taken. Try another.` }
            : /^[a-z0-9-]{3,20}$/i.test(value)
              ? { valid: true, message: `“${value}” is available.` }
              : {
                  valid: false,
                  message: "Use 3 to 20 letters, digits or dashes.",
                }
        ),
      150
    )
    signal.addEventListener("abort", () => {
      clearTimeout(timer)
      reject(signal.reason)
    })
  })

/** Checks the story controls by hand: each call waits until `play` answers it. */
export const asked: {
  value: string
  signal: AbortSignal
  answer: (verdict: LiveFormVerdict) => void
}[] = []
export const manualCheck: LiveFormValidator = (value, { signal }) =>
  new Promise((resolve) => asked.push({ value, signal, answer: resolve }))

/**
 * An action that answers only when the story ends: the form stays in its optimistic "Submitting…" state. (React
 * entangles pending async actions, so one left pending for good would hold every later story's transitions too.)
 */
const held = new Set<() => void>()
export const neverAnswers: LiveFormAction = () =>
  new Promise<LiveFormState>((resolve) =>
    held.add(() => resolve({ status: "idle" }))
  )

/** The meta of both LiveForm story files, without their `title` and `component` (Storybook reads those statically). */
export const liveFormMeta = {
  loaders: [testTransportLoader],
  decorators: [withTestTransport],
  args: {
    fields,
    validators: { username: fn(checkUsername) },
    action: fn<LiveFormAction>(async () => ({
      status: "success",
      message: "Welcome aboard!",
    })),
    labels: { submit: "Create page" },
    progress: {
      title: "Creating your page",
      steps: [
        { id: "reserve", label: "Reserving the name" },
        { id: "build", label: "Building the page" },
      ],
    },
    className: "max-w-md",
  },
  beforeEach: () => {
    asked.length = 0
    return () => {
      for (const release of held) release()
      held.clear()
    }
  },
} satisfies Meta<typeof LiveForm>

export const field = (canvasElement: HTMLElement, name: string) =>
  canvasElement.querySelector<HTMLElement>(
    `[data-slot="live-form-field"]:has([name="${name}"])`
  )!
export const form = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLFormElement>('[data-slot="live-form"]')!

/** Fills both fields with values that pass, and waits for the username check. */
export async function fillValid(
  canvas: ReturnType<typeof within>,
  canvasElement: HTMLElement
) {
  await userEvent.type(canvas.getByLabelText(/^Username/), "grace")
  await userEvent.type(canvas.getByLabelText(/^Email/), "grace@example.dev")
  await waitFor(() =>
    expect(field(canvasElement, "username")).toHaveAttribute(
      "data-state",
      "valid"
    )
  )
}

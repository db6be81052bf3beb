import type { Meta, StoryObj } from "@storybook/react-vite"
import { expect, fn, userEvent, waitFor } from "storybook/test"

import {
  LiveForm,
  type LiveFormValidator,
} from "@/registry/realtime/blocks/live-form/live-form"
import {
  field,
  liveFormMeta,
  manualCheck,
} from "@/registry/realtime/blocks/live-form/live-form.story-fixtures"

// Presentation: theme, direction and motion. The behaviour stories are in live-form.stories.tsx.
const meta = {
  ...liveFormMeta,
  title: "Realtime/LiveForm/Display",
  component: LiveForm,
} satisfies Meta<typeof LiveForm>

export default meta
type Story = StoryObj<typeof meta>

/** Dark theme, one field valid and one invalid. */
export const Dark: Story = {
  globals: { theme: "dark" },
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(canvas.getByLabelText(/^Username/), "ada")
    await waitFor(() =>
      expect(field(canvasElement, "username")).toHaveAttribute(
        "data-state",
        "invalid"
      )
    )
    await expect(document.documentElement).toHaveClass("dark")
  },
}

/** Right to left, in Arabic: icons sit at the start of the reading direction's end. */
export const RightToLeft: Story = {
  globals: { direction: "rtl" },
  args: {
    fields: [
      { name: "username", label: "اسم المستخدم", required: true },
      {
        name: "email",
        label: "البريد الإلكتروني",
        type: "email",
        required: true,
      },
    ],
    validators: {
      username: fn<LiveFormValidator>(async (value) =>
        value.length >= 3
          ? { valid: true, message: "الاسم متاح." }
          : { valid: false, message: "قصير جدًا." }
      ),
    },
    labels: {
      submit: "إنشاء",
      submitting: "جارٍ الإرسال…",
      checking: "جارٍ التحقق…",
      required: "مطلوب",
    },
  },
  play: async ({ canvas, canvasElement }) => {
    const username = canvas.getByLabelText(/^اسم المستخدم/)
    await userEvent.type(username, "salma")
    await waitFor(() =>
      expect(username).toHaveAccessibleDescription("الاسم متاح.")
    )
    const icon = field(canvasElement, "username").querySelector("svg")!
    // The icon sits at the inline end: the left edge in RTL.
    await expect(icon.getBoundingClientRect().left).toBeLessThan(
      username.getBoundingClientRect().left + 40
    )
  },
}

/** Reduced motion: the pending spinner holds still. */
export const ReducedMotion: Story = {
  globals: { reducedMotion: "reduce" },
  args: { validators: { username: manualCheck } },
  play: async ({ canvas, canvasElement }) => {
    await userEvent.type(canvas.getByLabelText(/^Username/), "grace")
    const spinner = field(canvasElement, "username").querySelector("svg")!
    await expect(getComputedStyle(spinner).animationName).toBe("none")
  },
}

/** What a field validator answers. */
export type LiveFormVerdict =
  { valid: true; message?: string } | { valid: false; message: string }

/** Passed to a field validator along with the value. */
export interface LiveFormValidatorContext {
  /** Aborted as soon as the answer is no longer wanted (a newer value, unmount): pass it to `fetch`. */
  signal: AbortSignal
  /** Every field's current value, for checks that depend on another field. */
  values: Readonly<Record<string, string>>
}

/** Checks one field on the server (or anywhere async). Throwing (other than on abort) means "could not check". */
export type LiveFormValidator = (
  value: string,
  context: LiveFormValidatorContext
) => Promise<LiveFormVerdict>

/** Where one field stands, also set as `data-state` on the field. */
export type LiveFormFieldStatus = "idle" | "pending" | "valid" | "invalid"

/** One field of the form. */
export interface LiveFormField {
  /** The form-data key, and the key of its validator and of its server error. */
  name: string
  label: string
  /** Default `'text'`. */
  type?: "text" | "email" | "password" | "url" | "tel" | "search" | "number"
  /** Help text under the label, read with the field. */
  description?: string
  placeholder?: string
  autoComplete?: string
  required?: boolean
  minLength?: number
  maxLength?: number
  defaultValue?: string
}

/** What the action returns (and what the form starts from). See the contract at the top of the file. */
export type LiveFormState =
  | { status: "idle"; values?: Record<string, string> }
  | {
      status: "invalid"
      fieldErrors: Record<string, string>
      message?: string
      values?: Record<string, string>
    }
  | {
      status: "working"
      progressUrl: string
      message?: string
      values?: Record<string, string>
    }
  | { status: "success"; message: string; values?: Record<string, string> }
  | { status: "error"; message: string; values?: Record<string, string> }

/** The submission handler: a Server Action, or any async function of the same shape. */
export type LiveFormAction = (
  previousState: LiveFormState,
  formData: FormData
) => Promise<LiveFormState>

/** Where the whole form stands, set as `data-state` on the form. `submitting` is the optimistic state. */
export type LiveFormPhase =
  "idle" | "submitting" | "invalid" | "working" | "success" | "error"

export interface LiveFormLabels {
  submit: string
  submitting: string
  /** The button while the server-side work streams its progress. */
  working: string
  checking: string
  /** A valid field whose verdict has no message. */
  valid: string
  /** The validator threw: the field is checked again on submit. */
  checkFailed: string
  /** Announced when the server refuses the submission without its own message. */
  invalid: string
  /** Shown when a `working` run finishes without a message of its own. */
  success: string
  retry: string
  /** The progress card's title. */
  progressTitle: string
  /** After a required field's label, for screen readers (sighted users see an asterisk). */
  required: string
}

export const defaultLiveFormLabels: LiveFormLabels = {
  submit: "Submit",
  submitting: "Submitting…",
  working: "Working…",
  checking: "Checking…",
  valid: "Looks good",
  checkFailed: "Could not check this now. It will be checked when you submit.",
  invalid: "Please fix the highlighted fields.",
  success: "Done",
  retry: "Retry",
  progressTitle: "Processing your request",
  required: "required",
}

export interface FieldCheck {
  status: LiveFormFieldStatus
  message?: string
  /** The value `status` is about: once the field holds another value, this check no longer applies. */
  value?: string
  /** The validator threw: shown as idle with "could not check". */
  failed?: boolean
}

export const IDLE_STATE: LiveFormState = { status: "idle" }

/** The field checks a server state implies: its field errors are invalid, the rest keep what they had. */
export function applyServerErrors(
  checks: Record<string, FieldCheck>,
  state: LiveFormState,
  values: Record<string, string>
) {
  if (state.status !== "invalid") return checks
  const next = { ...checks }
  for (const [name, message] of Object.entries(state.fieldErrors))
    next[name] = { status: "invalid", message, value: values[name] }
  return next
}

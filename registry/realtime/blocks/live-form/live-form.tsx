"use client"

import * as React from "react"
import { CircleAlert, CircleCheck, LoaderCircle, RotateCcw } from "lucide-react"

import { Button } from "@/components/ui/button"
import { Input } from "@/components/ui/input"
import { Label } from "@/components/ui/label"
import {
  StreamProgress,
  type StreamProgressProps,
} from "@/registry/realtime/components/stream-progress"
import { cn } from "@/registry/realtime/lib/utils"

/*
 * The contract with your server. Two functions, both passed as props:
 *
 *   validators: { username: (value, { signal, values }) => Promise<LiveFormVerdict> }
 *     Checks one field as the user types (debounced) and on blur. `signal` aborts when a newer value is typed:
 *     pass it to `fetch`. Answer { valid: true, message? } or { valid: false, message }.
 *
 *   action: (previousState, formData) => Promise<LiveFormState>
 *     Handles the submission. In Next.js pass a Server Action straight in: the form then also posts without
 *     JavaScript, and the page renders the state it returns. Validate again there, then return one of:
 *       { status: 'invalid', fieldErrors: { username: 'Taken' }, values }   the form shows the errors
 *       { status: 'working', progressUrl: '/api/jobs/42/events' }           progress streams from that URL
 *                                                                           (the stream-progress protocol)
 *       { status: 'success', message: 'Saved' }                              done at once
 *       { status: 'error', message: 'Try again in a minute', values }        shown with a Retry button
 *     `values` (the submitted text) refills the fields after a post without JavaScript.
 */

/** What a field validator answers. */
type LiveFormVerdict =
  { valid: true; message?: string } | { valid: false; message: string }

/** Passed to a field validator along with the value. */
interface LiveFormValidatorContext {
  /** Aborted as soon as the answer is no longer wanted (a newer value, unmount): pass it to `fetch`. */
  signal: AbortSignal
  /** Every field's current value, for checks that depend on another field. */
  values: Readonly<Record<string, string>>
}

/** Checks one field on the server (or anywhere async). Throwing (other than on abort) means "could not check". */
type LiveFormValidator = (
  value: string,
  context: LiveFormValidatorContext
) => Promise<LiveFormVerdict>

/** Where one field stands, also set as `data-state` on the field. */
type LiveFormFieldStatus = "idle" | "pending" | "valid" | "invalid"

/** One field of the form. */
interface LiveFormField {
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
type LiveFormState =
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
type LiveFormAction = (
  previousState: LiveFormState,
  formData: FormData
) => Promise<LiveFormState>

/** Where the whole form stands, set as `data-state` on the form. `submitting` is the optimistic state. */
type LiveFormPhase =
  "idle" | "submitting" | "invalid" | "working" | "success" | "error"

interface LiveFormLabels {
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

const defaultLabels: LiveFormLabels = {
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

interface LiveFormProps extends Omit<
  React.ComponentProps<"form">,
  "action" | "onSubmit"
> {
  /** The fields, in order. Extra inputs (hidden fields, checkboxes) can go in `children`. */
  fields: readonly LiveFormField[]
  /** Handles the submission; pass a Next.js Server Action directly for progressive enhancement. */
  action: LiveFormAction
  /** Live checks per field name, e.g. `{ username: checkUsername }`. Fields without one are checked on submit only. */
  validators?: Readonly<Partial<Record<string, LiveFormValidator>>>
  /** The state to start from. Default `{ status: 'idle' }`. */
  initialState?: LiveFormState
  /** The page URL to post to without JavaScript before hydration (React's `useActionState` permalink). */
  permalink?: string
  /** Quiet time after the last keystroke before a field is checked. Default 300 ms. */
  debounceMs?: number
  /** The progress card shown while the action's work streams (`title`, `steps`, `labels`, `sseOptions`…). */
  progress?: Omit<StreamProgressProps, "url" | "onRetry" | "onDone">
  /** Replace any of the default texts, e.g. to translate them. */
  labels?: Partial<LiveFormLabels>
  /** Called once the action's work is done (a `success` state, or the progress stream's `done`). */
  onSuccess?: (message: string | undefined) => void
}

interface FieldCheck {
  status: LiveFormFieldStatus
  message?: string
  /** The value `status` is about: once the field holds another value, this check no longer applies. */
  value?: string
  /** The validator threw: shown as idle with "could not check". */
  failed?: boolean
}

const IDLE_STATE: LiveFormState = { status: "idle" }

/** The field checks a server state implies: its field errors are invalid, the rest keep what they had. */
function applyServerErrors(
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

/**
 * Keeps the latest answer of each field's validator: debounced, with the previous request aborted when a newer
 * value comes, and an answer for any value but the newest ignored (so a slow stale answer never wins).
 */
function useFieldChecks(
  validators: LiveFormProps["validators"],
  debounceMs: number,
  initial: () => Record<string, FieldCheck>
) {
  const [checks, setChecks] = React.useState(initial)
  const latest = React.useRef({ validators, debounceMs, checks })
  React.useLayoutEffect(() => {
    latest.current = { validators, debounceMs, checks }
  })
  // Per field: the debounce timer, or the request in flight, and the value it is about.
  const runs = React.useRef(
    new Map<
      string,
      {
        timer?: ReturnType<typeof setTimeout>
        controller?: AbortController
        value: string
      }
    >()
  )

  const cancel = React.useCallback((name: string) => {
    const run = runs.current.get(name)
    if (!run) return
    clearTimeout(run.timer)
    run.controller?.abort()
    runs.current.delete(name)
  }, [])

  React.useEffect(() => {
    const current = runs.current
    return () => {
      for (const name of [...current.keys()]) cancel(name)
    }
  }, [cancel])

  const run = React.useCallback(
    (name: string, value: string, values: Record<string, string>) => {
      const validate = latest.current.validators?.[name]
      if (!validate) return
      const controller = new AbortController()
      runs.current.set(name, { controller, value })
      const settle = (check: FieldCheck) => {
        // Aborted, or a newer value has started its own run since: this answer is stale.
        if (
          controller.signal.aborted ||
          runs.current.get(name)?.controller !== controller
        )
          return
        runs.current.delete(name)
        setChecks((previous) => ({ ...previous, [name]: { ...check, value } }))
      }
      let answer: Promise<LiveFormVerdict>
      try {
        answer = Promise.resolve(
          validate(value, { signal: controller.signal, values })
        )
      } catch (error) {
        answer = Promise.reject(error)
      }
      answer.then(
        (verdict) =>
          settle(
            verdict.valid
              ? { status: "valid", message: verdict.message }
              : { status: "invalid", message: verdict.message }
          ),
        () => settle({ status: "idle", failed: true })
      )
    },
    []
  )

  /** The value changed: pending now, checked after the debounce (an empty value is not checked). */
  const change = React.useCallback(
    (name: string, value: string, values: Record<string, string>) => {
      cancel(name)
      if (!latest.current.validators?.[name] || value === "") {
        setChecks((previous) => ({
          ...previous,
          [name]: { status: "idle", value },
        }))
        return
      }
      setChecks((previous) => ({
        ...previous,
        [name]: { status: "pending", value },
      }))
      const timer = setTimeout(
        () => run(name, value, values),
        latest.current.debounceMs
      )
      runs.current.set(name, { timer, value })
    },
    [cancel, run]
  )

  /** The field lost focus: check now rather than after the debounce, unless this value is answered or being asked. */
  const flush = React.useCallback(
    (name: string, value: string, values: Record<string, string>) => {
      if (!latest.current.validators?.[name] || value === "") return
      const inFlight = runs.current.get(name)
      if (inFlight?.controller && inFlight.value === value) return
      const check = latest.current.checks[name]
      if (
        !inFlight &&
        check?.value === value &&
        (check.status === "valid" || check.status === "invalid")
      )
        return
      cancel(name)
      setChecks((previous) => ({
        ...previous,
        [name]: { status: "pending", value },
      }))
      run(name, value, values)
    },
    [cancel, run]
  )

  return { checks, setChecks, change, flush }
}

/**
 * A form whose fields are checked on the server as the user types, and whose submission shows at once, then
 * streams the server-side work's progress, then success, or an error with Retry.
 *
 * - Each field shows idle / pending / valid / invalid with an icon and a message; the message is a polite live
 *   region tied to the input with `aria-describedby`, and an invalid field has `aria-invalid`.
 * - Checks are debounced (`debounceMs`) and run at once on blur; a newer value aborts the older request, whose late
 *   answer is ignored.
 * - Submitting uses React's `useActionState` and `useOptimistic`: "Submitting…" shows immediately, the button
 *   stays disabled until the work is over, and a second Enter or click is ignored.
 * - Progressive enhancement: pass a Server Action as `action` and the form posts without JavaScript too; the server
 *   validates again and the page renders the state it returns (errors, progress, success).
 *
 * @example
 * <LiveForm
 *   fields={[{ name: 'username', label: 'Username', required: true }, { name: 'email', label: 'Email', type: 'email' }]}
 *   validators={{ username: (value, { signal }) => fetch(`/api/username?name=${encodeURIComponent(value)}`, { signal }).then((r) => r.json()) }}
 *   action={signUp}
 *   labels={{ submit: 'Create account' }}
 * />
 */
function LiveForm({
  fields,
  action,
  validators,
  initialState = IDLE_STATE,
  permalink,
  debounceMs = 300,
  progress,
  labels: labelOverrides,
  onSuccess,
  className,
  children,
  ref,
  ...props
}: LiveFormProps) {
  const labels = { ...defaultLabels, ...labelOverrides }
  const [state, formAction] = React.useActionState(
    action,
    initialState,
    permalink
  )
  const [shown, setShown] = React.useOptimistic<
    LiveFormState | { status: "submitting" }
  >(state)

  // From `state`, not `initialState`: after a post without JavaScript, React hands the action's answer in here.
  const [values, setValues] = React.useState<Record<string, string>>(() =>
    Object.fromEntries(
      fields.map((field) => [
        field.name,
        state.values?.[field.name] ?? field.defaultValue ?? "",
      ])
    )
  )
  const valuesRef = React.useRef(values)
  const { checks, setChecks, change, flush } = useFieldChecks(
    validators,
    debounceMs,
    () => applyServerErrors({}, state, values)
  )

  // A new state from the server: its field errors replace what the live checks said.
  const [appliedState, setAppliedState] = React.useState(state)
  if (appliedState !== state) {
    setAppliedState(state)
    setChecks((previous) =>
      applyServerErrors(previous, state, valuesRef.current)
    )
  }

  // How the current `working` run ended (its stream reports that, not the action), keyed by the state it belongs to.
  const [finished, setFinished] = React.useState<{
    state: LiveFormState
    outcome: "done" | "failed"
    message?: string
  } | null>(null)
  const runEnded =
    state.status === "working" && finished?.state === state ? finished : null

  const phase: LiveFormPhase =
    shown.status === "working"
      ? runEnded?.outcome === "done"
        ? "success"
        : "working"
      : shown.status
  const busy = phase === "submitting" || (phase === "working" && !runEnded)

  // Read by the submit handler synchronously, so a second Enter in the same tick is refused too.
  const busyRef = React.useRef(busy)
  React.useLayoutEffect(() => {
    busyRef.current = busy
  }, [busy])

  const lastSubmission = React.useRef<FormData | null>(null)
  const formRef = React.useRef<HTMLFormElement | null>(null)
  const setFormRef = React.useCallback(
    (element: HTMLFormElement | null) => {
      formRef.current = element
      if (typeof ref === "function") return ref(element)
      if (ref) ref.current = element
    },
    [ref]
  )
  const baseId = React.useId()
  const fieldId = (name: string) => `${baseId}-${name}`

  const submit = (formData: FormData) => {
    busyRef.current = true
    lastSubmission.current = formData
    React.startTransition(() => {
      setShown({ status: "submitting" })
      formAction(formData)
    })
  }

  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    // With JavaScript we dispatch ourselves (to show the optimistic state); without it the browser posts the form.
    event.preventDefault()
    if (busyRef.current) return
    const invalid = fields.find((field) => statusOf(field.name) === "invalid")
    if (invalid) {
      document.getElementById(fieldId(invalid.name))?.focus()
      return
    }
    submit(new FormData(event.currentTarget))
  }

  const retry = () => {
    if (busyRef.current) return
    if (lastSubmission.current) submit(lastSubmission.current)
    else formRef.current?.requestSubmit()
  }

  // After the server refuses the submission, move focus to the first field it named (once per new state).
  const fieldsRef = React.useRef(fields)
  React.useLayoutEffect(() => {
    fieldsRef.current = fields
  })
  React.useEffect(() => {
    if (state.status !== "invalid") return
    const first = fieldsRef.current.find(
      (field) => state.fieldErrors[field.name]
    )
    if (first) document.getElementById(`${baseId}-${first.name}`)?.focus()
  }, [state, baseId])

  const onSuccessRef = React.useRef(onSuccess)
  React.useLayoutEffect(() => {
    onSuccessRef.current = onSuccess
  })
  React.useEffect(() => {
    if (state.status === "success") onSuccessRef.current?.(state.message)
  }, [state])

  // StreamProgress reports `done` through a callback; a failed run only shows in its `data-state`.
  const progressRef = React.useRef<HTMLDivElement>(null)
  const working =
    shown.status === "working" && state.status === "working" ? state : null
  React.useEffect(() => {
    const element = progressRef.current
    if (!element || working === null) return
    const check = () => {
      if (element.dataset.state === "error")
        setFinished((previous) =>
          previous?.state === working
            ? previous
            : { state: working, outcome: "failed" }
        )
    }
    const observer = new MutationObserver(check)
    observer.observe(element, {
      attributes: true,
      attributeFilter: ["data-state"],
    })
    check()
    return () => observer.disconnect()
  }, [working])

  const statusOf = (name: string): LiveFormFieldStatus => {
    const check = checks[name]
    return check && check.value === values[name] ? check.status : "idle"
  }
  // The server's "please fix" stays only while a field is still invalid. A run that streamed to its end is announced
  // by the progress card's own status line, so it is not repeated here.
  const message =
    shown.status === "success"
      ? shown.message
      : shown.status === "invalid" &&
          fields.some((field) => statusOf(field.name) === "invalid")
        ? (shown.message ?? labels.invalid)
        : undefined

  return (
    <form
      ref={setFormRef}
      action={formAction}
      onSubmit={onSubmit}
      data-slot="live-form"
      data-state={phase}
      aria-busy={busy}
      className={cn("flex w-full flex-col gap-4", className)}
      {...props}
    >
      {fields.map((field) => {
        const id = fieldId(field.name)
        const check = checks[field.name]
        const status = statusOf(field.name)
        const failed = status === "idle" && check?.failed === true
        const text =
          status === "pending"
            ? labels.checking
            : status === "valid"
              ? (check?.message ?? labels.valid)
              : status === "invalid"
                ? check?.message
                : failed
                  ? labels.checkFailed
                  : undefined
        const descriptionId = field.description
          ? `${id}-description`
          : undefined
        const messageId = `${id}-message`
        return (
          <div
            key={field.name}
            data-slot="live-form-field"
            data-state={status}
            className="flex flex-col gap-1.5"
          >
            <Label htmlFor={id} className="gap-0">
              {field.label}
              {field.required && (
                <>
                  <span aria-hidden="true" className="ms-0.5 text-destructive">
                    *
                  </span>
                  <span className="sr-only"> ({labels.required})</span>
                </>
              )}
            </Label>
            {field.description && (
              <p id={descriptionId} className="text-sm text-muted-foreground">
                {field.description}
              </p>
            )}
            <div className="relative">
              <Input
                id={id}
                name={field.name}
                type={field.type ?? "text"}
                value={values[field.name] ?? ""}
                placeholder={field.placeholder}
                autoComplete={field.autoComplete}
                required={field.required}
                minLength={field.minLength}
                maxLength={field.maxLength}
                aria-invalid={status === "invalid" || undefined}
                aria-describedby={[descriptionId, messageId]
                  .filter(Boolean)
                  .join(" ")}
                onChange={(event) => {
                  const next = {
                    ...valuesRef.current,
                    [field.name]: event.target.value,
                  }
                  valuesRef.current = next
                  setValues(next)
                  change(field.name, event.target.value, next)
                }}
                onBlur={(event) =>
                  flush(field.name, event.target.value, valuesRef.current)
                }
                data-slot="live-form-input"
                // Room at the end for the status icon.
                className="pe-9"
              />
              <span
                aria-hidden="true"
                className="pointer-events-none absolute inset-y-0 end-0 flex w-9 items-center justify-center"
              >
                {status === "pending" && (
                  <LoaderCircle className="size-4 text-muted-foreground motion-safe:animate-spin" />
                )}
                {status === "valid" && (
                  <CircleCheck className="size-4 text-emerald-600 dark:text-emerald-400" />
                )}
                {status === "invalid" && (
                  <CircleAlert className="size-4 text-destructive" />
                )}
              </span>
            </div>
            <p
              id={messageId}
              aria-live="polite"
              aria-atomic="true"
              data-slot="live-form-message"
              data-state={status}
              className={cn(
                // Always there and one line tall, so messages coming and going never move the form.
                "min-h-5 text-sm break-words",
                status === "invalid"
                  ? "text-destructive"
                  : status === "valid"
                    ? "text-emerald-700 dark:text-emerald-400"
                    : "text-muted-foreground"
              )}
            >
              {text}
            </p>
          </div>
        )
      })}

      {children}

      <div className="flex flex-wrap items-center gap-3">
        <Button
          type="submit"
          // aria-disabled, not disabled: the button keeps focus, and the submit handler refuses while busy.
          aria-disabled={busy || undefined}
          data-slot="live-form-submit"
          className="aria-disabled:cursor-not-allowed aria-disabled:opacity-60"
        >
          {busy && (
            <LoaderCircle
              aria-hidden="true"
              className="size-4 motion-safe:animate-spin"
            />
          )}
          {phase === "submitting"
            ? labels.submitting
            : busy
              ? labels.working
              : labels.submit}
        </Button>
        <p
          role="status"
          data-slot="live-form-status"
          className={cn(
            "flex min-w-0 items-center gap-1.5 text-sm break-words",
            phase === "success"
              ? "text-emerald-700 dark:text-emerald-400"
              : phase === "invalid"
                ? "text-destructive"
                : "text-muted-foreground"
          )}
        >
          {phase === "submitting" ? (
            <span className="sr-only">{labels.submitting}</span>
          ) : (
            message && (
              <>
                {phase === "success" && (
                  <CircleCheck aria-hidden="true" className="size-4 shrink-0" />
                )}
                {message}
              </>
            )
          )}
        </p>
      </div>

      <div role="alert" data-slot="live-form-alert" className="empty:hidden">
        {shown.status === "error" && (
          <div className="flex flex-wrap items-center gap-3 rounded-lg border border-destructive/40 bg-destructive/5 p-3 text-sm text-foreground dark:bg-destructive/10">
            <CircleAlert
              aria-hidden="true"
              className="size-4 shrink-0 text-destructive"
            />
            <p className="min-w-0 flex-1 break-words">{shown.message}</p>
            <Button
              type="submit"
              variant="outline"
              size="sm"
              data-slot="live-form-retry"
              onClick={(event) => {
                // With JavaScript, send exactly what was sent before; without it, this button posts the form again.
                event.preventDefault()
                retry()
              }}
              className="text-foreground"
            >
              <RotateCcw
                aria-hidden="true"
                className="size-3.5 rtl:-scale-x-100"
              />
              {labels.retry}
            </Button>
          </div>
        )}
      </div>

      {working && (
        <StreamProgress
          ref={progressRef}
          url={working.progressUrl}
          title={labels.progressTitle}
          {...progress}
          onRetry={retry}
          onDone={(result) => {
            setFinished({
              state: working,
              outcome: "done",
              message: result.message ?? working.message,
            })
            onSuccessRef.current?.(result.message ?? working.message)
          }}
        />
      )}
    </form>
  )
}

export { LiveForm }
export type {
  LiveFormProps,
  LiveFormField,
  LiveFormFieldStatus,
  LiveFormVerdict,
  LiveFormValidator,
  LiveFormValidatorContext,
  LiveFormState,
  LiveFormAction,
  LiveFormPhase,
  LiveFormLabels,
}

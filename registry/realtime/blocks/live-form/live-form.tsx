"use client"

import * as React from "react"

import { LiveFormFieldRow } from "@/registry/realtime/blocks/live-form/components/live-form-field"
import {
  LiveFormAlert,
  LiveFormSubmitRow,
} from "@/registry/realtime/blocks/live-form/components/live-form-footer"
import { useFieldChecks } from "@/registry/realtime/blocks/live-form/hooks/use-field-checks"
import {
  applyServerErrors,
  defaultLiveFormLabels,
  IDLE_STATE,
  type LiveFormAction,
  type LiveFormField,
  type LiveFormFieldStatus,
  type LiveFormLabels,
  type LiveFormPhase,
  type LiveFormState,
  type LiveFormValidator,
  type LiveFormValidatorContext,
  type LiveFormVerdict,
} from "@/registry/realtime/blocks/live-form/lib/live-form-state"
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
  const labels = { ...defaultLiveFormLabels, ...labelOverrides }
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

  const onSuccessRef = useLatest(onSuccess)
  const run = useWorkingRun(state, shown, onSuccessRef)
  const phase: LiveFormPhase =
    shown.status === "working"
      ? run.ended?.outcome === "done"
        ? "success"
        : "working"
      : shown.status
  const busy = phase === "submitting" || (phase === "working" && !run.ended)

  const baseId = React.useId()
  const fieldId = (name: string) => `${baseId}-${name}`
  const statusOf = (name: string): LiveFormFieldStatus => {
    const check = checks[name]
    return check && check.value === values[name] ? check.status : "idle"
  }
  const { setFormRef, onSubmit, retry } = useSubmission({
    ref,
    busy,
    dispatch: (formData) => {
      setShown({ status: "submitting" })
      formAction(formData)
    },
    // A field known to be invalid is focused instead of submitting.
    focusInvalid: () => {
      const invalid = fields.find((field) => statusOf(field.name) === "invalid")
      if (invalid) document.getElementById(fieldId(invalid.name))?.focus()
      return invalid !== undefined
    },
  })

  useFocusFirstRefused(state, useLatest(fields), baseId)

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
      {fields.map((field) => (
        <LiveFormFieldRow
          key={field.name}
          field={field}
          id={fieldId(field.name)}
          value={values[field.name] ?? ""}
          status={statusOf(field.name)}
          check={checks[field.name]}
          onValueChange={(value) => {
            const next = { ...valuesRef.current, [field.name]: value }
            valuesRef.current = next
            setValues(next)
            change(field.name, value, next)
          }}
          onCommit={(value) => flush(field.name, value, valuesRef.current)}
          labels={labels}
        />
      ))}

      {children}

      <LiveFormSubmitRow
        phase={phase}
        busy={busy}
        message={message}
        labels={labels}
      />
      <LiveFormAlert
        error={shown.status === "error" ? shown.message : null}
        onRetry={retry}
        labels={labels}
      />

      {run.working && (
        <StreamProgress
          ref={run.progressRef}
          url={run.working.progressUrl}
          title={labels.progressTitle}
          {...progress}
          onRetry={retry}
          onDone={run.onDone}
        />
      )}
    </form>
  )
}

/**
 * Submitting: with JavaScript the form dispatches the action itself (in a transition, so the optimistic state shows),
 * at most once while busy, and Retry sends exactly what was sent before; without JavaScript the browser posts it.
 */
function useSubmission({
  ref,
  busy,
  dispatch,
  focusInvalid,
}: {
  ref: LiveFormProps["ref"]
  busy: boolean
  dispatch: (formData: FormData) => void
  /** Focuses the first field known to be invalid, if any: true when there was one. */
  focusInvalid: () => boolean
}) {
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

  const submit = (formData: FormData) => {
    busyRef.current = true
    lastSubmission.current = formData
    React.startTransition(() => dispatch(formData))
  }
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (busyRef.current) return
    if (focusInvalid()) return
    submit(new FormData(event.currentTarget))
  }
  const retry = () => {
    if (busyRef.current) return
    if (lastSubmission.current) submit(lastSubmission.current)
    else formRef.current?.requestSubmit()
  }
  return { setFormRef, onSubmit, retry }
}

/** A ref that always holds the latest `value` (read by handlers and effects without re-running them). */
function useLatest<T>(value: T): React.RefObject<T> {
  const ref = React.useRef(value)
  React.useLayoutEffect(() => {
    ref.current = value
  })
  return ref
}

type WorkingState = Extract<LiveFormState, { status: "working" }>

/**
 * The action's `working` run, while it is shown: its progress card, and how the run ended. The stream reports
 * `done` through a callback; a failed run only shows in the card's `data-state`, which is watched.
 */
function useWorkingRun(
  state: LiveFormState,
  shown: LiveFormState | { status: "submitting" },
  onSuccess: React.RefObject<LiveFormProps["onSuccess"]>
) {
  // How the current run ended, keyed by the state it belongs to.
  const [finished, setFinished] = React.useState<{
    state: LiveFormState
    outcome: "done" | "failed"
    message?: string
  } | null>(null)
  const ended =
    state.status === "working" && finished?.state === state ? finished : null

  React.useEffect(() => {
    if (state.status === "success") onSuccess.current?.(state.message)
  }, [state, onSuccess])

  const progressRef = React.useRef<HTMLDivElement>(null)
  const working: WorkingState | null =
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

  const onDone = (result: { message?: string }) => {
    if (!working) return
    const message = result.message ?? working.message
    setFinished({ state: working, outcome: "done", message })
    onSuccess.current?.(message)
  }
  return { working, ended, progressRef, onDone }
}

/** After the server refuses the submission, focus moves to the first field it named (once per new state). */
function useFocusFirstRefused(
  state: LiveFormState,
  fields: React.RefObject<readonly LiveFormField[]>,
  baseId: string
) {
  React.useEffect(() => {
    if (state.status !== "invalid") return
    const first = fields.current.find((field) => state.fieldErrors[field.name])
    if (first) document.getElementById(`${baseId}-${first.name}`)?.focus()
  }, [state, baseId, fields])
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

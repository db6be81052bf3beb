"use client"

import * as React from "react"

import type {
  FieldCheck,
  LiveFormValidator,
  LiveFormVerdict,
} from "@/registry/realtime/blocks/live-form/lib/live-form-state"

/**
 * Keeps the latest answer of each field's validator: debounced, with the previous request aborted when a newer
 * value comes, and an answer for any value but the newest ignored (so a slow stale answer never wins).
 */
export function useFieldChecks(
  validators: Readonly<Partial<Record<string, LiveFormValidator>>> | undefined,
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

"use client"

import { CircleAlert, CircleCheck, LoaderCircle } from "lucide-react"

import { Input } from "@/components/ui/input"
import { Label } from "@/components/ui/label"
import type {
  FieldCheck,
  LiveFormField,
  LiveFormFieldStatus,
  LiveFormLabels,
} from "@/registry/realtime/blocks/live-form/lib/live-form-state"
import { cn } from "@/registry/realtime/lib/utils"

interface LiveFormFieldRowProps {
  field: LiveFormField
  /** The input's id; the description and message ids derive from it. */
  id: string
  value: string
  status: LiveFormFieldStatus
  /** The field's latest check (its message, or that the validator failed). */
  check: FieldCheck | undefined
  onValueChange: (value: string) => void
  onCommit: (value: string) => void
  labels: LiveFormLabels
}

/**
 * One field: label (with "required" in words), description, shadcn's input with the check's icon at its end, and a
 * message line that is a polite live region tied to the input. The line is always there, so messages never move the
 * form.
 */
function LiveFormFieldRow({
  field,
  id,
  value,
  status,
  check,
  onValueChange,
  onCommit,
  labels,
}: LiveFormFieldRowProps) {
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
  const descriptionId = field.description ? `${id}-description` : undefined
  const messageId = `${id}-message`
  return (
    <div
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
          value={value}
          placeholder={field.placeholder}
          autoComplete={field.autoComplete}
          required={field.required}
          minLength={field.minLength}
          maxLength={field.maxLength}
          aria-invalid={status === "invalid" || undefined}
          aria-describedby={[descriptionId, messageId]
            .filter(Boolean)
            .join(" ")}
          onChange={(event) => onValueChange(event.target.value)}
          onBlur={(event) => onCommit(event.target.value)}
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
}

export { LiveFormFieldRow }
export type { LiveFormFieldRowProps }

// A labelled form control with its hint and its error from the server next to it, tied together
// with aria-describedby so a screen reader reads the error when the field is focused.
import type { InputHTMLAttributes, PartialInputHTMLAttributes } from 'preact';

type InputProps = Omit<PartialInputHTMLAttributes<HTMLInputElement>, 'role'>;

export interface FieldProps extends Omit<InputProps, 'id' | 'label'> {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
}

export function Field({ id, label, error, hint, ...input }: FieldProps) {
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described}
        // Preact types each input `type` with its own roles; these fields use none.
        {...(input as InputHTMLAttributes<HTMLInputElement>)}
      />
      {error && (
        <small id={`${id}-error`} class="field-error">
          {error}
        </small>
      )}
      {hint && !error && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}

/** A form-level message (not tied to one field), announced when it appears. */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p class="form-error" role="alert">
      {message}
    </p>
  );
}

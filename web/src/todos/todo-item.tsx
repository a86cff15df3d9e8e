// One to-do: a checkbox labelled with its title, its due date, and edit and delete buttons.
// Editing happens in place; Escape cancels.
import { useState } from 'preact/hooks';
import { fieldErrors } from '../api/problem.ts';
import type { Todo } from '../api/types.ts';
import { Field } from '../ui/field.tsx';
import { reportError } from '../ui/toasts.tsx';
import { DueDate, isOverdue } from './due-date.tsx';
import { updateTodo } from './todos-api.ts';

interface TodoItemProps {
  todo: Todo;
  onToggle: (todo: Todo) => void;
  onDelete: (todo: Todo) => void;
  onSaved: (todo: Todo) => void;
}

function TodoEditForm({ todo, onDone }: { todo: Todo; onDone: (saved?: Todo) => void }) {
  const [title, setTitle] = useState(todo.title);
  const [due, setDue] = useState(todo.due_date ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    try {
      onDone(await updateTodo(todo.id, { title, due_date: due || null }));
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) reportError(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="todo-edit"
      onSubmit={(event) => void save(event)}
      onKeyDown={(e) => e.key === 'Escape' && onDone()}
      noValidate
    >
      <Field
        id={`todo-title-${todo.id}`}
        label="Title"
        value={title}
        maxLength={200}
        error={errors.title}
        autoFocus
        onInput={(e) => setTitle(e.currentTarget.value)}
      />
      <Field
        id={`todo-due-${todo.id}`}
        label="Due date"
        type="date"
        value={due}
        error={errors.due_date}
        onInput={(e) => setDue(e.currentTarget.value)}
      />
      <div class="todo-edit-actions">
        <button type="submit" aria-busy={busy} disabled={busy}>
          Save
        </button>
        <button type="button" class="secondary outline" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function TodoItem({ todo, onToggle, onDelete, onSaved }: TodoItemProps) {
  const [editing, setEditing] = useState(false);
  const checkboxId = `todo-${todo.id}`;
  if (editing) {
    return (
      <li class="todo editing">
        <TodoEditForm
          todo={todo}
          onDone={(saved) => {
            setEditing(false);
            if (saved) onSaved(saved);
          }}
        />
      </li>
    );
  }
  const overdue = isOverdue(todo.due_date, todo.done);
  return (
    <li class={`todo${todo.done ? ' done' : ''}${overdue ? ' overdue' : ''}`}>
      <input type="checkbox" id={checkboxId} checked={todo.done} onChange={() => onToggle(todo)} />
      <div class="todo-text">
        <label for={checkboxId}>{todo.title}</label>
        {todo.due_date && <DueDate date={todo.due_date} done={todo.done} />}
      </div>
      <div class="todo-actions">
        <button
          type="button"
          class="secondary outline small"
          aria-label={`Edit “${todo.title}”`}
          onClick={() => setEditing(true)}
        >
          Edit
        </button>
        <button
          type="button"
          class="secondary outline small danger"
          aria-label={`Delete “${todo.title}”`}
          onClick={() => onDelete(todo)}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

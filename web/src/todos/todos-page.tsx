// /todos: add a to-do (with an optional due date), check it off, edit or delete it, and see open,
// done or all to-dos. Overdue ones stand out. Deleting offers Undo.
import { useRef, useState } from 'preact/hooks';
import { fieldErrors } from '../api/problem.ts';
import type { Todo } from '../api/types.ts';
import { useStore } from '../lib/store.ts';
import { usePagedList } from '../lib/use-paged-list.ts';
import { Link, location } from '../router.tsx';
import { Field } from '../ui/field.tsx';
import { LoadMore } from '../ui/load-more.tsx';
import { Loading, PageHeading, usePageTitle } from '../ui/page.tsx';
import { reportError, showToast } from '../ui/toasts.tsx';
import { isOverdue } from './due-date.tsx';
import { TodoItem } from './todo-item.tsx';
import './todos.css';
import {
  compareTodos,
  createTodo,
  deleteTodo,
  listTodos,
  updateTodo,
  type TodoFilter,
} from './todos-api.ts';

const FILTERS: { value: TodoFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'done', label: 'Done' },
  { value: 'all', label: 'All' },
];

function readFilter(query: URLSearchParams): TodoFilter {
  const show = query.get('show');
  return show === 'done' || show === 'all' ? show : 'open';
}

function belongs(todo: Todo, filter: TodoFilter): boolean {
  return filter === 'all' || todo.done === (filter === 'done');
}

export function TodosPage() {
  usePageTitle('To-dos');
  const filter = readFilter(useStore(location).query);
  const todos = usePagedList(filter, (cursor) => listTodos(filter, cursor), reportError);
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [adding, setAdding] = useState(false);
  const titleInput = useRef<HTMLInputElement>(null);

  function insert(todo: Todo): void {
    todos.setItems((items) => [...items.filter((t) => t.id !== todo.id), todo].sort(compareTodos));
  }

  function replace(todo: Todo): void {
    todos.setItems((items) => items.map((t) => (t.id === todo.id ? todo : t)));
  }

  async function add(event: Event): Promise<void> {
    event.preventDefault();
    setAdding(true);
    setErrors({});
    try {
      const todo = await createTodo(title, due || null);
      // Clear only what was sent: the next to-do may already be being typed.
      setTitle((current) => (current === title ? '' : current));
      setDue((current) => (current === due ? '' : current));
      if (belongs(todo, filter)) insert(todo);
      else showToast(`Added “${todo.title}” to your open to-dos`);
      titleInput.current?.focus();
    } catch (error) {
      const fields = fieldErrors(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) reportError(error);
    } finally {
      setAdding(false);
    }
  }

  function toggle(todo: Todo): void {
    // Shown at once; put back if the server says no. It stays in view (struck through) so a
    // slip of the finger is easy to undo.
    replace({ ...todo, done: !todo.done });
    updateTodo(todo.id, { done: !todo.done }).then(replace, (error: unknown) => {
      replace(todo);
      reportError(error);
    });
  }

  function remove(todo: Todo): void {
    todos.setItems((items) => items.filter((t) => t.id !== todo.id));
    deleteTodo(todo.id).then(
      () =>
        showToast(`Deleted “${todo.title}”`, {
          action: {
            label: 'Undo',
            run: () =>
              void createTodo(todo.title, todo.due_date, todo.done).then(insert, reportError),
          },
        }),
      (error: unknown) => {
        insert(todo);
        reportError(error);
      },
    );
  }

  const overdue = todos.items.filter((t) => isOverdue(t.due_date, t.done)).length;

  return (
    <section class="todos">
      <PageHeading>To-dos</PageHeading>
      <form class="todo-add" onSubmit={(event) => void add(event)} noValidate>
        <Field
          id="new-todo-title"
          label="New to-do"
          placeholder="What needs doing?"
          value={title}
          maxLength={200}
          error={errors.title}
          ref={titleInput}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
        <Field
          id="new-todo-due"
          label="Due date (optional)"
          type="date"
          value={due}
          error={errors.due_date}
          onInput={(e) => setDue(e.currentTarget.value)}
        />
        <button type="submit" aria-busy={adding} disabled={adding}>
          Add
        </button>
      </form>
      <nav class="view-switch" aria-label="Which to-dos">
        {FILTERS.map(({ value, label }) => (
          <Link
            key={value}
            href={value === 'open' ? '/todos' : `/todos?show=${value}`}
            aria-current={filter === value ? 'page' : undefined}
          >
            {label}
          </Link>
        ))}
      </nav>
      {overdue > 0 && (
        <p class="overdue-summary">
          {overdue} overdue to-do{overdue === 1 ? '' : 's'}
        </p>
      )}
      {todos.status === 'loading' && <Loading label="Loading to-dos…" />}
      {todos.status === 'ready' && todos.items.length === 0 && (
        <p class="empty-state">
          {filter === 'done'
            ? 'Nothing done yet.'
            : filter === 'open'
              ? 'Nothing to do. Add a to-do above.'
              : 'No to-dos yet. Add one above.'}
        </p>
      )}
      <ul class="todo-list">
        {todos.items.map((todo) => (
          <TodoItem
            key={todo.id}
            todo={todo}
            onToggle={toggle}
            onDelete={remove}
            onSaved={(t) => insert(t)}
          />
        ))}
      </ul>
      {todos.hasMore && (
        <LoadMore
          label="More to-dos"
          busy={todos.loadingMore}
          onLoad={() => void todos.loadMore()}
        />
      )}
    </section>
  );
}

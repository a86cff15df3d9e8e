// A to-do's due date in words, highlighted when it has passed.
import { daysBetween, formatDay, today } from '../ui/time.ts';

export function isOverdue(dueDate: string | null, done: boolean, now = today()): boolean {
  return dueDate !== null && !done && dueDate < now;
}

export function DueDate({ date, done }: { date: string; done: boolean }) {
  const now = today();
  const days = daysBetween(now, date);
  let text = `Due ${formatDay(date)}`;
  if (days === 0) text = 'Due today';
  else if (days === 1) text = 'Due tomorrow';
  if (isOverdue(date, done, now)) {
    const late = -days;
    text = `Overdue by ${late} day${late === 1 ? '' : 's'} (${formatDay(date)})`;
  }
  return (
    <time
      class={`due${isOverdue(date, done, now) ? ' overdue' : ''}${days === 0 && !done ? ' due-today' : ''}`}
      dateTime={date}
    >
      {text}
    </time>
  );
}

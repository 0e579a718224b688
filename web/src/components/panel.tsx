import type { ReactNode } from 'react';

export function Panel({
  title,
  subtitle,
  actions,
  children,
  className,
  testId,
  busy,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
  /** True while newer data is loading behind what is shown. */
  busy?: boolean;
}): React.JSX.Element {
  return (
    <section
      className={`panel ${className ?? ''}${busy ? ' busy' : ''}`}
      aria-label={title}
      data-testid={testId}
      aria-busy={busy ?? false}
    >
      <header className="panel-head">
        <div>
          <h2>{title}</h2>
          {subtitle ? <p className="panel-sub">{subtitle}</p> : null}
        </div>
        {actions ? <div className="panel-actions">{actions}</div> : null}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

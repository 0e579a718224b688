/**
 * "From" and "To" day pickers for a filter form: from is the start of its day (UTC), to is
 * the end of its day (exclusive), both in epoch ms; an empty field clears the bound.
 */
const DAY_MS = 86_400_000;

export function DayRangeInputs({
  onChange,
}: {
  onChange: (bound: { from?: number | undefined } | { to?: number | undefined }) => void;
}): React.JSX.Element {
  return (
    <>
      <label>
        From
        <input
          type="date"
          name="from"
          onChange={(e) =>
            onChange({ from: e.target.value ? Date.parse(e.target.value) : undefined })
          }
        />
      </label>
      <label>
        To
        <input
          type="date"
          name="to"
          onChange={(e) =>
            onChange({ to: e.target.value ? Date.parse(e.target.value) + DAY_MS : undefined })
          }
        />
      </label>
    </>
  );
}

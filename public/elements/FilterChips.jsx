// The active constraints after a turn, as chips. Props from sift.ui.chips_for: {chips: [{group, label,
// remove}], matched}. A chip's remove button sends `remove` ("any brand", "any price"...) as the shopper's
// own message, so removing a chip is exactly typing it: same extraction, state update and search.
export default function FilterChips() {
  const p = typeof props === "string" ? JSON.parse(props) : props || {};
  const chips = p.chips || [];
  const chip = {
    display: "inline-flex", alignItems: "center", gap: "6px", borderRadius: "999px", padding: "2px 4px 2px 10px",
    border: "1px solid rgba(59,130,246,0.5)", background: "rgba(59,130,246,0.10)", fontSize: "13px",
  };
  const x = {
    border: "none", background: "transparent", cursor: "pointer", fontSize: "14px", lineHeight: 1,
    padding: "2px 6px", borderRadius: "999px", color: "inherit",
  };
  return (
    <div data-testid="filter-chips" style={{ display: "flex", flexWrap: "wrap", gap: "6px", margin: "4px 0" }}>
      {chips.map((c) => (
        <span key={c.group} style={chip} data-testid="chip" data-group={c.group}>
          <span data-testid="chip-label">{c.label}</span>
          <button style={x} data-testid="chip-remove" aria-label={`remove ${c.label}`} title={c.remove}
                  onClick={() => sendUserMessage(c.remove)}>
            {"\u00d7"}
          </button>
        </span>
      ))}
    </div>
  );
}

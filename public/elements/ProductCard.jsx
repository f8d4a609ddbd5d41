// One search result. Props come from sift.ui.card_props: {id, position, title, brand, price, rating,
// reviews, image, url, why, variants, details}; the title links to the product page when the catalog has one.
// The number before the title is the one the shopper can refer to ("the second one", "number 7").
// "details" opens the product's facts and features in place, inside the card (and tells the server, which
// keeps the click for review); clicking again closes them. All text is rendered as React text (escaped);
// no raw HTML anywhere.
// Images: only when the catalog has an http(s) URL; a neutral placeholder otherwise and on load errors
// (offline machines cannot reach image hosts, so a broken image must never show).
import { useState } from "react";

export default function ProductCard() {
  const p = typeof props === "string" ? JSON.parse(props) : props || {};
  const [broken, setBroken] = useState(!p.image);
  const [open, setOpen] = useState(false);
  const details = p.details || { facts: [], features: [] };
  const stars = typeof p.rating === "number" ? p.rating : null;
  const full = stars === null ? 0 : Math.round(stars);
  const box = {
    display: "flex", gap: "12px", alignItems: "stretch", border: "1px solid rgba(128,128,128,0.35)",
    borderRadius: "10px", padding: "10px", margin: "4px 0", maxWidth: "560px",
  };
  const imgBox = {
    width: "84px", height: "84px", flex: "0 0 84px", borderRadius: "8px", overflow: "hidden",
    background: "rgba(128,128,128,0.12)", display: "flex", alignItems: "center", justifyContent: "center",
  };
  const button = {
    border: "1px solid rgba(128,128,128,0.5)", borderRadius: "6px", padding: "2px 10px",
    background: "transparent", cursor: "pointer", fontSize: "13px", color: "inherit",
  };
  const act = (name) => callAction({ name, payload: { id: p.id } });
  const toggle = () => {
    if (!open) act("details");
    setOpen(!open);
  };
  return (
    <div style={box} data-testid="product-card" data-product-id={p.id}>
      <div style={imgBox}>
        {broken ? (
          <svg data-testid="card-placeholder" width="40" height="40" viewBox="0 0 24 24" fill="none"
               stroke="currentColor" strokeWidth="1.5" opacity="0.45" aria-label="no image">
            <rect x="6" y="2" width="12" height="20" rx="2" />
            <line x1="11" y1="18" x2="13" y2="18" />
          </svg>
        ) : (
          <img src={p.image} alt={p.title} loading="lazy" referrerPolicy="no-referrer"
               style={{ width: "100%", height: "100%", objectFit: "contain" }}
               onError={() => setBroken(true)} />
        )}
      </div>
      <div style={{ display: "flex", flexDirection: "column", gap: "3px", minWidth: 0, flex: 1 }}>
        <div data-testid="card-title" style={{ fontWeight: 600, fontSize: "14px", lineHeight: 1.3 }}>
          {p.position ? `${p.position}. ` : ""}
          {p.url ? (
            <a href={p.url} target="_blank" rel="noopener noreferrer nofollow" data-testid="card-link"
               style={{ color: "inherit" }}>{p.title}</a>
          ) : p.title}
        </div>
        <div style={{ fontSize: "13px", opacity: 0.8 }}>
          {p.brand ? <span data-testid="card-brand">{p.brand}</span> : null}
          {p.brand && p.price ? " \u00b7 " : ""}
          {p.price ? <b data-testid="card-price">{p.price}</b> : null}
        </div>
        <div style={{ fontSize: "13px" }} data-testid="card-rating"
             aria-label={stars === null ? "no rating" : `${stars} out of 5 stars`}>
          {stars === null ? "no rating yet" : (
            <span>
              <span style={{ color: "#e3a008" }}>{"\u2605".repeat(full)}</span>
              <span style={{ opacity: 0.3 }}>{"\u2605".repeat(Math.max(0, 5 - full))}</span>
              {` ${stars.toFixed(1)} (${(p.reviews || 0).toLocaleString()} reviews)`}
            </span>
          )}
        </div>
        {p.variants ? (
          <div style={{ fontSize: "12px", opacity: 0.75 }} data-testid="card-variants">{p.variants}</div>
        ) : null}
        {p.why && p.why.length ? (
          <div style={{ fontSize: "12px", opacity: 0.7 }}>fits: {p.why.join(", ")}</div>
        ) : null}
        <div style={{ display: "flex", gap: "8px", marginTop: "4px" }}>
          <button style={button} data-testid="card-details" aria-expanded={open} onClick={toggle}>
            {open ? "hide details" : "details"}
          </button>
          <button style={button} data-testid="card-more-like" onClick={() => act("more_like_this")}>
            more like this
          </button>
        </div>
        {open ? (
          <div data-testid="card-details-panel" style={{ fontSize: "13px", marginTop: "6px",
               borderTop: "1px solid rgba(128,128,128,0.3)", paddingTop: "6px" }}>
            {details.facts.map(([label, value], i) => (
              <div key={`f${i}`}><span style={{ opacity: 0.7 }}>{label}: </span>{value}</div>
            ))}
            {details.features.length ? (
              <ul style={{ margin: "4px 0 0 18px", padding: 0 }}>
                {details.features.map((f, i) => <li key={`x${i}`}>{f}</li>)}
              </ul>
            ) : null}
            {!details.facts.length && !details.features.length ? <div>No more details in the listing.</div> : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}

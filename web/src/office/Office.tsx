// Placeholder: the office pages are being built (a separate chunk: see app.tsx).
export default function Office() {
  return <h1>Office</h1>;
}

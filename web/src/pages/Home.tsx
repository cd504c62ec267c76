// Placeholder: the public pages are being built.
export function Home() {
  return <h1>Plenum</h1>;
}
